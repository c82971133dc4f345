"""Typed records of SIP credentials as Bandwidth's API exchanges them (independent of XML)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bw_pulumi.api.xml import EntryError
from bw_pulumi.resources.sip_credential.rules import composite_username, split_aggregated


@dataclass(frozen=True)
class Credential:
    """One SIP credential as Bandwidth stores it (hashes, never a password).

    Account-level credentials are keyed by composite username; realm-scoped ones have a
    numeric ``id`` and their ``realm_id`` (and no domain).
    """

    user_name: str
    hash1: str = field(repr=False)
    hash1b: str = field(repr=False)
    domain: str | None = None
    realm: str | None = None
    http_voice_v2_app_id: str | None = None
    id: str | None = None
    realm_id: str | None = None

    @property
    def composite_username(self) -> str:
        return composite_username(self.user_name, self.domain)

    def separated(self) -> Credential:
        """This account-level credential with an aggregated ``UserName`` (``bob@corp.com``
        and no Domain, as Bandwidth may answer) split into UserName and Domain, so it
        compares equal to what was declared. The composite username is unchanged."""
        user_name, domain = split_aggregated(self.user_name, self.domain)
        if (user_name, domain) == (self.user_name, self.domain):
            return self
        return replace(self, user_name=user_name, domain=domain)

    def same_hashes(self, other: Credential) -> bool:
        """Hex digests compare case-insensitively; a credential without hashes matches none."""
        mine = (self.hash1.lower(), self.hash1b.lower())
        return all(mine) and mine == (other.hash1.lower(), other.hash1b.lower())


@dataclass(frozen=True)
class BulkCreateResult:
    """A bulk create can succeed for some entries and fail for others (HTTP 201 with both)."""

    created: tuple[Credential, ...]
    errors: tuple[EntryError, ...]
    http_status: int = 201
