"""The README's main job (scripts/demo.py) walks both flows on the sandbox: the Network
Bridge credential and the call built from it, then a realm with phones, verified at a local
Kamailio where one is installed, and destroyed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.support.pulumi_stack import run_bounded
from tests.support.sip_stack import find_tool

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo() -> str:
    result = run_bounded(
        [sys.executable, str(REPO / "scripts" / "demo.py")], REPO, dict(os.environ), None
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_bridge_credential_and_the_call_built_from_it(demo: str) -> None:
    bridge = demo.split("== 2.")[0]
    assert bridge.count("hashes match") == 3 and "MISMATCH" not in bridge
    assert "To              = sip:{E.164 number}@custxx.auth.bandwidth.com:5006" in bridge
    assert "SipAuthUsername = twilio-bridge" in bridge
    assert "To=sip:+17778889999@custxx.auth.bandwidth.com:5006" in bridge
    assert "SipAuthUsername=twilio-bridge\nSipAuthPassword=[secret]\n" in bridge
    assert "bw-pulumi call: dry run, nothing was sent" in bridge


def test_a_realm_with_phones_verified_then_destroyed(demo: str) -> None:
    registrar = demo.split("== 2.")[1]
    assert "+ 5 created" in registrar
    assert "with 3 phones" in registrar
    if find_tool("kamailio"):
        for phone in ("ext100", "ext101", "ext102"):
            assert f"authenticated  {phone}  200 OK; unregistered" in registrar
        assert "3 of 3 authenticated" in registrar
    else:
        assert "Kamailio is not installed: skipping `bw-pulumi verify`" in registrar
    assert "Destroyed: the account's realms are now ['default']" in registrar
    assert "nothing is left running" in registrar


def test_without_kamailio_the_verify_step_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    from tests.support import sip_stack

    spec = importlib.util.spec_from_file_location("demo_script", REPO / "scripts" / "demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(sip_stack, "find_tool", lambda _name: None)
    module.verify_phones({}, "office.example.com", [])
    assert capsys.readouterr().out == (
        "Kamailio is not installed: skipping `bw-pulumi verify` (on Debian/Ubuntu:"
        " `apt-get install kamailio`, or scripts/install-sip-tools as root)\n"
    )
