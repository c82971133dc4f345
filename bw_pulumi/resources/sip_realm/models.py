"""Typed records of SIP realms as Bandwidth's realms API exchanges them (independent of
XML)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RealmSettings:
    """What a realm create or PUT sends. A PUT is a full replace of these fields."""

    name: str
    description: str | None
    default: bool


@dataclass(frozen=True)
class Realm:
    """A SIP realm as Bandwidth reports it. ``fqdn`` is the realm name that goes into the
    hashes, exactly as the API returns it (``name-<hex>.auth.bandwidth.com``)."""

    id: str
    fqdn: str
    default: bool
    status: str
    description: str | None = None
    sip_credential_count: int = 0


class RealmStatus:
    CREATE_PENDING = "CREATE_PENDING"
    ACTIVE = "ACTIVE"
    CREATE_FAILED = "CREATE_FAILED"
    DELETE_PENDING = "DELETE_PENDING"
    DELETE_FAILED = "DELETE_FAILED"
