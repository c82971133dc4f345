"""Lost answers through the real Pulumi engine and CLI, against the sandbox: a realm
create whose answer is lost (the issue's dead end: before, this `up` and every later one
failed with 33002 "already exists"), then lost answers to the writes of its credentials
and to the deletes of `pulumi destroy`. Every `up` succeeds, the state equals what the
sandbox holds, and `preview --expect-no-changes` passes after each.

The tests run in order on one stack; each step starts from the state the previous one left.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.pulumi_stack import PulumiStack

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import Fault, RealmRecord, Sandbox

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).resolve().parent / "e2e_registrar"
PASSWORDS = {"pw_100": "lost-Secret-0100", "pw_101": "lost-Secret-0101", "pw_new": "lost-0102"}
EXT100 = {"name": "ext100", "username": "ext100", "password_key": "pw_100"}
EXT101 = {"name": "ext101", "username": "ext101", "password_key": "pw_101"}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    box.add_realm_out_of_band("main", default=True)
    with box.running(host="127.0.0.1", port=0):
        yield box


@pytest.fixture(scope="module")
def stack(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> PulumiStack:
    stack = PulumiStack(tmp_path_factory.mktemp("lost"), PROGRAM, "bw-e2e-lost")
    stack.run("stack", "init", "lost")
    stack.set_config("bandwidth:accountId", sandbox.account_id)
    stack.set_config("bandwidth:clientId", sandbox.config.client_id)
    stack.set_config("bandwidth:clientSecret", sandbox.config.client_secret, secret=True)
    stack.set_config("bandwidth:apiUrl", sandbox.base_url)
    stack.set_config("bandwidth:oauthUrl", sandbox.token_url)
    stack.set_config("bandwidth:realmWaitSeconds", "60")
    stack.set_config("realmName", "office")
    for key, password in PASSWORDS.items():
        stack.set_config(key, password, secret=True)
    return stack


def declare(stack: PulumiStack, *specs: dict[str, Any]) -> None:
    stack.set_config("specs", json.dumps(list(specs)))


def lose(sandbox: Sandbox, method: str, path: str, status: int = 504) -> None:
    sandbox.inject(Fault("after_commit", status=status, method=method, path_contains=path))


def offices(sandbox: Sandbox) -> list[RealmRecord]:
    return [realm for realm in sandbox.api_realms() if realm.name == "office"]


def held(sandbox: Sandbox) -> dict[str, tuple[str, str]]:
    """username -> (credential id, hash1) in the one realm."""
    [realm] = offices(sandbox)
    return {c.user_name: (c.id, c.hash1) for c in sandbox.realm_credentials(realm.id)}


def assert_state_is_what_bandwidth_holds(stack: PulumiStack, sandbox: Sandbox) -> None:
    assert sandbox.pending_faults == [], "a lost answer was never produced"
    [realm] = offices(sandbox)
    [state_realm] = stack.resources("SipRealm").values()
    assert state_realm["id"] == realm.id and state_realm["outputs"]["fqdn"] == realm.fqdn
    in_state = {name: r["id"] for name, r in stack.resources().items()}
    assert in_state == {user: f"{realm.id}/{cid}" for user, (cid, _) in held(sandbox).items()}
    stack.run("preview", "--expect-no-changes")


def test_up_whose_realm_create_answer_is_lost_succeeds(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    declare(stack, EXT100)
    lose(sandbox, "POST", "/realms", 504)
    result = stack.run("up", "--yes", "--skip-preview")
    assert "answer was lost" in result.stdout and "took it over" in result.stdout
    assert len(offices(sandbox)) == 1
    assert_state_is_what_bandwidth_holds(stack, sandbox)
    again = stack.run("up", "--yes", "--skip-preview")  # the "every later up fails"
    assert "33002" not in again.stdout


def test_lost_answers_to_a_credential_create_and_rotation(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    declare(stack, {**EXT100, "password_key": "pw_new"}, EXT101)
    lose(sandbox, "POST", "/sipcredentials", 500)
    lose(sandbox, "PUT", "/sipcredentials/", 504)
    stack.run("up", "--yes", "--skip-preview")
    fqdn = offices(sandbox)[0].fqdn
    now = held(sandbox)
    assert now["ext100"][1] == compute_hashes("ext100", PASSWORDS["pw_new"], fqdn).hash1
    assert now["ext101"][1] == compute_hashes("ext101", PASSWORDS["pw_101"], fqdn).hash1
    assert_state_is_what_bandwidth_holds(stack, sandbox)


def test_lost_answer_to_a_credential_delete(stack: PulumiStack, sandbox: Sandbox) -> None:
    declare(stack, {**EXT100, "password_key": "pw_new"})
    lose(sandbox, "DELETE", "/sipcredentials/", 500)
    stack.run("up", "--yes", "--skip-preview")
    assert list(held(sandbox)) == ["ext100"]
    assert_state_is_what_bandwidth_holds(stack, sandbox)


def test_destroy_with_lost_answers_to_every_delete(stack: PulumiStack, sandbox: Sandbox) -> None:
    lose(sandbox, "DELETE", "/sipcredentials/", 504)
    lose(sandbox, "DELETE", "/realms/", 500)
    stack.run("destroy", "--yes", "--skip-preview")
    assert sandbox.pending_faults == []
    assert offices(sandbox) == []
    assert stack.resources() == {} and stack.resources("SipRealm") == {}
