"""What a new user meets first, with the real Pulumi CLI, through both front doors (the
dynamic provider and the ``bandwidth`` package provider): settings checked by `pulumi
preview` without any API call, and the preview of a password change."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.pulumi_stack import REPO, PulumiStack, configure_provider

from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox

pytestmark = pytest.mark.e2e

TESTS = Path(__file__).resolve().parent


@dataclass(frozen=True)
class FrontDoor:
    """A program exporting composite usernames, and the config key of one password."""

    program: Path
    native_plugin: bool
    password_key: str
    passwords: tuple[str, ...]


DYNAMIC = FrontDoor(REPO / "examples" / "basic", False, "bridgePassword", ("pbxPassword",))
PACKAGE = FrontDoor(TESTS / "e2e_native_python", True, "alphaPassword", ("bravoPassword",))


@pytest.fixture(params=[DYNAMIC, PACKAGE], ids=["dynamic", "package"])
def door(request: pytest.FixtureRequest) -> FrontDoor:
    found: FrontDoor = request.param
    return found


def new_stack(tmp_path: Path, door: FrontDoor) -> PulumiStack:
    stack = PulumiStack(tmp_path, door.program, native_plugin=door.native_plugin)
    stack.run("stack", "init", "first")
    stack.set_config("realm", DEFAULT_REALM)
    for key in (door.password_key, *door.passwords):
        stack.set_config(key, f"{key}-First-0001", secret=True)
    if door.native_plugin:
        for name in ("alpha", "bravo"):
            stack.set_config(f"{name}Username", name)
        stack.set_config("bravoDomain", "corp.example.com")
    return stack


def api_calls(sandbox: Sandbox) -> list[str]:
    return [f"{r.method} {r.path}" for r in sandbox.requests if "/accounts/" in r.path]


def test_a_misspelt_account_id_fails_the_preview_naming_the_key(
    tmp_path: Path, sandbox: Sandbox, door: FrontDoor
) -> None:
    stack = new_stack(tmp_path, door)
    configure_provider(stack, sandbox, accountId=None)
    stack.set_config("bandwidth:acountId", sandbox.account_id)
    result = stack.run("preview", check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "did you mean `bandwidth:accountId`?" in output
    assert "Bandwidth account id is not set: run `pulumi config set bandwidth:accountId" in output
    assert api_calls(sandbox) == [] and sandbox.token_requests == 0


def test_missing_credentials_fail_the_preview_naming_the_keys(
    tmp_path: Path, sandbox: Sandbox, door: FrontDoor
) -> None:
    stack = new_stack(tmp_path, door)
    configure_provider(stack, sandbox, clientSecret=None)
    result = stack.run("preview", check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Bandwidth API credentials are not set" in output
    assert "only one of the client id and client secret is set" in output
    assert "bandwidth:clientSecret" in output
    assert api_calls(sandbox) == [] and sandbox.token_requests == 0


def test_an_unknown_key_warns_with_the_closest_and_the_preview_goes_on(
    tmp_path: Path, sandbox: Sandbox, door: FrontDoor
) -> None:
    stack = new_stack(tmp_path, door)
    configure_provider(stack, sandbox)
    stack.set_config("bandwidth:realmWaitSecs", "60")
    stack.set_config("bandwidth:zzz", "1")
    output = stack.run("preview").stdout
    assert "unknown setting `bandwidth:realmWaitSecs`, ignored: did you mean" in output
    assert "`bandwidth:realmWaitSeconds`?" in output
    assert "unknown setting `bandwidth:zzz`, ignored: the settings: bandwidth:accountId," in output
    assert "to create" in output
    assert api_calls(sandbox) == []


def test_a_password_change_previews_as_that_change_alone(
    tmp_path: Path, sandbox: Sandbox, door: FrontDoor
) -> None:
    stack = new_stack(tmp_path, door)
    configure_provider(stack, sandbox)
    stack.run("up", "--yes", "--skip-preview")
    exported = json.loads(stack.run("stack", "output", "--json").stdout)
    stack.set_config(door.password_key, f"{door.password_key}-First-0002", secret=True)
    preview = stack.run("preview").stdout
    assert "~ 1 to update" in preview
    assert "[unknown]" not in preview and "Outputs:" not in preview
    up = stack.run("up", "--yes", "--skip-preview").stdout
    assert "~ 1 updated" in up
    assert json.loads(stack.run("stack", "output", "--json").stdout) == exported
