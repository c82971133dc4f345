"""`bw-pulumi sandbox` as a user first runs it: a real subprocess, its help, its errors, and
the README's Registrar flow deployed and destroyed on it with the real Pulumi CLI."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pulumi_stack import REPO, PulumiStack

from bw_pulumi.cli.sandbox import DEFAULT_PORT

COMMAND = [sys.executable, "-m", "bw_pulumi.cli.main", "sandbox"]


def run_sandbox(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture
def running(request: pytest.FixtureRequest) -> Iterator[str]:
    """A `bw-pulumi sandbox --port 0` process (plus the test's arguments); its base URL."""
    extra: tuple[str, ...] = getattr(request, "param", ())
    with subprocess.Popen(
        [*COMMAND, "--port", "0", *extra], stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Bandwidth sandbox listening on "), first
        try:
            yield first.rsplit(" ", 1)[1].strip()
        finally:
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=30)


def api_realms(base_url: str) -> list[dict[str, object]]:
    control = base_url.removesuffix("/api") + "/_sandbox/api-realms"
    with urllib.request.urlopen(control, timeout=10) as answer:
        realms: list[dict[str, object]] = json.loads(answer.read())["realms"]
    return realms


def test_help_names_the_default_port_and_what_it_serves() -> None:
    result = run_sandbox("--help")
    text = " ".join(result.stdout.split())
    assert result.returncode == 0
    assert f"default {DEFAULT_PORT}" in text and f"http://127.0.0.1:{DEFAULT_PORT}/api" in text
    for served in ("SIP credentials", "realms API", "OAuth2 token endpoint", "/_sandbox/"):
        assert served in text
    assert "default realm" in text or "account's default" in text


def test_a_busy_port_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_sandbox("--port", str(port))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"bw-pulumi sandbox: cannot listen on 127.0.0.1:{port}: ")
    assert "--port" in result.stderr


@pytest.mark.parametrize("port", ["99999", "-1", "http", ""])
def test_an_invalid_port_is_one_line(port: str) -> None:
    result = run_sandbox("--port", port)
    assert result.returncode == 2
    assert result.stderr == (
        f"bw-pulumi sandbox: --port must be a whole number from 0 to 65535 (got {port!r});"
        " 0 picks a free port\n"
    )


def test_it_starts_with_a_default_realm(running: str) -> None:
    [realm] = api_realms(running)
    assert realm["name"] == "default" and realm["default"] is True
    assert realm["status"] == "ACTIVE"


@pytest.mark.parametrize("running", [("--no-default-realm",)], indirect=True)
def test_no_default_realm_starts_empty(running: str) -> None:
    assert api_realms(running) == []


@pytest.mark.e2e
def test_the_readme_registrar_flow_deploys_and_destroys(running: str, tmp_path: Path) -> None:
    stack = PulumiStack(tmp_path, REPO / "examples" / "registrar")
    stack.run("stack", "init", "registrar")
    for key, value in {
        "accountId": "9900000",
        "clientId": "sandbox-client",
        "apiUrl": running,
        "oauthUrl": f"{running}/v1/oauth2/token",
    }.items():
        stack.set_config(f"bandwidth:{key}", value)
    stack.set_config("bandwidth:clientSecret", "sandbox-secret", secret=True)
    stack.set_config("phonePassword", "phone-First-0001", secret=True)
    stack.run("up", "--yes", "--skip-preview")
    assert {r["name"] for r in api_realms(running)} == {"default", "office"}
    stack.run("destroy", "--yes", "--skip-preview")
    assert [r["name"] for r in api_realms(running)] == ["default"]
    assert stack.resources("SipRealm") == {}
