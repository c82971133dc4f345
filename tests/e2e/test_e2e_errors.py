"""What `pulumi up` prints when a provider hook fails for a reason the user can fix.

Through the real CLI: the diagnostic under the resource is a dozen lines at most, holds no
frame of our client, auth, retry or wire modules, and ends with one message saying what
failed, Bandwidth's code and description where there is one, and what to do.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pulumi_stack import PulumiStack, configure_provider

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox, StoredCredential

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).resolve().parent / "e2e_program"
PASSWORD = "errors-Secret-0001"
MAX_DIAGNOSTIC_LINES = 12
MESSAGE_START = "    bw_pulumi.ProviderOperationError: create SIP credential 'alpha' failed: "


@pytest.fixture
def stack(tmp_path: Path) -> PulumiStack:
    stack = PulumiStack(tmp_path, PROGRAM)
    stack.run("stack", "init", "errors")
    stack.set_config("realm", DEFAULT_REALM)
    stack.set_config("pw_alpha", PASSWORD, secret=True)
    spec = {"name": "alpha", "username": "alpha", "password_key": "pw_alpha"}
    stack.set_config("specs", json.dumps([spec]))
    return stack


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A local port bound but not listening: connections to it are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def failed_up(stack: PulumiStack) -> str:
    result = stack.run("up", "--yes", "--skip-preview", check=False)
    assert result.returncode != 0
    return result.stdout + result.stderr


def diagnostic(output: str, name: str) -> list[str]:
    """The lines under ``<type> (<name>):`` in the Diagnostics section."""
    lines = output.splitlines()
    start = lines.index(f"  pulumi-python:dynamic/bandwidth:SipCredential ({name}):") + 1
    end = next(i for i in range(start, len(lines)) if not lines[i].strip())
    return lines[start:end]


def assert_short(block: list[str]) -> str:
    """The shape every expected failure shares; returns the message after the prefix."""
    text = "\n".join(block)
    assert len(block) <= MAX_DIAGNOSTIC_LINES, text
    assert re.findall(r'/bw_pulumi/([\w/]+)\.py", line', text) == ["resources/hook_errors"], text
    assert block[-1].startswith(MESSAGE_START), text
    return block[-1][len(MESSAGE_START) :]


def test_wrong_client_secret(stack: PulumiStack, sandbox: Sandbox) -> None:
    configure_provider(stack, sandbox, clientSecret="not-the-client-secret")
    output = failed_up(stack)
    message = assert_short(diagnostic(output, "alpha"))
    assert message == (
        "OAuth2 token request to /api/v1/oauth2/token failed with HTTP 401;"
        " check bandwidth:clientId and bandwidth:clientSecret"
    )
    assert "not-the-client-secret" not in output and PASSWORD not in output


def test_duplicate_without_adopt(stack: PulumiStack, sandbox: Sandbox) -> None:
    theirs = compute_hashes("alpha", "someone else's password", DEFAULT_REALM)
    sandbox.put_credential(
        StoredCredential("alpha", None, theirs.hash1, theirs.hash1b, DEFAULT_REALM, None)
    )
    configure_provider(stack, sandbox)
    output = failed_up(stack)
    message = assert_short(diagnostic(output, "alpha"))
    assert message == (
        "Bandwidth refused to create SIP credential 'alpha' [23009]: SipCredential with"
        " UserName alpha already exists; to manage the existing credential, declare it"
        " with adopt=True"
    )
    ours = compute_hashes("alpha", PASSWORD, DEFAULT_REALM)
    for secret in (PASSWORD, ours.hash1, ours.hash1b, theirs.hash1, theirs.hash1b):
        assert secret not in output


def test_unreachable_api(stack: PulumiStack, sandbox: Sandbox, closed_port: int) -> None:
    nowhere = f"http://127.0.0.1:{closed_port}/api"
    configure_provider(stack, sandbox, apiUrl=nowhere, oauthUrl=f"{nowhere}/v1/oauth2/token")
    output = failed_up(stack)
    message = assert_short(diagnostic(output, "alpha"))
    assert re.fullmatch(
        r"POST /api/v1/oauth2/token: no response from Bandwidth after \d+ attempt\(s\)"
        r" \(ConnectionError\); check the API URL and the network",
        message,
    ), message
    assert sandbox.requests == []
