"""Domain rules for account-level SIP credentials, read from the reference's error list.

Every check raises :class:`ApiError` carrying the Bandwidth error code the real API
would use. Where the reference names no code, the choice is documented at the constant.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from ..core.errors import ApiError
from .models import StoredCredential

REQUIRED_MISSING: Final = 1003
#: The reference lists 23001 beside 1003 for "required element missing"; the sandbox
#: uses it for a hash that is present but unusable (longer than 64 or with whitespace).
INVALID_HASH: Final = 23001
NOT_UPDATABLE: Final = 23004
NOT_FOUND: Final = 23007
NONE_FOUND: Final = 23008
DUPLICATE: Final = 23009
INVALID_USER_NAME: Final = 23014
INVALID_DOMAIN: Final = 23015
REALM_NOT_FOUND: Final = 23018
INVALID_APP_ID: Final = 23020
#: Sandbox-only code: the real API would silently ignore a password element, but a
#: client that sends one has leaked a secret, so the sandbox refuses the entry loudly.
PASSWORD_REFUSED: Final = 99001

MAX_USER_NAME: Final = 32
MAX_DOMAIN: Final = 32
MAX_HASH: Final = 64

_USER_NAME = re.compile(r"[A-Za-z0-9._\-!$&*+=~]{1,32}")
# A hostname: dot-separated labels of letters, digits and '-', none empty or starting or
# ending with '-'; no '_' (why: docs/bandwidth-api.md, "Underscore in Domain").
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_WHITESPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Submitted:
    """A ``SipCredential`` element as the client sent it.

    ``None`` means the element was absent; ``""`` means present but empty. Text is
    verbatim: surrounding whitespace is part of the value and fails its field's rule
    (UserName 23014, Domain 23015, a hash 23001, Realm 23018, HttpVoiceV2AppId 23020)."""

    user_name: str | None = None
    domain: str | None = None
    hash1: str | None = None
    hash1b: str | None = None
    realm: str | None = None
    http_voice_v2_app_id: str | None = None
    password_elements: tuple[str, ...] = ()


def check_user_name(value: str | None) -> str:
    if not value:
        raise ApiError(REQUIRED_MISSING, "UserName is required")
    if not _USER_NAME.fullmatch(value):
        raise ApiError(
            INVALID_USER_NAME,
            f"UserName must be 1-{MAX_USER_NAME} characters from a-z A-Z 0-9 . _ - ! $ & * + = ~",
        )
    return value


def check_domain(value: str | None) -> str | None:
    if not value:
        return None
    if len(value) > MAX_DOMAIN or not _DOMAIN.fullmatch(value):
        raise ApiError(
            INVALID_DOMAIN,
            f"Domain must be a hostname of at most {MAX_DOMAIN} characters (a-z A-Z 0-9 . -)",
        )
    return value


def check_hash(name: str, value: str | None) -> str:
    if not value:
        raise ApiError(REQUIRED_MISSING, f"{name} is required")
    if len(value) > MAX_HASH or _WHITESPACE.search(value):
        raise ApiError(INVALID_HASH, f"{name} must be at most {MAX_HASH} non-blank characters")
    return value


def resolve_realm(value: str | None, realms: Sequence[str]) -> str:
    """The known realm matching ``value`` case-insensitively, in its canonical spelling;
    the account default (first realm) when absent."""
    if not value:
        return realms[0]
    for realm in realms:
        if realm.lower() == value.lower():
            return realm
    raise ApiError(REALM_NOT_FOUND, f"Realm {value} not found")


def check_app_id(value: str | None) -> str | None:
    if not value:
        return None
    if not _UUID.fullmatch(value):
        raise ApiError(INVALID_APP_ID, f"HttpVoiceV2AppId {value} is not a valid UUID")
    return value


def refuse_passwords(submitted: Submitted) -> None:
    if submitted.password_elements:
        names = ", ".join(submitted.password_elements)
        raise ApiError(
            PASSWORD_REFUSED,
            f"Sandbox: SipCredential must not carry a password ({names}); send Hash1/Hash1b",
        )


def new_credential(submitted: Submitted, realms: Sequence[str]) -> StoredCredential:
    """Validate one entry of a bulk create (duplicates are the caller's concern)."""
    refuse_passwords(submitted)
    return StoredCredential(
        user_name=check_user_name(submitted.user_name),
        domain=check_domain(submitted.domain),
        hash1=check_hash("Hash1", submitted.hash1),
        hash1b=check_hash("Hash1b", submitted.hash1b),
        realm=resolve_realm(submitted.realm, realms),
        http_voice_v2_app_id=check_app_id(submitted.http_voice_v2_app_id),
    )


def updated_credential(
    existing: StoredCredential, submitted: Submitted, realms: Sequence[str]
) -> StoredCredential:
    """Apply a PUT body. Hash1 is required; absent Hash1b/Realm/HttpVoiceV2AppId keep
    their stored values; an empty ``<HttpVoiceV2AppId/>`` unlinks the application."""
    refuse_passwords(submitted)
    _refuse_identity(existing, submitted)
    app_id = existing.http_voice_v2_app_id
    if submitted.http_voice_v2_app_id is not None:
        app_id = check_app_id(submitted.http_voice_v2_app_id)
    return replace(
        existing,
        hash1=check_hash("Hash1", submitted.hash1),
        hash1b=(
            existing.hash1b if submitted.hash1b is None else check_hash("Hash1b", submitted.hash1b)
        ),
        realm=resolve_realm(submitted.realm, realms) if submitted.realm else existing.realm,
        http_voice_v2_app_id=app_id,
    )


def _refuse_identity(existing: StoredCredential, submitted: Submitted) -> None:
    """A PUT body is Hash1, Hash1b, Realm and HttpVoiceV2AppId only. UserName and Domain
    cannot change (23004), so any such element is refused, even an unchanged or empty one."""
    if submitted.user_name is not None or submitted.domain is not None:
        raise ApiError(
            NOT_UPDATABLE,
            f"UserName and Domain of SipCredential {existing.composite_username} cannot be updated",
        )


def checked_stored(credential: StoredCredential, realms: Sequence[str]) -> StoredCredential:
    """Validate an out-of-band write (the dashboard enforces the same rules)."""
    return new_credential(
        Submitted(
            user_name=credential.user_name,
            domain=credential.domain,
            hash1=credential.hash1,
            hash1b=credential.hash1b,
            realm=credential.realm,
            http_voice_v2_app_id=credential.http_voice_v2_app_id,
        ),
        realms,
    )


def not_found(composite: str) -> ApiError:
    return ApiError(NOT_FOUND, f"SipCredential with UserName {composite} not found")


def duplicate(composite: str) -> ApiError:
    return ApiError(DUPLICATE, f"SipCredential with UserName {composite} already exists")
