"""Reading what a deployed stack holds, through the Pulumi CLI, for commands that act on
it after ``pulumi up`` (``bw-pulumi call --stack``, ``bw-pulumi verify --stack``).

Secrets are decrypted by the CLI (``--show-secrets``) into this process's memory only: they
travel over a pipe, never through argv, a file or a log line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PULUMI_TIMEOUT_SECONDS = 120
#: Resource types of SIP credentials: the dynamic provider's, and a package provider's.
CREDENTIAL_TYPE_SUFFIXES = ("/bandwidth:SipCredential", "bandwidth:index:SipCredential")
#: Pulumi's marker for a secret value in exported state: {SIG_KEY: SIG, "plaintext": ...}.
_SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"  # noqa: S105 (a public constant)
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 (a public constant)
#: Environment variables a `pulumi` child never gets: ours (the Bandwidth API secrets, the
#: SIP password) and Twilio's (its auth token or API secret). The CLI needs none of them.
WITHHELD_PREFIXES = ("BW_", "TWILIO_")


class StackReadError(Exception):
    """The stack could not be read; the message says what to check. Never holds a secret."""


@dataclass(frozen=True)
class DeployedCredential:
    """A SIP credential as a stack's state holds it, password included (in memory only)."""

    name: str
    composite_username: str
    username: str
    realm: str
    password: str = field(repr=False)
    domain: str | None = None


def stack_outputs(stack_dir: Path, stack_name: str | None = None) -> dict[str, Any]:
    """The stack's outputs, secrets decrypted (``pulumi stack output --json --show-secrets``)."""
    text = _pulumi(stack_dir, ["stack", "output", "--json", "--show-secrets"], stack_name)
    outputs = _json(text, "stack output")
    if not isinstance(outputs, dict):
        raise StackReadError("`pulumi stack output --json` did not print a JSON object")
    return outputs


def stack_credentials(stack_dir: Path, stack_name: str | None = None) -> list[DeployedCredential]:
    """Every SIP credential resource in the stack's state, in state order."""
    text = _pulumi(stack_dir, ["stack", "export", "--show-secrets"], stack_name)
    exported = _json(text, "stack export")
    resources = exported.get("deployment", {}).get("resources", []) or []
    return [
        _credential(resource)
        for resource in resources
        if str(resource.get("type", "")).endswith(CREDENTIAL_TYPE_SUFFIXES)
    ]


def _credential(resource: Mapping[str, Any]) -> DeployedCredential:
    outputs: Mapping[str, Any] = resource.get("outputs") or {}
    name = str(resource.get("urn", "")).rsplit("::", 1)[-1]

    def value(*keys: str) -> Any:
        revealed = (_reveal(outputs.get(key)) for key in keys)
        return next((found for found in revealed if found not in (None, "")), None)

    username, realm, password = value("username"), value("realm"), value("password")
    if not (isinstance(username, str) and isinstance(realm, str) and isinstance(password, str)):
        raise StackReadError(
            f"credential {name!r} in the stack has no username, realm or password output;"
            " run `pulumi up` (or `pulumi refresh`) first"
        )
    domain = value("domain")
    composite = value("composite_username", "compositeUsername")
    return DeployedCredential(
        name=name,
        composite_username=str(composite or username),
        username=username,
        realm=realm,
        password=password,
        domain=str(domain) if domain else None,
    )


def _reveal(value: Any) -> Any:
    """`stack export --show-secrets` keeps each secret output in Pulumi's secret envelope,
    its value JSON-encoded under ``plaintext``; unwrap it. Other values pass through."""
    if isinstance(value, dict) and value.get(_SECRET_SIG_KEY) == _SECRET_SIG:
        plaintext = value.get("plaintext")
        if not isinstance(plaintext, str):
            raise StackReadError("a secret output is still encrypted; cannot read it")
        try:
            return json.loads(plaintext)
        except json.JSONDecodeError:
            raise StackReadError("a secret output holds text that is not JSON") from None
    return value


def child_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a `pulumi` child: this process's, without ``BW_*`` and
    ``TWILIO_*``. Everything else stays, because a backend may need it: PATH, HOME,
    ``PULUMI_*`` (the passphrase, the backend URL, the access token) and a cloud's
    credentials for a state bucket or a KMS secrets provider."""
    env = os.environ if environ is None else environ
    return {
        name: value for name, value in env.items() if not name.upper().startswith(WITHHELD_PREFIXES)
    }


def _pulumi(stack_dir: Path, args: Sequence[str], stack_name: str | None) -> str:
    cli = shutil.which("pulumi")
    if cli is None:
        raise StackReadError("the Pulumi CLI (`pulumi`) is not on PATH")
    if not stack_dir.is_dir():
        raise StackReadError(f"--stack: {stack_dir} is not a directory")
    command = [cli, *args, "--non-interactive"]
    if stack_name:
        command += ["--stack", stack_name]
    try:
        result = subprocess.run(
            command,
            cwd=stack_dir,
            env=child_environment(),
            capture_output=True,
            text=True,
            timeout=PULUMI_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise StackReadError(
            f"`pulumi {args[0]} {args[1]}` did not finish within {PULUMI_TIMEOUT_SECONDS} s"
        ) from None
    if result.returncode != 0:
        # The CLI's own error text: it names the stack or backend problem, never a secret.
        reason = (result.stderr.strip() or result.stdout.strip()).splitlines()
        detail = reason[-1] if reason else f"exit {result.returncode}"
        raise StackReadError(f"`pulumi {args[0]} {args[1]}` in {stack_dir} failed: {detail}")
    return result.stdout


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise StackReadError(f"`pulumi {what}` did not print JSON") from None
