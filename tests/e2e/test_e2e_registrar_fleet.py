"""examples/registrar-fleet as a user runs it, through the real CLI on the sandbox: a realm
and one SipCredentialSet whose phones come from ``phones.csv`` (no password in it), the
usernames exported in the clear and the passwords only as a secret; then one row's
``rotation`` raised is one PUT, and destroy leaves the account as it was."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pulumi_stack import PulumiStack

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import Sandbox

pytestmark = pytest.mark.e2e

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "registrar-fleet"
SEED = "e2e-fleet-seed-0001"
RECEPTION = "reception-Secret-0002"
USERNAMES = {
    "desk-101": "ext101",
    "desk-102": "ext102",
    "desk-103": "ext103",
    "lobby": "lobby",
    "conf-a": "confa",
    "reception": "ext100",
}


def derived(key: str, rotation: int) -> str:
    """The example's documented rule: HMAC-SHA256(seed, "key:rotation"), 24 characters."""
    digest = hmac.new(SEED.encode(), f"{key}:{rotation}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:24]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    box.add_realm_out_of_band("main", default=True)  # the stack's realm is not the default
    with box.running(host="127.0.0.1", port=0):
        yield box


@pytest.fixture(scope="module")
def stack(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> PulumiStack:
    stack = PulumiStack(tmp_path_factory.mktemp("fleet"), EXAMPLE, "bw-registrar-fleet")
    stack.run("stack", "init", "dev")
    stack.set_config("bandwidth:accountId", sandbox.account_id)
    stack.set_config("bandwidth:apiUsername", sandbox.config.basic_username)
    stack.set_config("bandwidth:apiPassword", sandbox.config.basic_password, secret=True)
    stack.set_config("bandwidth:apiUrl", sandbox.base_url)
    stack.set_config("realmName", "fleet")
    stack.set_config("fleetSeed", SEED, secret=True)
    stack.set_config("receptionPassword", RECEPTION, secret=True)
    return stack


def held(sandbox: Sandbox) -> dict[str, tuple[str, str]]:
    [realm] = [r for r in sandbox.api_realms() if r.name == "fleet"]
    return {c.user_name: (c.hash1, c.hash1b) for c in sandbox.realm_credentials(realm.id)}


def test_the_fleet_deploys_from_the_csv_with_usernames_exported_and_passwords_secret(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    stack.run("up", "--yes", "--skip-preview")
    posts = [r for r in sandbox.requests if r.method == "POST" and "sipcredentials" in r.path]
    assert [r.entries for r in posts] == [6]  # one bulk POST for the whole CSV
    outputs = json.loads(stack.run("stack", "output", "--json").stdout)
    assert outputs["usernames"] == USERNAMES
    assert outputs["passwords"] == "[secret]"
    [realm] = [r for r in sandbox.api_realms() if r.name == "fleet"]
    assert outputs["realm_fqdn"] == realm.fqdn
    rotations = {"conf-a": 1}
    for key, username in USERNAMES.items():
        password = RECEPTION if key == "reception" else derived(key, rotations.get(key, 0))
        hashes = compute_hashes(username, password, realm.fqdn)
        assert held(sandbox)[username] == (hashes.hash1, hashes.hash1b), key
    shown = json.loads(stack.run("stack", "output", "--json", "--show-secrets").stdout)
    assert shown["passwords"]["desk-101"] == derived("desk-101", 0)


def test_raising_one_rows_rotation_is_one_put(stack: PulumiStack, sandbox: Sandbox) -> None:
    csv_path = stack.project_dir / "phones.csv"
    csv_path.write_text(csv_path.read_text().replace("desk-102,ext102,0,", "desk-102,ext102,1,"))
    before = len(sandbox.requests)
    stack.run("up", "--yes", "--skip-preview")
    writes = [(r.method, r.path) for r in sandbox.requests[before:] if r.method != "GET"]
    assert len(writes) == 1 and writes[0][0] == "PUT", writes
    [realm] = [r for r in sandbox.api_realms() if r.name == "fleet"]
    hashes = compute_hashes("ext102", derived("desk-102", 1), realm.fqdn)
    assert held(sandbox)["ext102"] == (hashes.hash1, hashes.hash1b)


def test_destroy_leaves_the_account_as_it_was(stack: PulumiStack, sandbox: Sandbox) -> None:
    stack.run("destroy", "--yes", "--skip-preview")
    assert [r.name for r in sandbox.api_realms()] == ["main"]
