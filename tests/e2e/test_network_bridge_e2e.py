"""examples/network-bridge through the real Pulumi CLI on the sandbox, then `bw-pulumi call
--stack` against the fake Twilio: the whole Network Bridge runbook, rotation included.

The tests run in order on one stack; each step starts from the state the previous one left.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.fake_twilio import FakeTwilio, running_fake_twilio
from tests.support.pulumi_stack import REPO, PulumiStack

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox

pytestmark = pytest.mark.e2e

PROGRAM = REPO / "examples" / "network-bridge"
STACK_NAME = "bridge"
ACCOUNT_SID = "AC" + "5" * 32
AUTH_TOKEN = "e2e-twilio-auth-token-77"
PASSWORDS = {"passwordBlue": "blue-Bridge-Secret-1", "passwordGreen": "green-Bridge-Secret-2"}
TO = "+17778889999"
FROM = "+15550001111"
TWIML_URL = "https://example.com/bridge.xml"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    with box.running(host="127.0.0.1", port=0):
        yield box


@pytest.fixture(scope="module")
def twilio() -> Iterator[FakeTwilio]:
    with running_fake_twilio() as fake:
        yield fake


@pytest.fixture(scope="module")
def stack(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> PulumiStack:
    stack = PulumiStack(tmp_path_factory.mktemp("bridge"), PROGRAM, project="bw-bridge")
    stack.run("stack", "init", STACK_NAME)
    stack.set_config("bandwidth:accountId", sandbox.account_id)
    stack.set_config("bandwidth:clientId", sandbox.config.client_id)
    stack.set_config("bandwidth:clientSecret", sandbox.config.client_secret, secret=True)
    stack.set_config("bandwidth:apiUrl", sandbox.base_url)
    stack.set_config("bandwidth:oauthUrl", sandbox.token_url)
    stack.set_config("realm", DEFAULT_REALM)
    stack.set_config("sipPort", "5006")
    stack.set_config("passwordBlue", PASSWORDS["passwordBlue"], secret=True)
    return stack


def call_from_stack(
    stack: PulumiStack, twilio: FakeTwilio, *extra: str
) -> subprocess.CompletedProcess[str]:
    """`bw-pulumi call --stack DIR` as the runbook gives it, in the stack's environment."""
    command = [
        sys.executable,
        "-m",
        "bw_pulumi.cli.main",
        "call",
        *("--stack", str(stack.project_dir), "--stack-name", STACK_NAME),
        *("--to", TO, "--from", FROM, "--twiml-url", TWIML_URL),
        *("--twilio-api-url", twilio.url, *extra),
    ]
    env = {**stack.env, "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
    result = subprocess.run(
        command,
        cwd=Path.cwd(),
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    for secret in (*PASSWORDS.values(), AUTH_TOKEN):
        assert secret not in result.stdout + result.stderr
    return result


def sent_credential(twilio: FakeTwilio) -> tuple[str, str]:
    form = dict(twilio.requests[-1].form)
    return form["SipAuthUsername"], form["SipAuthPassword"]


def held(sandbox: Sandbox) -> dict[str, tuple[str, str]]:
    return {c.composite_username: (c.hash1, c.hash1b) for c in sandbox.credentials()}


def hashes_for(username: str, password_key: str) -> tuple[str, str]:
    hashes = compute_hashes(username, PASSWORDS[password_key], DEFAULT_REALM)
    return hashes.hash1, hashes.hash1b


def writes_since(sandbox: Sandbox, before: int) -> list[tuple[str, str]]:
    return [
        (r.method, r.path.rsplit("/", 1)[-1])
        for r in sandbox.requests[before:]
        if "/accounts/" in r.path and r.method != "GET"
    ]


def up(stack: PulumiStack) -> None:
    stack.run("up", "--yes", "--skip-preview", "--stack", STACK_NAME)


def test_up_creates_the_active_credential(stack: PulumiStack, sandbox: Sandbox) -> None:
    up(stack)
    assert held(sandbox) == {"twilio-bridge-blue": hashes_for("twilio-bridge-blue", "passwordBlue")}
    shown = json.loads(stack.run("stack", "output", "--json").stdout)
    assert shown == {
        "network_bridge_to": f"sip:{{E.164 number}}@{DEFAULT_REALM}:5006",
        "network_bridge_sip_auth_username": "twilio-bridge-blue",
        "network_bridge_sip_auth_password": "[secret]",
        "network_bridge_realm": DEFAULT_REALM,
        "network_bridge_port": 5006,
        "network_bridge_active_slot": "blue",
        "network_bridge_credentials": ["twilio-bridge-blue"],
    }


def test_call_reads_the_credential_from_the_stack(stack: PulumiStack, twilio: FakeTwilio) -> None:
    result = call_from_stack(stack, twilio)
    assert result.returncode == 0, result.stderr
    [request] = twilio.requests
    assert request.basic_auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert sorted(request.form) == sorted(
        [
            ("To", f"sip:{TO}@{DEFAULT_REALM}:5006"),
            ("From", FROM),
            ("Url", TWIML_URL),
            ("SipAuthUsername", "twilio-bridge-blue"),
            ("SipAuthPassword", PASSWORDS["passwordBlue"]),
        ]
    )
    assert result.stdout == f"CA{1:032x}\n"


def test_dry_run_from_the_stack_sends_nothing(stack: PulumiStack, twilio: FakeTwilio) -> None:
    before = len(twilio.requests)
    result = call_from_stack(stack, twilio, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"To=sip:{TO}@{DEFAULT_REALM}:5006" in result.stdout.splitlines()
    assert "SipAuthPassword=[secret]" in result.stdout.splitlines()
    assert len(twilio.requests) == before


def test_rotation_never_touches_the_credential_in_use(
    stack: PulumiStack, sandbox: Sandbox, twilio: FakeTwilio
) -> None:
    blue = ("twilio-bridge-blue", hashes_for("twilio-bridge-blue", "passwordBlue"))
    green = ("twilio-bridge-green", hashes_for("twilio-bridge-green", "passwordGreen"))

    # 1. The idle slot gets the new password: created beside the one in use.
    before = len(sandbox.requests)
    stack.set_config("passwordGreen", PASSWORDS["passwordGreen"], secret=True)
    up(stack)
    assert writes_since(sandbox, before) == [("POST", "sipcredentials")]
    assert held(sandbox) == dict([blue, green])
    assert call_from_stack(stack, twilio).returncode == 0
    assert sent_credential(twilio) == ("twilio-bridge-blue", PASSWORDS["passwordBlue"])

    # 2. Switch: new calls use the new credential; nothing changes at Bandwidth.
    before = len(sandbox.requests)
    stack.set_config("activeSlot", "green")
    up(stack)
    assert writes_since(sandbox, before) == []
    assert call_from_stack(stack, twilio).returncode == 0
    assert sent_credential(twilio) == ("twilio-bridge-green", PASSWORDS["passwordGreen"])

    # 3. Retire the old slot once nothing uses it.
    before = len(sandbox.requests)
    stack.run("config", "rm", "passwordBlue", "--stack", STACK_NAME)
    up(stack)
    assert writes_since(sandbox, before) == [("DELETE", "twilio-bridge-blue")]
    assert held(sandbox) == dict([green])
    assert call_from_stack(stack, twilio).returncode == 0
    assert sent_credential(twilio) == ("twilio-bridge-green", PASSWORDS["passwordGreen"])


def test_a_bad_port_fails_preview_naming_it(stack: PulumiStack, sandbox: Sandbox) -> None:
    before = len(sandbox.requests)
    stack.set_config("sipPort", "70000")
    result = stack.run("preview", "--stack", STACK_NAME, check=False)
    stack.set_config("sipPort", "5006")
    assert result.returncode != 0
    printed = result.stdout + result.stderr
    assert "config sipPort: must be from 1 to 65535 (got 70000)" in printed
    assert "Traceback" not in printed
    assert [r for r in sandbox.requests[before:] if "/accounts/" in r.path] == []


def test_state_and_transcript_hold_no_plain_secret(stack: PulumiStack) -> None:
    exported = json.dumps(stack.export())
    assert "ciphertext" in exported
    for secret in (*PASSWORDS.values(), AUTH_TOKEN):
        assert secret not in exported
        for output in stack.transcript:
            assert secret not in output


def test_destroy_leaves_the_sandbox_empty(stack: PulumiStack, sandbox: Sandbox) -> None:
    stack.run("destroy", "--yes", "--skip-preview", "--stack", STACK_NAME)
    assert sandbox.credentials() == []
