"""A SIP Registrar fleet: one realm and the credentials of every phone in ``phones.csv``,
as one ``SipCredentialSet`` (bulk creates, parallel updates, a diff per phone).
``__main__.py`` runs :func:`main`.

``phones.csv`` holds no password. Its columns:

* ``key``: the phone's stable key (an asset tag): renaming it is a move, not a new phone;
* ``username``: its SIP username in the realm;
* ``rotation``: a whole number; raise it to give this one phone a new password;
* ``password_config`` (optional): the name of a ``pulumi config --secret`` key holding
  this phone's password, for a phone whose password is set by hand. Empty: the password
  is derived from the fleet's one secret, ``fleetSeed``, as HMAC-SHA256(seed,
  "key:rotation"), 24 characters.

So the CSV can live in git, come from an inventory export and be reviewed like code; one
secret guards (and one ``pulumi config set --secret fleetSeed`` rotates) the whole fleet.
The passwords the phones need are exported as the secret output ``passwords``, for the
provisioning server (``pulumi stack output passwords --show-secrets``).

Config (set per stack):
    pulumi config set realmName office
    pulumi config set --secret fleetSeed "$(openssl rand -base64 32)"
    pulumi config set --secret receptionPassword ...   # the rows naming a config key
plus the ``bandwidth:*`` provider settings described in the README.
"""

import base64
import csv
import hashlib
import hmac
from pathlib import Path

import pulumi

from bw_pulumi import SipCredentialSet, SipRealm

COLUMNS = ("key", "username", "rotation", "password_config")
PASSWORD_CHARACTERS = 24


def read_phones(path: Path) -> list[dict[str, str]]:
    """The CSV's rows, each checked: a clear message naming the line before any API call."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in COLUMNS[:3] if column not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path.name}: missing columns {', '.join(missing)}")
        rows = [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        if not row["key"] or row["key"] in seen:
            raise ValueError(f"{path.name} line {line}: key must be non-empty and unique")
        if not row["rotation"].isdecimal():
            raise ValueError(f"{path.name} line {line}: rotation must be a whole number")
        seen.add(row["key"])
    return rows


def derive_password(seed: str, key: str, rotation: str) -> str:
    message = f"{key}:{rotation}".encode()
    digest = hmac.new(seed.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:PASSWORD_CHARACTERS]


def main() -> None:
    """Declare the realm and the fleet; export the usernames and, secret, the passwords."""
    config = pulumi.Config()
    phones_file = config.get("phonesFile") or "phones.csv"
    phones = read_phones(Path(__file__).resolve().parent / phones_file)
    seed = config.require_secret("fleetSeed")

    def password_of(row: dict[str, str]) -> pulumi.Output[str]:
        if row.get("password_config"):
            return config.require_secret(row["password_config"])
        return seed.apply(lambda secret: derive_password(secret, row["key"], row["rotation"]))

    passwords = {row["key"]: password_of(row) for row in phones}
    office = SipRealm("office", name=config.get("realmName") or "office", description="Phones")
    fleet = SipCredentialSet(
        "phones",
        realm=office.fqdn,  # exactly as Bandwidth reports it: it goes into the hashes
        realm_id=office.realm_id,
        credentials={
            row["key"]: {"username": row["username"], "password": passwords[row["key"]]}
            for row in phones
        },
    )
    pulumi.export("realm_fqdn", office.fqdn)
    pulumi.export("usernames", fleet.usernames)  # key -> SIP username: not secret
    pulumi.export("passwords", pulumi.Output.secret(passwords))  # for the provisioning server
