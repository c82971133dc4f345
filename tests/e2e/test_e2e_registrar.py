"""The SIP Registrar flow through the real Pulumi engine and CLI, against the sandbox:
a SipRealm and its realm-scoped credentials, from up to destroy.

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
from bw_pulumi.sandbox import Fault, Sandbox

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).resolve().parent / "e2e_registrar"
PASSWORDS = {
    "pw_100": "ext100-Secret-0001",
    "pw_101": "ext101-Secret-0002",
    "pw_102": "ext102-Secret-0003",
    "pw_rotated": "rotated-Secret-0004",
}
EXT100 = {"name": "ext100", "username": "ext100", "password_key": "pw_100"}
EXT101 = {"name": "ext101", "username": "ext101", "password_key": "pw_101"}
EXT102 = {"name": "ext102", "username": "ext102", "password_key": "pw_102"}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    # An account's first realm is its default, which Bandwidth never deletes: as on a
    # real account, the stack's realm is not the first.
    box.add_realm_out_of_band("main", default=True)
    with box.running(host="127.0.0.1", port=0):
        yield box


@pytest.fixture(scope="module")
def stack(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> PulumiStack:
    stack = PulumiStack(tmp_path_factory.mktemp("registrar"), PROGRAM, "bw-e2e-registrar")
    stack.run("stack", "init", "registrar")
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


def the_realm(sandbox: Sandbox) -> Any:
    [realm] = [realm for realm in sandbox.api_realms() if realm.name == "office"]
    return realm


def held(sandbox: Sandbox) -> dict[str, tuple[str, str, str]]:
    """username -> (credential id, hash1, hash1b) in the one realm."""
    realm = the_realm(sandbox)
    return {c.user_name: (c.id, c.hash1, c.hash1b) for c in sandbox.realm_credentials(realm.id)}


def expected_hashes(sandbox: Sandbox, username: str, key: str) -> tuple[str, str]:
    hashes = compute_hashes(username, PASSWORDS[key], the_realm(sandbox).fqdn)
    return hashes.hash1, hashes.hash1b


def calls(sandbox: Sandbox, since: int) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in sandbox.requests[since:] if "/accounts/" in r.path]


def writes(sandbox: Sandbox, since: int) -> list[tuple[str, str]]:
    return [(method, path) for method, path in calls(sandbox, since) if method != "GET"]


def test_up_creates_the_realm_waits_for_it_then_its_credentials(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    sandbox.set_realm_timing(activation_seconds=2)
    declare(stack, EXT100, EXT101)
    preview = stack.run("preview")  # the realm's fqdn and id are unknown until it exists
    assert "+ 4 to create" in preview.stdout
    assert calls(sandbox, 0) == []
    result = stack.run("up", "--yes")
    realm = the_realm(sandbox)
    assert realm.status == "ACTIVE"
    assert realm.fqdn != "office.auth.bandwidth.com"  # the API's FQDN, not a concatenation
    assert json.loads(stack.run("stack", "output", "--json").stdout)["realm_fqdn"] == realm.fqdn
    now = held(sandbox)
    assert {user: (h1, h1b) for user, (_, h1, h1b) in now.items()} == {
        "ext100": expected_hashes(sandbox, "ext100", "pw_100"),
        "ext101": expected_hashes(sandbox, "ext101", "pw_101"),
    }
    posts = [path for method, path in writes(sandbox, 0) if method == "POST"]
    assert posts[0].endswith("/realms")  # the realm first, then its credentials
    assert all(path.endswith(f"/realms/{realm.id}/sipcredentials") for path in posts[1:])
    resources = stack.resources()
    assert resources["ext100"]["id"] == f"{realm.id}/{now['ext100'][0]}"
    assert "error" not in result.stdout.lower()


def test_preview_right_after_is_quiet(stack: PulumiStack, sandbox: Sandbox) -> None:
    before = len(sandbox.requests)
    stack.run("preview", "--expect-no-changes")
    assert writes(sandbox, before) == []


def test_password_rotation_is_one_put_and_keeps_the_ids(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    ids_before = {user: cid for user, (cid, _, _) in held(sandbox).items()}
    before = len(sandbox.requests)
    declare(stack, {**EXT100, "password_key": "pw_rotated"}, EXT101)
    stack.run("up", "--yes", "--skip-preview")
    [(method, path)] = writes(sandbox, before)
    assert method == "PUT" and path.endswith(f"/sipcredentials/{ids_before['ext100']}")
    now = held(sandbox)
    assert {user: cid for user, (cid, _, _) in now.items()} == ids_before
    assert now["ext100"][1:] == expected_hashes(sandbox, "ext100", "pw_rotated")


def test_username_rename_makes_a_new_credential_and_deletes_the_old(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    old_id = held(sandbox)["ext101"][0]
    before = len(sandbox.requests)
    declare(stack, {**EXT100, "password_key": "pw_rotated"}, {**EXT101, "username": "ext111"})
    stack.run("up", "--yes", "--skip-preview")
    assert [method for method, _ in writes(sandbox, before)] == ["POST", "DELETE"]
    now = held(sandbox)
    assert "ext101" not in now
    assert now["ext111"][0] != old_id
    assert now["ext111"][1:] == expected_hashes(sandbox, "ext111", "pw_101")


def test_refresh_right_after_up_keeps_a_credential_reads_do_not_see_yet(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    specs = [{**EXT100, "password_key": "pw_rotated"}, {**EXT101, "username": "ext111"}, EXT102]
    declare(stack, *specs)
    sandbox.set_read_lag(3.0)
    try:
        stack.run("up", "--yes", "--skip-preview")
        stack.run("refresh", "--yes", "--skip-preview")
    finally:
        sandbox.set_read_lag(0.0)
    assert "ext102" in stack.resources()
    assert "ext102" in held(sandbox)
    stack.run("preview", "--expect-no-changes")


def test_out_of_band_deletion_is_dropped_on_refresh_and_recreated(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    realm = the_realm(sandbox)
    gone_id = held(sandbox)["ext102"][0]
    assert sandbox.delete_realm_credential_out_of_band(realm.id, gone_id)
    stack.run("refresh", "--yes", "--skip-preview")
    assert "ext102" not in stack.resources()
    stack.run("up", "--yes", "--skip-preview")
    now = held(sandbox)
    assert now["ext102"][1:] == expected_hashes(sandbox, "ext102", "pw_102")
    assert stack.resources()["ext102"]["id"] == f"{realm.id}/{now['ext102'][0]}"
    stack.run("preview", "--expect-no-changes")


def test_a_rate_limited_up_shows_its_retry(stack: PulumiStack, sandbox: Sandbox) -> None:
    specs = [EXT100, {**EXT101, "username": "ext111"}, EXT102]  # ext100 back to pw_100
    declare(stack, *specs)
    sandbox.inject(Fault("status", status=429, retry_after="1", method="PUT"))
    result = stack.run("up", "--yes", "--skip-preview")
    assert "bw-pulumi: PUT /api/accounts/" in result.stdout
    assert "HTTP 429, rate-limited by Bandwidth until" in result.stdout
    assert "every request to /api/accounts/9900000/realms/*/sipcredentials/* waits 1.0 s" in (
        result.stdout
    )
    assert held(sandbox)["ext100"][1:] == expected_hashes(sandbox, "ext100", "pw_100")


def test_state_and_output_hold_no_secret_in_plain_text(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    exported = json.dumps(stack.export())
    fqdn = the_realm(sandbox).fqdn
    secrets = [*PASSWORDS.values(), sandbox.config.client_secret]
    for username, key in [
        ("ext100", "pw_100"),
        ("ext100", "pw_rotated"),
        ("ext101", "pw_101"),
        ("ext111", "pw_101"),
        ("ext102", "pw_102"),
    ]:
        hashes = compute_hashes(username, PASSWORDS[key], fqdn)
        secrets += [hashes.hash1, hashes.hash1b]
    for secret in secrets:
        assert secret not in exported
        for output in stack.transcript:
            assert secret not in output
    assert "ciphertext" in exported


def test_destroy_deletes_credentials_first_and_the_realm_last(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    sandbox.set_realm_timing(deletion_seconds=2)
    realm = the_realm(sandbox)
    before = len(sandbox.requests)
    stack.run("destroy", "--yes", "--skip-preview")
    deletes = [path for method, path in writes(sandbox, before) if method == "DELETE"]
    assert len(deletes) == 4
    assert all("/sipcredentials/" in path for path in deletes[:3])
    assert deletes[3].endswith(f"/realms/{realm.id}")
    assert [realm.name for realm in sandbox.api_realms()] == ["main"]
    assert stack.resources() == {}


def test_the_registrar_example_deploys(
    sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """examples/registrar as a user runs it: a realm, three phones, the FQDN exported."""
    example = Path(__file__).resolve().parents[2] / "examples" / "registrar"
    stack = PulumiStack(tmp_path_factory.mktemp("example"), example, "bw-registrar-example")
    stack.run("stack", "init", "dev")
    stack.set_config("bandwidth:accountId", sandbox.account_id)
    stack.set_config("bandwidth:apiUsername", sandbox.config.basic_username)
    stack.set_config("bandwidth:apiPassword", sandbox.config.basic_password, secret=True)
    stack.set_config("bandwidth:apiUrl", sandbox.base_url)
    stack.set_config("realmName", "branch")
    stack.set_config("phonePassword", "example-phone-password", secret=True)
    stack.run("up", "--yes", "--skip-preview")
    outputs = json.loads(stack.run("stack", "output", "--json").stdout)
    [realm] = [r for r in sandbox.api_realms() if r.name == "branch"]
    assert outputs["realm_fqdn"] == realm.fqdn
    assert outputs["sip_usernames"] == ["ext100", "ext101", "ext102"]
    assert len(sandbox.realm_credentials(realm.id)) == 3
    stack.run("destroy", "--yes", "--skip-preview")
    assert [r.name for r in sandbox.api_realms()] == ["main"]
