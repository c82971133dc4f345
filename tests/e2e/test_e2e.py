"""The whole lifecycle through the real Pulumi engine and CLI, against the sandbox.

The tests run in order on one stack; each step starts from the state the previous one left.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.pulumi_stack import PulumiStack, configure_provider

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox, StoredCredential

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).resolve().parent / "e2e_program"
PASSWORDS = {
    "pw_alpha": "alpha-Secret-0001",
    "pw_bravo": "bravo-Secret-0002",
    "pw_charlie": "charlie-Secret-0003",
    "pw_rotated": "rotated-Secret-0004",
    "pw_legacy": "legacy-Secret-0005",
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    with box.running(host="127.0.0.1", port=0):
        yield box


@pytest.fixture(scope="module")
def stack(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> PulumiStack:
    stack = PulumiStack(tmp_path_factory.mktemp("e2e"), PROGRAM)
    stack.run("stack", "init", "e2e")
    configure_provider(stack, sandbox)
    stack.set_config("realm", DEFAULT_REALM)
    for key, password in PASSWORDS.items():
        stack.set_config(key, password, secret=True)
    return stack


def declare(stack: PulumiStack, *specs: dict[str, Any]) -> None:
    stack.set_config("specs", json.dumps(list(specs)))


ALPHA = {"name": "alpha", "username": "alpha", "password_key": "pw_alpha"}
BRAVO = {
    "name": "bravo",
    "username": "bravo",
    "domain": "corp.example.com",
    "password_key": "pw_bravo",
}
CHARLIE = {"name": "charlie", "username": "charlie", "password_key": "pw_charlie"}


def held_hashes(sandbox: Sandbox) -> dict[str, tuple[str, str]]:
    return {c.composite_username: (c.hash1, c.hash1b) for c in sandbox.credentials()}


def expected(username: str, key: str, domain: str | None = None) -> tuple[str, tuple[str, str]]:
    hashes = compute_hashes(username, PASSWORDS[key], DEFAULT_REALM, domain)
    return hashes.composite_username, (hashes.hash1, hashes.hash1b)


def api_calls(sandbox: Sandbox, since: int) -> list[tuple[str, str]]:
    """(method, path) of credential API calls after the first ``since`` requests."""
    return [(r.method, r.path) for r in sandbox.requests[since:] if "/accounts/" in r.path]


def writes(sandbox: Sandbox, since: int) -> list[str]:
    return [method for method, _ in api_calls(sandbox, since) if method != "GET"]


def test_up_creates_every_credential(stack: PulumiStack, sandbox: Sandbox) -> None:
    declare(stack, ALPHA, BRAVO, CHARLIE)
    stack.run("up", "--yes", "--skip-preview")
    assert held_hashes(sandbox) == dict(
        [
            expected("alpha", "pw_alpha"),
            expected("bravo", "pw_bravo", "corp.example.com"),
            expected("charlie", "pw_charlie"),
        ]
    )
    resources = stack.resources()
    assert resources["bravo"]["id"] == "bravo@corp.example.com"
    assert resources["bravo"]["type"] == "pulumi-python:dynamic/bandwidth:SipCredential"
    assert {"password", "hash1", "hash1b"} <= set(resources["bravo"]["additionalSecretOutputs"])


def test_preview_right_after_is_quiet(stack: PulumiStack, sandbox: Sandbox) -> None:
    before = len(sandbox.requests)
    stack.run("preview", "--expect-no-changes")
    assert api_calls(sandbox, before) == []


def test_password_change_updates_in_place(stack: PulumiStack, sandbox: Sandbox) -> None:
    before = len(sandbox.requests)
    urn_before = stack.resources()["alpha"]["urn"]
    declare(stack, {**ALPHA, "password_key": "pw_rotated"}, BRAVO, CHARLIE)
    stack.run("up", "--yes", "--skip-preview")
    assert writes(sandbox, before) == ["PUT"]
    assert held_hashes(sandbox)["alpha"] == expected("alpha", "pw_rotated")[1]
    assert stack.resources()["alpha"]["urn"] == urn_before


def test_username_change_replaces_create_before_delete(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    before = len(sandbox.requests)
    rotated_alpha = {**ALPHA, "password_key": "pw_rotated"}
    declare(stack, rotated_alpha, {**BRAVO, "username": "bravo2"}, CHARLIE)
    stack.run("up", "--yes", "--skip-preview")
    assert writes(sandbox, before) == ["POST", "DELETE"]
    held = held_hashes(sandbox)
    assert "bravo@corp.example.com" not in held
    assert held["bravo2@corp.example.com"] == expected("bravo2", "pw_bravo", "corp.example.com")[1]
    assert stack.resources()["bravo"]["id"] == "bravo2@corp.example.com"


def test_case_only_username_change_deletes_first(stack: PulumiStack, sandbox: Sandbox) -> None:
    before = len(sandbox.requests)
    declare(
        stack,
        {**ALPHA, "password_key": "pw_rotated"},
        {**BRAVO, "username": "bravo2"},
        {**CHARLIE, "username": "Charlie"},
    )
    stack.run("up", "--yes", "--skip-preview")
    assert writes(sandbox, before) == ["DELETE", "POST"]
    held = held_hashes(sandbox)
    assert "charlie" not in held
    assert held["Charlie"] == expected("Charlie", "pw_charlie")[1]
    stack.run("preview", "--expect-no-changes")


def test_deleted_credential_is_dropped_on_refresh_and_recreated(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    sandbox.delete_credential("alpha")
    stack.run("refresh", "--yes", "--skip-preview")
    assert "alpha" not in stack.resources()
    stack.run("up", "--yes", "--skip-preview")
    assert held_hashes(sandbox)["alpha"] == expected("alpha", "pw_rotated")[1]
    stack.run("preview", "--expect-no-changes")


def test_changed_hashes_show_after_refresh_and_are_restored(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    tampered = StoredCredential("Charlie", None, "0" * 32, "1" * 32, DEFAULT_REALM, None)
    sandbox.put_credential(tampered)
    stack.run("refresh", "--yes", "--skip-preview")
    drift = stack.run("preview", "--expect-no-changes", check=False)
    assert drift.returncode != 0
    assert "no changes were expected" in drift.stdout + drift.stderr
    updates = [line for line in drift.stdout.splitlines() if "SipCredential" in line]
    assert any("charlie" in line and "update" in line for line in updates), drift.stdout
    assert not any("alpha" in line or "bravo" in line for line in updates), drift.stdout
    stack.run("up", "--yes", "--skip-preview")
    assert held_hashes(sandbox)["Charlie"] == expected("Charlie", "pw_charlie")[1]
    stack.run("preview", "--expect-no-changes")


def test_existing_credential_is_adopted(stack: PulumiStack, sandbox: Sandbox) -> None:
    old = compute_hashes("legacy", "whatever was there before", DEFAULT_REALM)
    sandbox.put_credential(
        StoredCredential("legacy", None, old.hash1, old.hash1b, DEFAULT_REALM, None)
    )
    legacy = {"name": "legacy", "username": "legacy", "password_key": "pw_legacy", "adopt": True}
    declare(
        stack,
        {**ALPHA, "password_key": "pw_rotated"},
        {**BRAVO, "username": "bravo2"},
        {**CHARLIE, "username": "Charlie"},
        legacy,
    )
    stack.run("up", "--yes", "--skip-preview")
    assert held_hashes(sandbox)["legacy"] == expected("legacy", "pw_legacy")[1]
    before = len(sandbox.requests)
    stack.run("preview", "--expect-no-changes")
    assert api_calls(sandbox, before) == []


def test_state_and_output_hold_no_secret_in_plain_text(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    exported = json.dumps(stack.export())
    secrets = [*PASSWORDS.values(), sandbox.config.client_secret]
    every_credential_used = [
        expected("alpha", "pw_alpha"),
        expected("alpha", "pw_rotated"),
        expected("bravo", "pw_bravo", "corp.example.com"),
        expected("bravo2", "pw_bravo", "corp.example.com"),
        expected("charlie", "pw_charlie"),
        expected("Charlie", "pw_charlie"),
        expected("legacy", "pw_legacy"),
    ]
    secrets += [h for _, pair in every_credential_used for h in pair]
    for secret in secrets:
        assert secret not in exported
    assert "ciphertext" in exported
    for output in stack.transcript:
        for secret in secrets:
            assert secret not in output


def test_bad_input_fails_preview_before_any_api_call(stack: PulumiStack, sandbox: Sandbox) -> None:
    before = len(sandbox.requests)
    declare(stack, {**ALPHA, "username": "alpha:bad", "password_key": "pw_rotated"})
    result = stack.run("preview", check=False)
    assert result.returncode != 0
    assert "username: must not contain ':' or '@'" in result.stdout + result.stderr
    assert api_calls(sandbox, before) == []


def test_destroy_leaves_the_sandbox_empty(stack: PulumiStack, sandbox: Sandbox) -> None:
    assert len(stack.resources()) == 4
    assert len(sandbox.credentials()) == 4
    stack.run("destroy", "--yes", "--skip-preview")
    assert sandbox.credentials() == []
    assert stack.resources() == {}
