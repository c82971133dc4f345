"""Reading secrets for CLI commands, and credentials out of an exported stack."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from bw_pulumi.cli.stack import StackReadError, stack_credentials

DYNAMIC = "pulumi-python:dynamic/bandwidth:SipCredential"


def fake_pulumi(tmp_path: Path, exported: object, exit_code: int = 0) -> None:
    """A `pulumi` on PATH that prints ``exported`` for `stack export`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    payload = tmp_path / "export.json"
    payload.write_text(json.dumps(exported))
    script = bin_dir / "pulumi"
    script.write_text(
        f"#!/bin/sh\necho 'error: no stack named dev' >&2\ncat {payload}\nexit {exit_code}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"


@pytest.fixture(autouse=True)
def keep_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", os.environ["PATH"])


def test_credentials_are_read_from_the_exported_state(tmp_path: Path) -> None:
    outputs = {
        "username": "bob",
        "domain": "corp.example.com",
        "realm": "r.auth.bandwidth.com",
        "password": "pw-1",
        "composite_username": "bob@corp.example.com",
    }
    resources = [
        {"type": "pulumi:pulumi:Stack", "urn": "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s"},
        {"type": DYNAMIC, "urn": f"urn:pulumi:s::p::{DYNAMIC}::bob", "outputs": outputs},
    ]
    fake_pulumi(tmp_path, {"deployment": {"resources": resources}})
    [credential] = stack_credentials(tmp_path)
    assert credential.name == "bob"
    assert credential.composite_username == "bob@corp.example.com"
    assert credential.password == "pw-1"
    assert "pw-1" not in repr(credential)


def test_secret_outputs_in_pulumis_envelope_are_unwrapped(tmp_path: Path) -> None:
    """What `pulumi stack export --show-secrets` really prints for a secret output."""

    def secret(value: str) -> dict[str, str]:
        return {
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            "plaintext": json.dumps(value),
        }

    outputs = {
        "username": "bob",
        "realm": "r.auth.bandwidth.com",
        "password": secret('pw "quoted" 1'),
        "hash1": secret("0" * 32),
    }
    resources = [{"type": DYNAMIC, "urn": f"urn:pulumi:s::p::{DYNAMIC}::bob", "outputs": outputs}]
    fake_pulumi(tmp_path, {"deployment": {"resources": resources}})
    [credential] = stack_credentials(tmp_path)
    assert credential.password == 'pw "quoted" 1'
    assert credential.composite_username == "bob"


def test_a_secret_left_encrypted_is_an_error(tmp_path: Path) -> None:
    encrypted = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
    outputs = {
        "username": "bob",
        "realm": "r.example.com",
        "password": {**encrypted, "ciphertext": "x"},
    }
    resources = [{"type": DYNAMIC, "urn": f"urn:pulumi:s::p::{DYNAMIC}::bob", "outputs": outputs}]
    fake_pulumi(tmp_path, {"deployment": {"resources": resources}})
    with pytest.raises(StackReadError, match="still encrypted"):
        stack_credentials(tmp_path)


def test_a_credential_without_outputs_says_to_deploy_first(tmp_path: Path) -> None:
    resources = [{"type": DYNAMIC, "urn": f"urn:pulumi:s::p::{DYNAMIC}::bob", "outputs": {}}]
    fake_pulumi(tmp_path, {"deployment": {"resources": resources}})
    with pytest.raises(StackReadError, match="run `pulumi up`"):
        stack_credentials(tmp_path)


def test_a_failing_cli_reports_its_last_error_line(tmp_path: Path) -> None:
    fake_pulumi(tmp_path, {}, exit_code=255)
    with pytest.raises(StackReadError, match="no stack named dev"):
        stack_credentials(tmp_path, "dev")
