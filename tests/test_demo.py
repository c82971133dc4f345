"""The README's main job (scripts/demo.py) deploys the root project to the sandbox."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from pulumi_stack import run_bounded

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent


def test_demo_deploys_the_example_and_shows_the_network_bridge_settings() -> None:
    result = run_bounded(
        [sys.executable, str(REPO / "scripts" / "demo.py")], REPO, dict(os.environ), None
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("hashes match") == 3
    assert "To              = sip:{E.164 number}@custxx.auth.bandwidth.com:5006" in result.stdout
    assert "SipAuthUsername = twilio-bridge" in result.stdout
    assert "nothing is left running" in result.stdout
