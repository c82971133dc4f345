"""SipCredentialSet through the real Pulumi CLI (the dynamic provider), against the sandbox:
up, a preview naming the changed entry, per-entry change, add and remove, a partial
failure that fails the ``up`` but keeps every success in the state, recovery, drift shown
by ``refresh``, destroy.

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

PROGRAM = Path(__file__).resolve().parent / "e2e_credential_set"
ENTRIES: dict[str, dict[str, str]] = {f"desk-{i}": {"username": f"desk{i}"} for i in range(1, 6)}
PASSWORDS = {key: f"Secret-pass-{key}" for key in ENTRIES}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    with box.running(host="127.0.0.1", port=0):
        yield box


@pytest.fixture(scope="module")
def stack(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> PulumiStack:
    stack = PulumiStack(tmp_path_factory.mktemp("e2e-set"), PROGRAM)
    stack.run("stack", "init", "e2e")
    configure_provider(stack, sandbox)
    stack.set_config("realm", DEFAULT_REALM)
    return stack


def declare(stack: PulumiStack) -> None:
    stack.set_config("entries", json.dumps(ENTRIES))
    stack.set_config("passwords", json.dumps(PASSWORDS), secret=True)


def writes(sandbox: Sandbox) -> list[str]:
    """The API writes since the last call (token requests apart), sorted."""
    done = sandbox.drain_requests()
    return sorted(r.method for r in done if "/accounts/" in r.path and r.method != "GET")


def the_set(stack: PulumiStack) -> dict[str, Any]:
    (resource,) = stack.resources("SipCredentialSet").values()
    return resource


def held(sandbox: Sandbox) -> dict[str, str]:
    return {c.composite_username: c.hash1 for c in sandbox.credentials()}


def hash1(key: str) -> str:
    return compute_hashes(ENTRIES[key]["username"], PASSWORDS[key], DEFAULT_REALM).hash1


def test_up_creates_the_set_in_one_post(stack: PulumiStack, sandbox: Sandbox) -> None:
    declare(stack)
    sandbox.drain_requests()
    stack.run("up", "--yes", "--skip-preview")
    assert writes(sandbox) == ["POST"]
    assert held(sandbox) == {ENTRIES[key]["username"]: hash1(key) for key in ENTRIES}
    outputs = json.loads(stack.run("stack", "output", "--json").stdout)
    assert outputs["usernames"] == {key: e["username"] for key, e in ENTRIES.items()}
    state = json.dumps(stack.export())
    assert PASSWORDS["desk-1"] not in state and hash1("desk-1") not in state


def test_a_preview_names_the_changed_entry_and_the_up_sends_one_put(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    PASSWORDS["desk-2"] = "Rotated-pass-desk-2"
    declare(stack)
    shown = stack.run("preview", "--diff")
    preview = shown.stdout + shown.stderr  # with --diff, diagnostics go to stderr
    assert "credentials: 1 to update (desk-2)" in preview
    assert "unknown" not in preview  # the exported usernames stay known
    assert PASSWORDS["desk-2"] not in preview
    sandbox.drain_requests()
    stack.run("up", "--yes", "--skip-preview")
    assert writes(sandbox) == ["PUT"]
    assert held(sandbox)["desk2"] == hash1("desk-2")


def test_add_and_remove_are_one_post_and_one_delete(stack: PulumiStack, sandbox: Sandbox) -> None:
    del ENTRIES["desk-5"], PASSWORDS["desk-5"]
    ENTRIES["desk-6"] = {"username": "desk6"}
    PASSWORDS["desk-6"] = "Secret-pass-desk-6"
    declare(stack)
    sandbox.drain_requests()
    stack.run("up", "--yes", "--skip-preview")
    assert writes(sandbox) == ["DELETE", "POST"]
    assert sorted(held(sandbox)) == ["desk1", "desk2", "desk3", "desk4", "desk6"]


def test_a_partial_failure_fails_the_up_and_keeps_every_success(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    theirs = compute_hashes("taken7", "someone-elses", DEFAULT_REALM)
    sandbox.put_credential(StoredCredential("taken7", None, theirs.hash1, theirs.hash1b))
    ENTRIES.update({"desk-7": {"username": "taken7"}, "desk-8": {"username": "desk8"}})
    PASSWORDS.update({"desk-7": "Secret-pass-desk-7", "desk-8": "Secret-pass-desk-8"})
    declare(stack)
    sandbox.drain_requests()
    failed = stack.run("up", "--yes", "--skip-preview", check=False)
    assert failed.returncode != 0
    text = failed.stdout + failed.stderr
    errors = [line.strip() for line in text.splitlines() if "SipCredentialSet 'fleet'" in line]
    assert errors and 'credentials["desk-7"]' in errors[0] and "[23009]" in errors[0]
    assert "adopt=True" in errors[0] and "desk-8" not in errors[0]
    assert "Traceback" not in text and "Secret-pass" not in text
    assert writes(sandbox) == ["POST"]  # one bulk POST for both; one entry refused

    saved = the_set(stack)["outputs"]  # the engine saved the set despite the failed up
    assert "desk-8" in saved["usernames"] and "desk-7" not in saved["usernames"]
    assert list(saved["failures"]) == ["desk-7"]
    assert held(sandbox)["taken7"] == theirs.hash1  # theirs, untouched


def test_the_next_up_sends_only_the_failed_entry(stack: PulumiStack, sandbox: Sandbox) -> None:
    sandbox.delete_credential("taken7")  # the conflict resolved out of band
    sandbox.drain_requests()
    stack.run("up", "--yes", "--skip-preview")
    assert writes(sandbox) == ["POST"]
    assert held(sandbox)["taken7"] == hash1("desk-7")
    saved = the_set(stack)["outputs"]
    assert saved["failures"] == {} and len(saved["usernames"]) == len(ENTRIES)


def test_refresh_shows_drift_per_entry(stack: PulumiStack, sandbox: Sandbox) -> None:
    other = compute_hashes("desk3", "changed-in-the-dashboard", DEFAULT_REALM)
    sandbox.put_credential(StoredCredential("desk3", None, other.hash1, other.hash1b))
    sandbox.delete_credential("desk4")
    shown = stack.run("refresh", "--yes", "--skip-preview", "--diff")
    refreshed = shown.stdout + shown.stderr
    assert '- desk-4: "desk4"' in refreshed  # the entry deleted out of band
    assert "credentials: 1 to create (desk-4), 1 to update (desk-3)" in refreshed
    shown = stack.run("preview")
    preview = shown.stdout + shown.stderr
    assert "credentials: 1 to create (desk-4), 1 to update (desk-3)" in preview
    sandbox.drain_requests()
    stack.run("up", "--yes", "--skip-preview")
    assert writes(sandbox) == ["POST", "PUT"]
    assert held(sandbox)["desk3"] == hash1("desk-3") and held(sandbox)["desk4"] == hash1("desk-4")


def test_destroy_deletes_every_entry(stack: PulumiStack, sandbox: Sandbox) -> None:
    sandbox.drain_requests()
    stack.run("destroy", "--yes", "--skip-preview")
    assert writes(sandbox) == ["DELETE"] * len(ENTRIES)
    assert sandbox.credentials() == []
