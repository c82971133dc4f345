"""The SIP credential set's rules: checking every entry, and the per-entry plan.

Pure functions only (no I/O). Each entry is checked with the single credential's
validators (:mod:`bw_pulumi.resources.sip_credential.rules`), and each failure names its
key: ``credentials["phone-12"].username: must be at most 32 characters (got 40)``.

The plan says, for each key, what an update does: ``create`` (a new key), ``update``
(password, realm or voice application changed, or the hashes drifted: one PUT),
``replace`` (username or domain changed, or the voice application removed, which a PUT
cannot do: a new credential, then the old one deleted), ``delete`` (a key gone), or
``unchanged``. Values unknown at preview count as changed: a username not known yet is
a ``replace``, anything else an ``update``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from bw_pulumi.api.errors import InvalidInputError
from bw_pulumi.resources.lifecycle import Failure, Plan, Props, is_unknown, known
from bw_pulumi.resources.rules import validate_id_segment
from bw_pulumi.resources.sip_credential.rules import (
    composite_username,
    compute_hashes,
    validate_app_id,
    validate_domain,
    validate_password,
    validate_realm,
    validate_username,
)

CREDENTIALS = "credentials"
REALM_ID = "realm_id"
ADOPT = "adopt"
INPUTS = ("realm", REALM_ID, ADOPT, CREDENTIALS)
REQUIRED_INPUTS = ("realm", CREDENTIALS)
ENTRY_FIELDS = ("username", "password", "domain", "http_voice_v2_app_id")
ENTRY_REQUIRED = ("username", "password")
ENTRY_OPTIONAL = ("domain", "http_voice_v2_app_id")
#: Keys are the user's; their length is bounded only so messages stay readable.
KEY_MAX_LENGTH = 256

Action = Literal["create", "update", "replace", "delete", "unchanged"]

_ENTRY_VALIDATORS: dict[str, Callable[[str], None]] = {
    "username": validate_username,
    "password": validate_password,
    "domain": validate_domain,
    "http_voice_v2_app_id": validate_app_id,
}


def entry_path(key: str, field_name: str | None = None) -> str:
    """``credentials["phone-12"]`` (a Pulumi property path), with ``.username`` when given."""
    path = f"{CREDENTIALS}[{json.dumps(key)}]"
    return f"{path}.{field_name}" if field_name else path


@dataclass(frozen=True)
class Entry:
    """One checked entry of the set (all values known)."""

    key: str
    username: str
    password: str = field(repr=False)
    domain: str | None = None
    http_voice_v2_app_id: str | None = None

    @classmethod
    def from_props(cls, key: str, props: Mapping[str, Any]) -> Entry:
        return cls(
            key=key,
            username=props["username"],
            password=props["password"],
            domain=props.get("domain") or None,
            http_voice_v2_app_id=props.get("http_voice_v2_app_id") or None,
        )

    @property
    def composite(self) -> str:
        return composite_username(self.username, self.domain)

    def props(self) -> Props:
        values = {
            "username": self.username,
            "password": self.password,
            "domain": self.domain,
            "http_voice_v2_app_id": self.http_voice_v2_app_id,
        }
        return {name: value for name, value in values.items() if value is not None}


def entries_of(props: Mapping[str, Any]) -> dict[str, Entry]:
    """The set's entries from checked inputs or a state (every value known)."""
    credentials = props.get(CREDENTIALS) or {}
    return {key: Entry.from_props(key, value) for key, value in credentials.items()}


# -- check ------------------------------------------------------------------------------------


def normalized(news: Mapping[str, Any]) -> Props:
    """The declared inputs: empty strings and None mean absent, at the top and in entries."""
    inputs: Props = {k: news[k] for k in INPUTS if news.get(k) not in (None, "")}
    credentials = inputs.get(CREDENTIALS)
    if isinstance(credentials, Mapping):
        inputs[CREDENTIALS] = {
            key: _normalized_entry(value) if isinstance(value, Mapping) else value
            for key, value in credentials.items()
        }
    return inputs


def _normalized_entry(entry: Mapping[str, Any]) -> Props:
    return {name: value for name, value in entry.items() if value not in (None, "")}


def check_failures(inputs: Mapping[str, Any]) -> list[Failure]:
    """Every rule the (normalized) inputs break, before any API call."""
    failures = [Failure(k, f"{k}: is required") for k in REQUIRED_INPUTS if k not in inputs]
    failures += _top_level_failures(inputs)
    credentials = inputs.get(CREDENTIALS)
    if credentials is None or is_unknown(credentials):
        return failures
    if not isinstance(credentials, Mapping):
        return [*failures, Failure(CREDENTIALS, f"{CREDENTIALS}: must be a map of key to entry")]
    realm_scoped = REALM_ID in inputs
    for key, entry in credentials.items():
        failures += _entry_failures(key, entry, realm_scoped)
    failures += _duplicate_failures(credentials)
    return failures


def _top_level_failures(inputs: Mapping[str, Any]) -> list[Failure]:
    failures = []
    checks: dict[str, Callable[[str], None]] = {
        "realm": validate_realm,
        REALM_ID: lambda v: validate_id_segment(REALM_ID, v),
    }
    for name, validate in checks.items():
        value = inputs.get(name)
        if value is None or is_unknown(value):
            continue
        if not isinstance(value, str):
            failures.append(Failure(name, f"{name}: must be a string"))
            continue
        try:
            validate(value)
        except InvalidInputError as error:
            failures.append(Failure(name, str(error)))
    adopt = inputs.get(ADOPT)
    if adopt is not None and not is_unknown(adopt) and not isinstance(adopt, bool):
        failures.append(Failure(ADOPT, f"{ADOPT}: must be true or false"))
    return failures


def _entry_failures(key: object, entry: object, realm_scoped: bool) -> list[Failure]:
    if not isinstance(key, str) or not key:
        return [Failure(CREDENTIALS, f"{CREDENTIALS}: every key must be a non-empty string")]
    if len(key) > KEY_MAX_LENGTH:
        return [
            Failure(CREDENTIALS, f"{CREDENTIALS}: key must be at most {KEY_MAX_LENGTH} characters")
        ]
    if is_unknown(entry):
        return []
    if not isinstance(entry, Mapping):
        reason = "must be an object {username, password, domain?, http_voice_v2_app_id?}"
        return [Failure(CREDENTIALS, f"{entry_path(key)}: {reason}")]
    failures = [
        Failure(CREDENTIALS, f"{entry_path(key, name)}: is required")
        for name in ENTRY_REQUIRED
        if name not in entry
    ]
    failures += [
        Failure(CREDENTIALS, f"{entry_path(key, name)}: is not a field of an entry")
        for name in entry
        if name not in ENTRY_FIELDS
    ]
    for name, validate in _ENTRY_VALIDATORS.items():
        value = entry.get(name)
        if value is None or is_unknown(value):
            continue
        if not isinstance(value, str):
            failures.append(Failure(CREDENTIALS, f"{entry_path(key, name)}: must be a string"))
            continue
        try:
            validate(value)
        except InvalidInputError as error:
            failures.append(Failure(CREDENTIALS, f"{entry_path(key)}.{error}"))
    if realm_scoped and entry.get("domain") is not None:
        failures.append(
            Failure(
                CREDENTIALS,
                f"{entry_path(key, 'domain')}: a realm-scoped set (realm_id set) has no"
                " domain; drop domain, or drop realm_id for account-level credentials",
            )
        )
    return failures


def _duplicate_failures(credentials: Mapping[Any, Any]) -> list[Failure]:
    """Composite usernames are unique at Bandwidth regardless of letter case: two keys
    naming one credential would fight over it."""
    seen: dict[str, str] = {}
    failures = []
    for key, entry in credentials.items():
        if not isinstance(key, str) or not isinstance(entry, Mapping):
            continue
        username, domain = entry.get("username"), entry.get("domain")
        if not isinstance(username, str) or is_unknown(username) or is_unknown(domain):
            continue
        composite = composite_username(username, domain if isinstance(domain, str) else None)
        first = seen.setdefault(composite.casefold(), key)
        if first != key:
            failures.append(
                Failure(
                    CREDENTIALS,
                    f"{entry_path(key, 'username')}: {composite!r} is also the username of"
                    f" {entry_path(first)}; Bandwidth's usernames are unique regardless of"
                    " letter case: give each entry its own",
                )
            )
    return failures


# -- the per-entry plan -------------------------------------------------------------------------


@dataclass(frozen=True)
class SetPlan(Plan):
    """A :class:`Plan` with what happens to each key (keys left out are unchanged).

    ``entries`` is empty when the whole map is unknown (a preview) or the set is
    replaced (``realm_id`` changed); ``retired`` counts old credentials still to delete."""

    entries: dict[str, Action] = field(default_factory=dict)
    retired: int = 0

    def keys(self, action: Action) -> list[str]:
        return sorted(key for key, planned in self.entries.items() if planned == action)

    def paths(self) -> dict[str, Action]:
        """Property path (``credentials["k"]``) -> action: a package provider's detailed diff."""
        return {entry_path(key): action for key, action in sorted(self.entries.items())}

    def summary(self) -> str | None:
        """``credentials: 2 to create (a, b), 1 to update (c)``: what a preview names; None
        when no entry is planned (nothing changes, or the whole set is replaced or unknown)."""
        parts = []
        for action in ("create", "update", "replace", "delete"):
            keys = self.keys(action)
            if keys:
                shown = ", ".join(keys[:10]) + (f" and {len(keys) - 10} more" if keys[10:] else "")
                parts.append(f"{len(keys)} to {action} ({shown})")
        if self.retired:
            parts.append(f"{self.retired} replaced credential(s) still to delete")
        return f"{CREDENTIALS}: " + ", ".join(parts) if parts else None


def plan(olds: Mapping[str, Any], news: Mapping[str, Any]) -> SetPlan:
    """Compare the state (as last written or refreshed) with the inputs, entry by entry."""
    if olds.get(REALM_ID) != news.get(REALM_ID):
        return SetPlan(changes=True, replaces=[REALM_ID], changed=[REALM_ID])
    retired = len(olds.get("retired") or {})
    new_credentials = news.get(CREDENTIALS)
    if new_credentials is None or is_unknown(new_credentials) or is_unknown(news.get("realm")):
        return SetPlan(changes=True, changed=[CREDENTIALS], retired=retired)
    old_credentials: Mapping[str, Any] = olds.get(CREDENTIALS) or {}
    hashes: Mapping[str, Any] = olds.get("hashes") or {}
    realm_changed = olds.get("realm") != news.get("realm")
    entries: dict[str, Action] = {}
    for key in sorted({*old_credentials, *new_credentials}):
        action = entry_action(
            old_credentials.get(key),
            new_credentials.get(key),
            realm=news.get("realm"),
            realm_changed=realm_changed,
            held_hashes=hashes.get(key),
        )
        if action != "unchanged":
            entries[key] = action
    changed = [CREDENTIALS] if entries or retired else []
    if realm_changed:
        changed.insert(0, "realm")
    return SetPlan(changes=bool(changed), changed=changed, entries=entries, retired=retired)


def entry_action(
    old: Mapping[str, Any] | None,
    new: Any,
    *,
    realm: Any,
    realm_changed: bool = False,
    held_hashes: Any = None,
) -> Action:
    """What one key needs: ``old`` is its state entry, ``new`` its input (None: absent)."""
    if new is None:
        return "delete" if old is not None else "unchanged"
    if old is None:
        return "create"
    if is_unknown(new) or not isinstance(new, Mapping):
        return "replace" if is_unknown(new) else "update"
    if any(is_unknown(new.get(name)) for name in ("username", "domain")):
        return "replace"
    if (old.get("username"), old.get("domain")) != (new.get("username"), new.get("domain")):
        return "replace"
    if old.get("http_voice_v2_app_id") and not new.get("http_voice_v2_app_id"):
        return "replace"  # Bandwidth's PUT cannot clear the voice application
    if realm_changed or any(old.get(n) != new.get(n) for n in ("password", "http_voice_v2_app_id")):
        return "update"
    if _hashes_drifted(held_hashes, new, realm):
        return "update"
    return "unchanged"


def _hashes_drifted(held: Any, new: Mapping[str, Any], realm: Any) -> bool:
    """Someone changed the hashes at Bandwidth (seen on refresh), or the state lacks them."""
    if not known(new, "username", "password") or not isinstance(realm, str):
        return False
    if is_unknown(new.get("domain")):
        return False
    expected = compute_hashes(new["username"], new["password"], realm, new.get("domain") or None)
    if not isinstance(held, Mapping):
        return True
    pair = (str(held.get("hash1", "")).lower(), str(held.get("hash1b", "")).lower())
    return pair != (expected.hash1, expected.hash1b)
