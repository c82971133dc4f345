"""Through the real Pulumi CLI: a sandbox answering in the shapes of Bandwidth's OpenAPI
spec examples (usernames aggregated as ``name@domain`` without a Domain, reads without
Hash1b) changes nothing for a deployed stack: refresh, then preview, shows no change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pulumi_stack import PulumiStack, configure_provider

from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).resolve().parent / "e2e_program"
SPECS = [
    {"name": "alpha", "username": "alpha", "password_key": "pw_alpha"},
    {
        "name": "bravo",
        "username": "bravo",
        "domain": "corp.example.com",
        "password_key": "pw_bravo",
    },
]


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    with box.running(host="127.0.0.1", port=0):
        yield box


def test_refresh_then_preview_shows_no_change_with_the_specs_answer_shapes(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    stack = PulumiStack(tmp_path, PROGRAM)
    stack.run("stack", "init", "spec")
    configure_provider(stack, sandbox)
    stack.set_config("realm", DEFAULT_REALM)
    stack.set_config("pw_alpha", "alpha-Secret-0001", secret=True)
    stack.set_config("pw_bravo", "bravo-Secret-0002", secret=True)
    stack.set_config("specs", json.dumps(SPECS))
    stack.run("up", "--yes", "--skip-preview")
    before = {name: r["outputs"] for name, r in stack.resources().items()}

    sandbox.set_response_shapes(aggregated_usernames=True, omit_hash1b=True)
    sandbox.drain_requests()
    stack.run("refresh", "--yes", "--skip-preview")
    stack.run("preview", "--expect-no-changes")
    stack.run("up", "--yes", "--expect-no-changes")
    methods = {r.method for r in sandbox.drain_requests() if "/accounts/" in r.path}
    assert methods == {"GET"}  # read, never written
    after = {name: r["outputs"] for name, r in stack.resources().items()}
    assert after.keys() == before.keys() == {"alpha", "bravo"}
    for name in after:  # hashes are secrets (ciphertext): equal hashes are shown by no writes
        for key in ("username", "domain", "composite_username"):
            assert after[name].get(key) == before[name].get(key), (name, key)
    assert (after["bravo"]["username"], after["bravo"]["domain"]) == ("bravo", "corp.example.com")

    stack.run("destroy", "--yes", "--skip-preview")
    assert sandbox.credentials() == []
