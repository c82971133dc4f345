"""Account-level SIP credentials as the sandbox stores them, and their fields.

Nothing here imports from the rest of ``bw_pulumi``: the sandbox is an independent
reading of the Bandwidth reference, so that tests against it can catch client mistakes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

DEFAULT_REALM: Final = "custxx.auth.bandwidth.com"

#: (XML element, attribute/JSON key) of each credential field, in the order the API
#: echoes the elements. ``StoredCredential`` and ``rules.Submitted`` share the names.
CREDENTIAL_ELEMENTS: Final = (
    ("UserName", "user_name"),
    ("Domain", "domain"),
    ("Hash1", "hash1"),
    ("Hash1b", "hash1b"),
    ("Realm", "realm"),
    ("HttpVoiceV2AppId", "http_voice_v2_app_id"),
)
#: JSON keys of a credential (control endpoint), in the same order.
CREDENTIAL_FIELDS: Final = tuple(name for _, name in CREDENTIAL_ELEMENTS)


def composite_username(user_name: str, domain: str | None) -> str:
    """``user`` alone, or ``user@domain`` when a domain is set."""
    return f"{user_name}@{domain}" if domain else user_name


def credential_key(composite: str) -> str:
    """Lookup key: uniqueness of the composite username is case-insensitive."""
    return composite.lower()


@dataclass(frozen=True)
class StoredCredential:
    """One account-level SIP credential as the sandbox stores it (hashes only, never a
    password). The hashes are password-equivalent, so they stay out of ``repr``."""

    user_name: str
    domain: str | None
    hash1: str = field(repr=False)
    hash1b: str = field(repr=False)
    realm: str = DEFAULT_REALM
    http_voice_v2_app_id: str | None = None

    @property
    def composite_username(self) -> str:
        return composite_username(self.user_name, self.domain)

    @property
    def key(self) -> str:
        return credential_key(self.composite_username)

    def to_json(self) -> dict[str, str | None]:
        return {name: getattr(self, name) for name in CREDENTIAL_FIELDS}

    @classmethod
    def from_json(cls, data: Mapping[str, object], *, default_realm: str) -> StoredCredential:
        """Build from control-endpoint JSON; raises ``ValueError`` on a bad shape."""
        unknown = sorted(set(data) - set(CREDENTIAL_FIELDS))
        if unknown:
            raise ValueError(f"unknown credential fields: {', '.join(unknown)}")
        return cls(
            user_name=_required_str(data, "user_name"),
            domain=_optional_str(data, "domain"),
            hash1=_required_str(data, "hash1"),
            hash1b=_required_str(data, "hash1b"),
            realm=_optional_str(data, "realm") or default_realm,
            http_voice_v2_app_id=_optional_str(data, "http_voice_v2_app_id"),
        )


def _required_str(data: Mapping[str, object], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string")
    return value


def _optional_str(data: Mapping[str, object], name: str) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string or null")
    return value
