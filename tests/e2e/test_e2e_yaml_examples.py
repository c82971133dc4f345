"""examples/yaml-network-bridge and examples/yaml-registrar as a user runs them: their own
Pulumi.yaml (the plugin found at ../../.venv/bin), plain `pulumi up`, then destroy."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pulumi_stack import REPO, PulumiStack, configure_provider

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox

pytestmark = pytest.mark.e2e

EXAMPLES = REPO / "examples"


@pytest.fixture
def registrar() -> Iterator[Sandbox]:
    box = Sandbox()
    box.add_realm_out_of_band("main", default=True)  # an account's first realm stays
    with box.running():
        yield box


def example_stack(tmp_path: Path, name: str, sandbox: Sandbox) -> PulumiStack:
    """The example copied to the same depth below a directory whose .venv is the repo's,
    so its relative plugin path works unchanged."""
    (tmp_path / ".venv").symlink_to(REPO / ".venv")
    stack = PulumiStack(tmp_path / "examples", EXAMPLES / name, keep_project=True)
    stack.run("stack", "init", "dev")
    configure_provider(stack, sandbox)
    return stack


def assert_no_warning(result: subprocess.CompletedProcess[str]) -> None:
    """What a user sees on every run: no warning (Pulumi YAML warns of fields it does not
    know, such as a config entry's ``description``)."""
    output = result.stdout + result.stderr
    assert "Warning" not in output and "warning:" not in output, output


def outputs(stack: PulumiStack) -> dict[str, object]:
    found: dict[str, object] = json.loads(stack.run("stack", "output", "--json").stdout)
    return found


def test_yaml_network_bridge_example(tmp_path: Path, sandbox: Sandbox) -> None:
    stack = example_stack(tmp_path, "yaml-network-bridge", sandbox)
    stack.set_config("bridgePassword", "bridge-Yaml-0001", secret=True)
    stack.set_config("pbxPassword", "pbx-Yaml-0002", secret=True)
    assert_no_warning(stack.run("up", "--yes"))
    bridge = compute_hashes("twilio-bridge", "bridge-Yaml-0001", DEFAULT_REALM)
    pbx = compute_hashes("pbx", "pbx-Yaml-0002", DEFAULT_REALM, "office.example.com")
    held = {c.composite_username: (c.hash1, c.hash1b) for c in sandbox.credentials()}
    assert held["twilio-bridge"] == (bridge.hash1, bridge.hash1b)
    assert held["pbx@office.example.com"] == (pbx.hash1, pbx.hash1b)
    assert set(held) == {"twilio-bridge", "pbx@office.example.com", "pbx-backup@office.example.com"}
    shown = outputs(stack)
    assert shown["networkBridgeTo"] == f"sip:{{E.164 number}}@{DEFAULT_REALM}:5006"
    assert shown["networkBridgeSipAuthUsername"] == "twilio-bridge"
    assert shown["networkBridgeSipAuthPassword"] == "[secret]"
    stack.run("destroy", "--yes", "--skip-preview")
    assert sandbox.credentials() == []


def test_yaml_registrar_example(tmp_path: Path, registrar: Sandbox) -> None:
    stack = example_stack(tmp_path, "yaml-registrar", registrar)
    stack.set_config("bandwidth:realmWaitSeconds", "60")
    stack.set_config("phonePassword", "phone-Yaml-0003", secret=True)
    assert_no_warning(stack.run("up", "--yes"))
    [office] = [realm for realm in registrar.api_realms() if realm.name == "office"]
    expected = compute_hashes("ext100", "phone-Yaml-0003", office.fqdn)
    held = {c.user_name: (c.hash1, c.hash1b) for c in registrar.realm_credentials(office.id)}
    assert set(held) == {"ext100", "ext101"}
    assert held["ext100"] == (expected.hash1, expected.hash1b)
    shown = outputs(stack)
    assert shown["realmFqdn"] == office.fqdn and shown["realmId"] == office.id
    stack.run("destroy", "--yes", "--skip-preview")
    assert [realm.name for realm in registrar.api_realms()] == ["main"]
