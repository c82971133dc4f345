"""Moving a credential between a SipCredentialSet and a single SipCredential without an
outage, exactly as docs/at-scale.md tells users, through the real CLI on the sandbox: the
credential never leaves Bandwidth (no DELETE is sent) and keeps its hashes, and afterwards
the stack plans no change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pulumi_stack import PulumiStack

from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).resolve().parent / "e2e_set_moves"
PASSWORDS = {"alice": "alice-Secret-0001", "bob": "bob-Secret-0002", "carol": "carol-Secret-3"}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    with box.running(host="127.0.0.1", port=0):
        yield box


@pytest.fixture(scope="module")
def stack(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> PulumiStack:
    stack = PulumiStack(tmp_path_factory.mktemp("moves"), PROGRAM, "bw-e2e-set-moves")
    stack.run("stack", "init", "moves")
    stack.set_config("bandwidth:accountId", sandbox.account_id)
    stack.set_config("bandwidth:apiUsername", sandbox.config.basic_username)
    stack.set_config("bandwidth:apiPassword", sandbox.config.basic_password, secret=True)
    stack.set_config("bandwidth:apiUrl", sandbox.base_url)
    stack.set_config("realm", DEFAULT_REALM)
    stack.set_config("passwords", json.dumps(PASSWORDS), secret=True)
    return stack


def declare(stack: PulumiStack, singles: list[str], members: list[str]) -> None:
    stack.set_config("singles", json.dumps(singles))
    stack.set_config("members", json.dumps(members))


def hashes(sandbox: Sandbox) -> dict[str, tuple[str, str]]:
    return {c.user_name: (c.hash1, c.hash1b) for c in sandbox.credentials()}


def urn_of(stack: PulumiStack, name: str) -> str:
    resources = stack.export()["deployment"]["resources"]
    [urn] = [r["urn"] for r in resources if r["urn"].endswith(f"::{name}")]
    return str(urn)


def up_writes(stack: PulumiStack, sandbox: Sandbox) -> list[tuple[str, int]]:
    """``pulumi up``; the writes it sent, as (method, entries)."""
    before = len(sandbox.requests)
    stack.run("up", "--yes", "--skip-preview")
    return [(r.method, r.entries) for r in sandbox.requests[before:] if r.method != "GET"]


def test_a_single_credential_moves_into_the_set(stack: PulumiStack, sandbox: Sandbox) -> None:
    declare(stack, ["alice"], ["bob", "carol"])
    stack.run("up", "--yes", "--skip-preview")
    held = hashes(sandbox)
    assert set(held) == {"alice", "bob", "carol"}
    # 1. The stack forgets the single resource; the credential stays at Bandwidth.
    stack.run("state", "delete", urn_of(stack, "alice"), "--yes")
    # 2. The program declares it in the set, with the same username and password.
    declare(stack, [], ["alice", "bob", "carol"])
    # 3. `pulumi up`: the set's create finds it with identical hashes and adopts it.
    assert up_writes(stack, sandbox) == [("POST", 1)]
    assert hashes(sandbox) == held
    assert json.loads(stack.run("stack", "output", "usernames", "--json").stdout) == {
        name: name for name in PASSWORDS
    }
    stack.run("preview", "--expect-no-changes")


def test_a_set_entry_moves_out_to_a_single_credential(stack: PulumiStack, sandbox: Sandbox) -> None:
    held = hashes(sandbox)
    # 1. The stack forgets the whole set; every credential stays at Bandwidth.
    stack.run("state", "delete", urn_of(stack, "fleet"), "--yes")
    # 2. The program declares bob alone and the set without him, passwords unchanged.
    declare(stack, ["bob"], ["alice", "carol"])
    # 3. `pulumi up`: both creates find identical hashes and adopt; nothing is deleted.
    writes = up_writes(stack, sandbox)
    assert sorted(writes) == [("POST", 1), ("POST", 2)]
    assert hashes(sandbox) == held
    stack.run("preview", "--expect-no-changes")
    stack.run("destroy", "--yes", "--skip-preview")
    assert hashes(sandbox) == {}
