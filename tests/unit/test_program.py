"""The example stack under pulumi.runtime.set_mocks: what it declares and exports."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import pulumi
import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "basic" / "__main__.py"
TYPE_TOKEN = "pulumi-python:dynamic/bandwidth:SipCredential"


class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: dict[str, dict[str, Any]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        assert args.typ == TYPE_TOKEN
        self.resources[args.name] = dict(args.inputs)
        outputs = dict(args.inputs)
        composite = args.inputs["username"]
        if args.inputs.get("domain"):
            composite += "@" + args.inputs["domain"]
        outputs["composite_username"] = composite
        return composite, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


@pytest.fixture
def mocks(monkeypatch: pytest.MonkeyPatch) -> RecordingMocks:
    config = {
        "bw-pulumi:bridgePassword": "bridge-pw-123",
        "bw-pulumi:pbxPassword": "pbx-pw-456",
        "bw-pulumi:realm": "custyy.auth.bandwidth.com",
    }
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(config))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps(list(config)[:2]))
    recording = RecordingMocks()
    pulumi.runtime.set_mocks(recording, project="bw-pulumi", stack="test", preview=False)
    return recording


SECRET_SIG = ("4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270")


def secret_value(value: Any) -> Any:
    """Unwrap a value the SDK sent to the engine as a secret; fail if it was not one."""
    assert isinstance(value, dict) and value.get(SECRET_SIG[0]) == SECRET_SIG[1], "not secret"
    return value["value"]


@pulumi.runtime.test
def test_example_declares_three_credentials(mocks: RecordingMocks) -> pulumi.Output[Any]:
    namespace = runpy.run_path(str(EXAMPLE))
    bridge = namespace["bridge"]

    def check(values: list[Any]) -> None:
        composite, password, *office_composites = values
        assert office_composites == ["pbx@office.example.com", "pbx-backup@office.example.com"]
        assert composite == "twilio-bridge"
        assert password == "bridge-pw-123"
        assert set(mocks.resources) == {"network-bridge", "office-pbx", "office-pbx-backup"}
        office = mocks.resources["office-pbx"]
        assert office["domain"] == "office.example.com"
        assert office["realm"] == "custyy.auth.bandwidth.com"
        assert secret_value(office["password"]) == "pbx-pw-456"
        assert secret_value(mocks.resources["network-bridge"]["password"]) == "bridge-pw-123"
        assert "adopt" not in office
        assert "__provider" in office

    return pulumi.Output.all(
        bridge.composite_username,
        bridge.password,
        *[credential.composite_username for credential in namespace["office"]],
    ).apply(check)
