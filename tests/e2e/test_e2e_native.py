"""The bandwidth package provider through the real Pulumi CLI, against the sandbox, from
two languages: a Pulumi YAML program and a Python program on the generated SDK
(``pulumi_bandwidth``). Both programs take the same config, so one set of steps drives
each; the steps run in order on one stack per language."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pulumi_stack import PulumiStack, configure_provider

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox, StoredCredential

pytestmark = pytest.mark.e2e

TESTS = Path(__file__).resolve().parent
PASSWORDS = {
    "alpha-1": "alpha-Native-0001",
    "alpha-2": "alpha-Native-0002",
    "bravo-1": "bravo-Native-0003",
}
DOMAIN = "corp.example.com"
NATIVE_TYPE = "bandwidth:index:SipCredential"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    with box.running(host="127.0.0.1", port=0):
        yield box


@pytest.fixture(scope="module", params=["yaml", "python"])
def stack(
    request: pytest.FixtureRequest, sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory
) -> PulumiStack:
    language: str = request.param
    sandbox.reset()
    program = TESTS / f"e2e_native_{language}"
    stack = PulumiStack(
        tmp_path_factory.mktemp(language), program, runtime=language, native_plugin=True
    )
    stack.run("stack", "init", language)
    configure_provider(stack, sandbox)
    stack.set_config("realm", DEFAULT_REALM)
    stack.set_config("alphaUsername", "alpha")
    stack.set_config("alphaPassword", PASSWORDS["alpha-1"], secret=True)
    stack.set_config("bravoUsername", "bravo")
    stack.set_config("bravoDomain", DOMAIN)
    stack.set_config("bravoPassword", PASSWORDS["bravo-1"], secret=True)
    return stack


def expected(username: str, key: str, domain: str | None = None) -> tuple[str, tuple[str, str]]:
    hashes = compute_hashes(username, PASSWORDS[key], DEFAULT_REALM, domain)
    return hashes.composite_username, (hashes.hash1, hashes.hash1b)


def held_hashes(sandbox: Sandbox) -> dict[str, tuple[str, str]]:
    return {c.composite_username: (c.hash1, c.hash1b) for c in sandbox.credentials()}


def api_calls(sandbox: Sandbox, since: int) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in sandbox.requests[since:] if "/accounts/" in r.path]


def writes(sandbox: Sandbox, since: int) -> list[str]:
    return [method for method, _ in api_calls(sandbox, since) if method != "GET"]


def test_up_creates_the_credentials(stack: PulumiStack, sandbox: Sandbox) -> None:
    result = stack.run("up", "--yes")
    assert held_hashes(sandbox) == dict(
        [expected("alpha", "alpha-1"), expected("bravo", "bravo-1", DOMAIN)]
    )
    resources = stack.resources()
    assert resources["bravo"]["type"] == NATIVE_TYPE
    assert resources["bravo"]["id"] == "bravo@corp.example.com"
    assert resources["bravo"]["outputs"]["compositeUsername"] == "bravo@corp.example.com"
    assert "bravoComposite" in result.stdout and "[secret]" in result.stdout


def test_preview_right_after_calls_no_api(stack: PulumiStack, sandbox: Sandbox) -> None:
    before = len(sandbox.requests)
    stack.run("preview", "--expect-no-changes")
    assert api_calls(sandbox, before) == []


def test_rotation_is_one_put(stack: PulumiStack, sandbox: Sandbox) -> None:
    before = len(sandbox.requests)
    urn_before = stack.resources()["alpha"]["urn"]
    stack.set_config("alphaPassword", PASSWORDS["alpha-2"], secret=True)
    preview = stack.run("preview", "--diff")
    assert "~ password: [secret] => [secret]" in preview.stdout
    stack.run("up", "--yes", "--skip-preview")
    assert writes(sandbox, before) == ["PUT"]
    assert held_hashes(sandbox)["alpha"] == expected("alpha", "alpha-2")[1]
    assert stack.resources()["alpha"]["urn"] == urn_before


def test_rename_replaces_create_before_delete(stack: PulumiStack, sandbox: Sandbox) -> None:
    before = len(sandbox.requests)
    stack.set_config("bravoUsername", "bravo2")
    preview = stack.run("preview", "--diff")
    assert '~ username: "bravo" => "bravo2"' in preview.stdout and "(replace)" in preview.stdout
    stack.run("up", "--yes", "--skip-preview")
    assert writes(sandbox, before) == ["POST", "DELETE"]
    held = held_hashes(sandbox)
    assert "bravo@corp.example.com" not in held
    assert held["bravo2@corp.example.com"] == expected("bravo2", "bravo-1", DOMAIN)[1]
    assert stack.resources()["bravo"]["id"] == "bravo2@corp.example.com"


def test_drift_shows_after_refresh_and_up_restores(stack: PulumiStack, sandbox: Sandbox) -> None:
    sandbox.put_credential(StoredCredential("alpha", None, "0" * 32, "1" * 32, DEFAULT_REALM, None))
    stack.run("refresh", "--yes", "--skip-preview")
    drift = stack.run("preview", "--expect-no-changes", "--diff", check=False)
    assert drift.returncode != 0
    assert "~ bandwidth:index:SipCredential: (update)" in drift.stdout
    assert "SipCredential::alpha]" in drift.stdout and "SipCredential::bravo]" not in drift.stdout
    before = len(sandbox.requests)
    stack.run("up", "--yes", "--skip-preview")
    assert writes(sandbox, before) == ["PUT"]
    assert held_hashes(sandbox)["alpha"] == expected("alpha", "alpha-2")[1]
    stack.run("preview", "--expect-no-changes")


def test_deleted_credential_is_dropped_on_refresh_and_recreated(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    sandbox.delete_credential("alpha")
    stack.run("refresh", "--yes", "--skip-preview")
    assert "alpha" not in stack.resources()
    stack.run("up", "--yes", "--skip-preview")
    assert held_hashes(sandbox)["alpha"] == expected("alpha", "alpha-2")[1]
    stack.run("preview", "--expect-no-changes")


def test_bad_input_fails_preview_before_any_api_call(stack: PulumiStack, sandbox: Sandbox) -> None:
    before = len(sandbox.requests)
    stack.set_config("alphaUsername", "alpha:bad")
    result = stack.run("preview", check=False)
    stack.set_config("alphaUsername", "alpha")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "username: must not contain ':' or '@'" in output
    assert "Traceback" not in output
    assert api_calls(sandbox, before) == []


def test_state_and_output_hold_no_secret_in_plain_text(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    exported = json.dumps(stack.export())
    secrets = [*PASSWORDS.values(), sandbox.config.client_secret]
    for username, key, domain in [
        ("alpha", "alpha-1", None),
        ("alpha", "alpha-2", None),
        ("bravo", "bravo-1", DOMAIN),
        ("bravo2", "bravo-1", DOMAIN),
    ]:
        secrets += expected(username, key, domain)[1]
    for secret in secrets:
        assert secret not in exported
    assert "ciphertext" in exported
    for output in stack.transcript:
        for secret in secrets:
            assert secret not in output


def test_destroy_leaves_the_sandbox_empty(stack: PulumiStack, sandbox: Sandbox) -> None:
    assert len(stack.resources()) == 2
    stack.run("destroy", "--yes", "--skip-preview")
    assert sandbox.credentials() == []
    assert stack.resources() == {}
