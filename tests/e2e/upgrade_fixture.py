"""Stacks written by earlier releases of bw-pulumi, kept to prove that new code reads them.

Pulumi pickles the provider class into every resource's state by reference (module path and
class name), and keeps each resource's inputs and outputs as that release wrote them. Each
directory under ``tests/e2e/fixtures/upgrade/`` with a ``fixture.json`` is one such stack:
``fixture.json`` says what the stack declares (with its sandbox-only passwords),
``state.json`` is ``pulumi stack export`` of it as a release deployed it, and
``provenance.json`` says which code wrote it. ``generate.py`` in that folder makes them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.pulumi_stack import PulumiStack, configure_provider

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import Sandbox, StoredCredential

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "upgrade"
PROGRAM = FIXTURES / "program"
#: Encrypts the secrets in every fixture's state. A sandbox-only value, like the passwords.
PASSPHRASE = "bw-pulumi-upgrade-fixture"


@dataclass(frozen=True)
class Fixture:
    directory: Path
    project: str
    stack: str
    secrets: dict[str, str]
    resources: list[dict[str, Any]]

    @classmethod
    def load(cls, directory: Path) -> Fixture:
        spec = json.loads((directory / "fixture.json").read_text())
        return cls(directory, spec["project"], spec["stack"], spec["secrets"], spec["resources"])

    @property
    def name(self) -> str:
        return self.directory.name

    @property
    def state_file(self) -> Path:
        return self.directory / "state.json"

    def new_stack(self, workdir: Path) -> PulumiStack:
        """A fresh, empty stack with the fixture's project and stack names (not created)."""
        return PulumiStack(workdir, PROGRAM, project=self.project, passphrase=PASSPHRASE)

    def configure(self, stack: PulumiStack, sandbox: Sandbox) -> None:
        """Stack config as the fixture's stack had it, pointed at ``sandbox``."""
        configure_provider(stack, sandbox)
        stack.set_config("resources", json.dumps(self.resources))
        for key, value in self.secrets.items():
            stack.set_config(key, value, secret=True)

    def seed(self, sandbox: Sandbox) -> None:
        """Put into ``sandbox`` what the fixture's stack holds at Bandwidth."""
        for spec in self.resources:
            SEEDERS[spec["kind"]](sandbox, spec["args"], self.secrets)


def seed_sip_credential(sandbox: Sandbox, args: dict[str, Any], secrets: dict[str, str]) -> None:
    hashes = compute_hashes(
        args["username"], secrets[args["password_key"]], args["realm"], args.get("domain")
    )
    sandbox.put_credential(
        StoredCredential(
            user_name=args["username"],
            domain=args.get("domain"),
            hash1=hashes.hash1,
            hash1b=hashes.hash1b,
            realm=args["realm"],
            http_voice_v2_app_id=args.get("http_voice_v2_app_id"),
        )
    )


def seed_sip_realm(sandbox: Sandbox, args: dict[str, Any], _secrets: dict[str, str]) -> None:
    """Seeded in the order the fixture's stack created them, so the ids match its state."""
    sandbox.add_realm_out_of_band(
        args["name"], description=args.get("description"), default=bool(args.get("default"))
    )


def seed_realm_sip_credential(
    sandbox: Sandbox, args: dict[str, Any], secrets: dict[str, str]
) -> None:
    realm = sandbox.api_realm(args["realm"])
    assert realm is not None, f"seed realm {args['realm']!r} before its credentials"
    hashes = compute_hashes(args["username"], secrets[args["password_key"]], realm.fqdn)
    sandbox.add_realm_credential_out_of_band(
        realm.id, args["username"], hashes.hash1, hashes.hash1b
    )


#: How to put each kind of resource into a sandbox, by the ``kind`` of ``fixture.json``.
SEEDERS: dict[str, Callable[[Sandbox, dict[str, Any], dict[str, str]], None]] = {
    "SipCredential": seed_sip_credential,
    "SipRealm": seed_sip_realm,
    "RealmSipCredential": seed_realm_sip_credential,
}


def all_fixtures() -> list[Fixture]:
    return [Fixture.load(path.parent) for path in sorted(FIXTURES.glob("*/fixture.json"))]
