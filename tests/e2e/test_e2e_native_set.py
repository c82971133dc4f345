"""``bandwidth:SipCredentialSet`` through the real Pulumi CLI, from Pulumi YAML, against the
sandbox: up in bulk, a per-entry change the preview names, entries added and removed, a
partial failure that keeps every success and then recovers, drift on refresh, destroy.
The steps run in order on one stack."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pulumi_stack import PulumiStack, configure_provider

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox, StoredCredential

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).resolve().parent / "e2e_native_set_yaml"
PASSWORD = "fleet-Native-0001"
ROTATED = "fleet-Native-0002"
SET_TYPE = "SipCredentialSet"
#: A key a camelCase conversion would change: it must stay as written.
ODD_KEY = "Lobby.Phone_1"
#: key -> (username, the config key holding its password)
Fleet = dict[str, tuple[str, str]]


def fleet(count: int) -> Fleet:
    phones = {f"phone-{i:03d}": (f"phone{i:03d}", "phonePassword") for i in range(count)}
    return {**phones, ODD_KEY: ("lobby1", "phonePassword")}


def declare(stack: PulumiStack, entries: Fleet) -> None:
    """Rewrite the program's set to hold ``entries`` (JSON strings are YAML scalars)."""
    lines = [
        f"        {json.dumps(key)}:\n"
        f"          username: {username}\n"
        f"          password: ${{{password}}}\n"
        for key, (username, password) in entries.items()
    ]
    program = (PROGRAM / "Main.yaml").read_text()
    head, rest = program.split("      credentials:\n")
    tail = rest[rest.index("outputs:") :]
    (stack.project_dir / "Main.yaml").write_text(
        head + "      credentials:\n" + "".join(lines) + tail
    )


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    with box.running(host="127.0.0.1", port=0):
        yield box


@pytest.fixture(scope="module")
def stack(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> PulumiStack:
    stack = PulumiStack(tmp_path_factory.mktemp("set"), PROGRAM, runtime="yaml", native_plugin=True)
    stack.run("stack", "init", "set")
    configure_provider(stack, sandbox)
    stack.set_config("realm", DEFAULT_REALM)
    stack.set_config("phonePassword", PASSWORD, secret=True)
    stack.set_config("rotatedPassword", ROTATED, secret=True)
    return stack


def api_calls(sandbox: Sandbox) -> list[str]:
    """The API requests since the last call, as ``METHOD`` (token requests left out)."""
    return [r.method for r in sandbox.drain_requests() if "/accounts/" in r.path]


def held(sandbox: Sandbox) -> dict[str, tuple[str, str]]:
    return {c.composite_username: (c.hash1, c.hash1b) for c in sandbox.credentials()}


def hashes(username: str, password: str) -> tuple[str, str]:
    pair = compute_hashes(username, password, DEFAULT_REALM)
    return pair.hash1, pair.hash1b


def outputs(stack: PulumiStack) -> dict[str, object]:
    state = stack.resources(SET_TYPE)["fleet"]
    found: dict[str, object] = state["outputs"]
    return found


def test_up_creates_the_set_in_one_bulk_post_and_keeps_it_when_one_entry_fails(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    """The first `up` creates: one entry's name is taken, so the create fails for it
    alone, and the engine keeps the set it returns (the initialization failure)."""
    sandbox.put_credential(StoredCredential("lobby1", None, *hashes("lobby1", "someone-elses")))
    declare(stack, fleet(40))
    sandbox.drain_requests()
    failed = stack.run("up", "--yes", "--skip-preview", check=False)
    assert failed.returncode != 0
    assert api_calls(sandbox) == ["POST", "GET"]  # the refused duplicate: ours? no
    assert '* credentials["Lobby.Phone_1"]: Bandwidth refused it [23009]' in failed.stdout
    assert len(outputs(stack)["usernames"]) == 40  # type: ignore[arg-type]
    assert len(held(sandbox)) == 41

    sandbox.delete_credential("lobby1")
    result = stack.run("up", "--yes", "--skip-preview")
    assert api_calls(sandbox) == ["POST"]
    assert len(held(sandbox)) == 41
    assert held(sandbox)["lobby1"] == hashes("lobby1", PASSWORD)
    exported = json.loads(stack.run("stack", "output", "usernames", "--json").stdout)
    assert exported[ODD_KEY] == "lobby1" and exported["phone-039"] == "phone039"
    assert "usernames" in result.stdout
    stack.run("preview", "--expect-no-changes")
    assert api_calls(sandbox) == []


def test_a_changed_password_is_one_put_and_the_preview_names_its_entry(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    entries = fleet(40)
    entries["phone-007"] = ("phone007", "rotatedPassword")
    declare(stack, entries)
    preview = stack.run("preview", "--diff")
    print(preview.stdout)  # shown with -s: the report quotes it
    assert "~ credentials: {" in preview.stdout
    assert "~ phone-007: [secret] => [secret]" in preview.stdout
    assert "phone-006" not in preview.stdout
    for secret in (PASSWORD, ROTATED):
        assert secret not in preview.stdout
    sandbox.drain_requests()
    stack.run("up", "--yes", "--skip-preview")
    assert api_calls(sandbox) == ["PUT"]
    assert held(sandbox)["phone007"] == hashes("phone007", ROTATED)


def test_an_entry_added_and_one_removed_are_a_post_and_a_delete(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    entries = fleet(40)
    entries["phone-007"] = ("phone007", "rotatedPassword")
    del entries["phone-003"]
    entries["phone-100"] = ("phone100", "phonePassword")
    declare(stack, entries)
    preview = stack.run("preview", "--diff")
    assert "phone-100" in preview.stdout and "phone-003" in preview.stdout
    sandbox.drain_requests()
    stack.run("up", "--yes", "--skip-preview")
    assert sorted(api_calls(sandbox)) == ["DELETE", "POST"]
    assert "phone003" not in held(sandbox) and "phone100" in held(sandbox)
    assert len(held(sandbox)) == 41


def current() -> Fleet:
    entries = fleet(40)
    entries["phone-007"] = ("phone007", "rotatedPassword")
    del entries["phone-003"]
    entries["phone-100"] = ("phone100", "phonePassword")
    return entries


def test_a_partial_failure_keeps_every_success_and_the_next_up_sends_only_the_rest(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    for taken in ("desk1", "desk2"):
        sandbox.put_credential(StoredCredential(taken, None, *hashes(taken, "someone-elses")))
    entries = {
        **current(),
        "desk-1": ("desk1", "phonePassword"),
        "desk-2": ("desk2", "phonePassword"),
        "desk-3": ("desk3", "phonePassword"),
    }
    declare(stack, entries)
    sandbox.drain_requests()
    failed = stack.run("up", "--yes", "--skip-preview", check=False)
    print(failed.stdout, failed.stderr)  # shown with -s: the report quotes it
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert api_calls(sandbox) == ["POST", "GET", "GET"]  # refused duplicates: ours? no
    lines = [line for line in output.splitlines() if 'credentials["desk-' in line]
    assert any('credentials["desk-1"]' in line and "23009" in line for line in lines)
    assert any('credentials["desk-2"]' in line and "23009" in line for line in lines)
    assert not any('credentials["desk-3"]' in line for line in lines)
    assert "Traceback" not in output and PASSWORD not in output
    state = outputs(stack)
    assert "desk-3" in state["usernames"]  # type: ignore[operator]
    assert "desk-1" not in state["usernames"]  # type: ignore[operator]
    assert held(sandbox)["desk3"] == hashes("desk3", PASSWORD)

    sandbox.delete_credential("desk1")
    sandbox.delete_credential("desk2")
    stack.run("up", "--yes", "--skip-preview")
    assert api_calls(sandbox) == ["POST"]  # the two failed entries, nothing else
    assert held(sandbox)["desk1"] == hashes("desk1", PASSWORD)
    assert len(held(sandbox)) == len(entries)
    stack.run("preview", "--expect-no-changes")


def test_refresh_shows_drift_per_entry_and_up_restores_it(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    sandbox.put_credential(StoredCredential("phone011", None, *hashes("phone011", "tampered")))
    sandbox.delete_credential("phone012")
    stack.run("refresh", "--yes", "--skip-preview")
    drift = stack.run("preview", "--diff", "--expect-no-changes", check=False)
    assert drift.returncode != 0
    assert "phone-011" in drift.stdout and "phone-012" in drift.stdout
    assert "phone-013" not in drift.stdout
    sandbox.drain_requests()
    stack.run("up", "--yes", "--skip-preview")
    assert sorted(api_calls(sandbox)) == ["POST", "PUT"]
    assert held(sandbox)["phone011"] == hashes("phone011", PASSWORD)
    assert held(sandbox)["phone012"] == hashes("phone012", PASSWORD)


def test_the_state_holds_no_secret_in_plain_text(stack: PulumiStack, sandbox: Sandbox) -> None:
    exported = json.dumps(stack.export())
    for secret in (PASSWORD, ROTATED, *hashes("phone000", PASSWORD)):
        assert secret not in exported
        for output in stack.transcript:
            assert secret not in output
    assert re.search(r'"usernames":\s*\{', exported)  # exportable: not a secret


def test_destroy_deletes_every_entry(stack: PulumiStack, sandbox: Sandbox) -> None:
    sandbox.drain_requests()
    stack.run("destroy", "--yes", "--skip-preview")
    assert set(api_calls(sandbox)) == {"DELETE"}
    assert sandbox.credentials() == []
    assert stack.resources(SET_TYPE) == {}
