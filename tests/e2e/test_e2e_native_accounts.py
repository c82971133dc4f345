"""The bandwidth package provider through the real Pulumi CLI: two explicit providers on
two Bandwidth accounts (two sandboxes), `pulumi import`, and the short error a wrong
client secret gets."""

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
PASSWORD = "bridge-Native-0001"


@pytest.fixture
def east() -> Iterator[Sandbox]:
    box = Sandbox(account_id="9900001", client_id="east-client", client_secret="east-Secret-1")
    with box.running():
        yield box


@pytest.fixture
def west() -> Iterator[Sandbox]:
    box = Sandbox(account_id="9900002", client_id="west-client", client_secret="west-Secret-2")
    with box.running():
        yield box


def accounts_stack(tmp_path: Path, boxes: dict[str, Sandbox]) -> PulumiStack:
    stack = PulumiStack(tmp_path, TESTS / "e2e_native_accounts", native_plugin=True)
    stack.run("stack", "init", "accounts")
    accounts = [
        {
            "name": name,
            "accountId": box.account_id,
            "clientId": box.config.client_id,
            "apiUrl": box.base_url,
            "oauthUrl": box.token_url,
        }
        for name, box in boxes.items()
    ]
    stack.set_config("accounts", json.dumps(accounts))
    for name, box in boxes.items():
        stack.set_config(f"{name}ClientSecret", box.config.client_secret, secret=True)
    stack.set_config("password", PASSWORD, secret=True)
    stack.set_config("realm", DEFAULT_REALM)
    return stack


def default_provider_stack(tmp_path: Path, sandbox: Sandbox, client_secret: str) -> PulumiStack:
    stack = PulumiStack(tmp_path, TESTS / "e2e_native_python", native_plugin=True)
    stack.run("stack", "init", "default")
    configure_provider(stack, sandbox, clientSecret=client_secret)
    stack.set_config("realm", DEFAULT_REALM)
    for name in ("alpha", "bravo"):
        stack.set_config(f"{name}Username", name)
        stack.set_config(f"{name}Password", f"{name}-Native-Pw", secret=True)
    stack.set_config("bravoDomain", "corp.example.com")
    return stack


def writes(sandbox: Sandbox, since: int = 0) -> list[str]:
    return [
        r.method for r in sandbox.requests[since:] if "/accounts/" in r.path and r.method != "GET"
    ]


def test_two_explicit_providers_manage_two_accounts(
    tmp_path: Path, east: Sandbox, west: Sandbox
) -> None:
    stack = accounts_stack(tmp_path, {"east": east, "west": west})
    stack.run("up", "--yes", "--skip-preview")
    hashes = compute_hashes("bridge", PASSWORD, DEFAULT_REALM)
    for box in (east, west):
        [held] = box.credentials()
        assert (held.composite_username, held.hash1, held.hash1b) == (
            "bridge",
            hashes.hash1,
            hashes.hash1b,
        )
        assert {r.path.split("/")[3] for r in box.requests if "/accounts/" in r.path} == {
            box.account_id
        }
        assert box.token_requests == 1
    providers = stack.resources("bandwidth")
    assert set(providers) == {"east", "west"}
    assert providers["east"]["type"] == "pulumi:providers:bandwidth"
    assert providers["west"]["inputs"]["accountId"] == west.account_id
    exported = json.dumps(stack.export())
    for secret in (
        PASSWORD,
        hashes.hash1,
        hashes.hash1b,
        *(b.config.client_secret for b in (east, west)),
    ):
        assert secret not in exported

    before = (len(east.requests), len(west.requests))
    stack.run("preview", "--expect-no-changes")
    assert (len(east.requests), len(west.requests)) == before

    stack.run("destroy", "--yes", "--skip-preview")
    assert east.credentials() == [] and west.credentials() == []


def test_import_brings_an_existing_credential_under_management(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    stack = default_provider_stack(tmp_path, sandbox, sandbox.config.client_secret)
    stack.run("up", "--yes", "--skip-preview")
    legacy = compute_hashes("legacy", "legacy-Existing-Pw", DEFAULT_REALM)
    sandbox.put_credential(
        StoredCredential("legacy", None, legacy.hash1, legacy.hash1b, DEFAULT_REALM, None)
    )
    before = len(sandbox.requests)
    stack.run(
        "import",
        "bandwidth:index:SipCredential",
        "legacy",
        "legacy",
        "--yes",
        "--protect=false",
        "--generate-code=false",
    )
    assert writes(sandbox, before) == []
    imported = stack.resources()["legacy"]
    assert imported["id"] == "legacy"
    assert imported["inputs"] == {"username": "legacy", "realm": DEFAULT_REALM}
    assert "password" not in imported["outputs"]
    assert "One or more imported inputs failed to validate" not in stack.transcript[-1]

    # Declared in the program with its password: one PUT of the same hashes stores it.
    stack.set_config("legacyPassword", "legacy-Existing-Pw", secret=True)
    before = len(sandbox.requests)
    stack.run("up", "--yes", "--skip-preview")
    assert writes(sandbox, before) == ["PUT"]
    held = sandbox.get_credential("legacy")
    assert held is not None and (held.hash1, held.hash1b) == (legacy.hash1, legacy.hash1b)
    stack.run("preview", "--expect-no-changes")
    stack.run("destroy", "--yes", "--skip-preview")
    assert sandbox.credentials() == []


def test_a_wrong_client_secret_is_one_short_error(tmp_path: Path, sandbox: Sandbox) -> None:
    stack = default_provider_stack(tmp_path, sandbox, "not-the-Client-Secret")
    result = stack.run("up", "--yes", "--skip-preview", check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    lines = output.splitlines()
    diagnostic = lines[lines.index("  bandwidth:index:SipCredential (alpha):") + 1 :][:2]
    assert diagnostic == [
        "    error: create SIP credential 'alpha' failed: OAuth2 token request to"
        " /api/v1/oauth2/token failed with HTTP 401; check bandwidth:clientId and"
        " bandwidth:clientSecret",
        "",
    ]
    assert "Traceback" not in output and 'File "' not in output
    assert "not-the-Client-Secret" not in output
    assert sandbox.credentials() == []
