"""The set's state: what each entry holds at Bandwidth, and the outputs that record it.

Secrecy is per top-level output, so the outputs are split by what they reveal:
``credentials`` (the entries' inputs, passwords included) and ``hashes`` are secret;
``usernames``, ``credential_ids``, ``failures`` and ``retired`` hold nothing secret.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bw_pulumi.resources.lifecycle import UNKNOWN, Props, is_unknown, known, without_none
from bw_pulumi.resources.sip_credential.models import Credential
from bw_pulumi.resources.sip_credential.rules import composite_username, compute_hashes
from bw_pulumi.resources.sip_credential_set import rules
from bw_pulumi.resources.sip_credential_set.rules import ADOPT, REALM_ID, Entry

#: When a realm-scoped set last wrote (epoch seconds): an internal output, as for a single
#: realm-scoped credential, so a refresh right after an update allows for the read lag.
LAST_WRITE = "last_write"
SECRET_OUTPUTS = ("credentials", "hashes")
ACCOUNT_SCOPE = "account"


@dataclass(frozen=True)
class Held:
    """One entry as it exists at Bandwidth: its inputs, hashes and (realm-scoped) id."""

    entry: Entry
    hash1: str = field(repr=False)
    hash1b: str = field(repr=False)
    credential_id: str | None = None

    @property
    def bandwidth_key(self) -> str:
        """What a DELETE names: the credential id in a realm, else the composite."""
        return self.credential_id or self.entry.composite


@dataclass(frozen=True)
class Scope:
    """The set's place at Bandwidth: the account's credentials, or one realm's."""

    realm: str
    realm_id: str | None
    adopt: bool

    @classmethod
    def of(cls, props: Mapping[str, Any]) -> Scope:
        return cls(props["realm"], props.get(REALM_ID) or None, bool(props.get(ADOPT)))

    @property
    def listing_key(self) -> Hashable:
        return ("realm", self.realm_id) if self.realm_id else ACCOUNT_SCOPE

    def wanted(self, entry: Entry) -> Credential:
        hashes = compute_hashes(entry.username, entry.password, self.realm, entry.domain)
        return Credential(
            user_name=entry.username,
            domain=entry.domain,
            hash1=hashes.hash1,
            hash1b=hashes.hash1b,
            realm=self.realm,
            http_voice_v2_app_id=entry.http_voice_v2_app_id,
            realm_id=self.realm_id,
        )

    def held(self, entry: Entry, credential_id: str | None = None) -> Held:
        wanted = self.wanted(entry)
        return Held(entry, wanted.hash1, wanted.hash1b, credential_id)


def held_of(props: Mapping[str, Any]) -> dict[str, Held]:
    """The entries a state holds, with their hashes and ids."""
    hashes: Mapping[str, Any] = props.get("hashes") or {}
    ids: Mapping[str, Any] = props.get("credential_ids") or {}
    held = {}
    for key, entry in rules.entries_of(props).items():
        pair = hashes.get(key) or {}
        held[key] = Held(entry, pair.get("hash1", ""), pair.get("hash1b", ""), ids.get(key))
    return held


def state_outputs(
    scope: Scope,
    held: Mapping[str, Held],
    failures: Mapping[str, str],
    retired: Mapping[str, str],
    last_write: float | None = None,
) -> Props:
    """The set's outputs: the inputs of every entry held, and the facts about them, split
    into secret (``credentials``, ``hashes``) and plain (the rest) top-level outputs."""
    keys = sorted(held)
    ids = {k: held[k].credential_id for k in keys if held[k].credential_id is not None}
    return without_none(
        {
            "realm": scope.realm,
            REALM_ID: scope.realm_id,
            ADOPT: True if scope.adopt else None,
            "credentials": {k: held[k].entry.props() for k in keys},
            "usernames": {k: held[k].entry.composite for k in keys},
            "credential_ids": ids,
            "hashes": {k: {"hash1": held[k].hash1, "hash1b": held[k].hash1b} for k in keys},
            "failures": dict(sorted(failures.items())),
            "retired": dict(sorted(retired.items())),
            LAST_WRITE: last_write,
        }
    )


def refreshed(held: Held, live: Credential, scope: Scope) -> Held:
    """An entry as a read found it. The password is the state's (Bandwidth never has it);
    a realm other than the set's shows as drifted hashes, so the next update PUTs it."""
    if scope.realm_id is None:
        live = live.separated()
    entry = replace(
        held.entry,
        username=live.user_name,
        domain=live.domain if scope.realm_id is None else None,
        http_voice_v2_app_id=live.http_voice_v2_app_id,
    )
    hash1b = live.hash1b
    if not hash1b and live.hash1 and live.hash1.lower() == held.hash1.lower():
        hash1b = held.hash1b  # Bandwidth may answer without Hash1b (its spec's examples)
    if live.realm and live.realm.casefold() != scope.realm.casefold():
        return Held(entry, "", "", held.credential_id)
    return Held(entry, live.hash1, hash1b, held.credential_id)


def previewed(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Props:
    """The outputs a create (``olds`` empty) or an update will return, as far as the
    inputs decide them, for a preview: usernames and hashes follow from the inputs alone,
    so they stay known wherever the entries are (an exported ``usernames`` is not shown
    as changing when only a password does); a credential id is kept by an update and
    unknown for a new credential; ``failures`` and ``retired`` are unknown."""
    outputs: Props = {k: news[k] for k in rules.INPUTS if news.get(k) is not None}
    credentials, realm = news.get(rules.CREDENTIALS), news.get("realm")
    computed = ("usernames", "credential_ids", "hashes", "failures", "retired")
    if not isinstance(credentials, Mapping) or not isinstance(realm, str) or is_unknown(realm):
        return {**outputs, **dict.fromkeys(computed, UNKNOWN)}
    plan = rules.plan(olds, news)
    old_ids: Mapping[str, Any] = olds.get("credential_ids") or {}
    usernames: dict[str, Any] = {}
    hashes: dict[str, Any] = {}
    ids: dict[str, Any] = {}
    for key, entry in credentials.items():
        named = isinstance(entry, Mapping) and known(entry, "username")
        named = named and not is_unknown(entry.get("domain"))
        domain = entry.get("domain") or None if named else None
        usernames[key] = composite_username(entry["username"], domain) if named else UNKNOWN
        if named and known(entry, "password"):
            pair = compute_hashes(entry["username"], entry["password"], realm, domain)
            hashes[key] = {"hash1": pair.hash1, "hash1b": pair.hash1b}
        else:
            hashes[key] = UNKNOWN
        if news.get(REALM_ID) is not None:
            kept = plan.entries.get(key, "unchanged") in ("unchanged", "update")
            ids[key] = old_ids.get(key, UNKNOWN) if kept and not plan.replaces else UNKNOWN
    return {
        **outputs,
        "usernames": usernames,
        "credential_ids": ids,
        "hashes": hashes,
        "failures": UNKNOWN,
        "retired": UNKNOWN,
    }
