"""Rules of the realms API and of realm-scoped credentials, with Bandwidth's codes.

Codes the reference names: 1003 (required element missing), 33004 (account not enabled
for SIP credentials), 33006 (the default realm cannot be deleted), 12666 (the realm
still holds credentials), 23022 (realm not ACTIVE), 23025 (credential not found),
23026 (duplicate in the realm), 23030 (PUT carries UserName), 23031 (PUT without
RealmId). Field rules of credentials are the account-level ones (``credentials/rules.py``):
UserName 1003/23014, Hash1/Hash1b 1003/23001, HttpVoiceV2AppId 23020, a password-like
element 99001 (sandbox-only).

Where the reference is silent, the sandbox chooses:

* Realm name: 1-30 characters (the CLI's limit) of letters, digits and ``-``, not
  starting or ending with ``-``, unique per account case-insensitively (realms that
  are CREATE_FAILED or DELETE_PENDING still hold their name). A duplicate name is 400
  with 33002, the code issue 16 reports from the live API. A bad name, a ``Default``
  other than ``true``/``false``, ``Default=false`` on the
  default realm, and a PUT of a realm that is being deleted are 400 with
  ``ResponseStatus/Description`` naming the rule and **no** ``ErrorCode``: the
  reference names no code for them, and the sandbox invents no Bandwidth-looking one.
* Realm PUT, as Bandwidth's OpenAPI spec defines it (``RealmUpdateRequest``): the body
  is ``<Realm>`` with ``Default`` and ``Description``, both optional (an absent
  ``Default`` keeps the flag; an absent ``Description`` clears it: a full replace). A
  ``<Realm>`` element naming another realm value is 400/33005 "Cannot update Realm
  value" (the spec's example); the realm's own short name or FQDN, in any letter case,
  is accepted and changes nothing.
* FQDN: ``{lowercased name}-{8 hex}.auth.bandwidth.com``; the 8 hex digits are the
  start of SHA-256 over the account id, so they are fixed per account but cannot be
  guessed from the name alone.
* Realm-scoped create entries: a non-empty ``Domain`` is 23015 (realm-scoped
  credentials have no domain); an optional ``Realm`` must be the realm's FQDN
  (case-insensitive, else 23018); an optional ``RealmId`` must be the realm of the
  path (else 23031). Duplicates are 23026 and their description echoes the submitted
  Hash1/Hash1b, as the live API does.
* Realm-scoped PUT: any ``UserName`` element (even empty) is 23030; ``RealmId`` absent
  or empty is 23031, a ``RealmId`` other than the path's is 23031 too (a credential
  cannot move between realms). ``Domain`` and ``Realm`` follow the create rules. Hash1
  is required; absent Hash1b/HttpVoiceV2AppId keep their values and an empty
  ``<HttpVoiceV2AppId/>`` unlinks (as on account level). A PUT of a credential that does
  not exist is checked before its body's field rules (404/23025 first).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from typing import Final

from ..core.errors import ApiError
from ..credentials import rules
from ..credentials.rules import Submitted
from .models import StoredRealmCredential

SIP_CREDENTIALS_DISABLED: Final = 33004
DEFAULT_REALM_UNDELETABLE: Final = 33006
REALM_HAS_CREDENTIALS: Final = 12666
REALM_NOT_ACTIVE: Final = 23022
NOT_FOUND_IN_REALM: Final = 23025
DUPLICATE_IN_REALM: Final = 23026
USER_NAME_NOT_UPDATABLE: Final = 23030
REALM_ID_REQUIRED: Final = 23031
REALM_VALUE_NOT_UPDATABLE: Final = 33005

MAX_REALM_NAME: Final = 30
FQDN_SUFFIX: Final = "auth.bandwidth.com"
_REALM_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,28}[A-Za-z0-9])?")
NAME_RULE: Final = (
    f"Realm name must be 1-{MAX_REALM_NAME} characters of letters, digits and '-', "
    "not starting or ending with '-'"
)


class RealmApiError(ValueError):
    """A refused realms-API request: HTTP status, description, optional Bandwidth code
    (``None`` renders a ``ResponseStatus`` without ``ErrorCode``)."""

    def __init__(self, status: int, description: str, code: int | None = None) -> None:
        super().__init__(f"{status} {code or ''}: {description}")
        self.status = status
        self.description = description
        self.code = code


@dataclass(frozen=True)
class SubmittedRealm:
    """A ``<Realm>`` body as sent: ``None`` is absent, ``""`` present but empty."""

    name: str | None = None
    description: str | None = None
    default: str | None = None


@dataclass(frozen=True)
class RealmEntry:
    """A realm-scoped ``SipCredential`` as sent: the account-level fields plus RealmId."""

    fields: Submitted
    realm_id: str | None = None


@dataclass(frozen=True)
class CredentialFields:
    """The validated fields of a new realm-scoped credential (the store adds the ids)."""

    user_name: str
    hash1: str
    hash1b: str
    http_voice_v2_app_id: str | None


# -- realms --------------------------------------------------------------------------


def realm_fqdn(name: str, account_id: str) -> str:
    tag = hashlib.sha256(f"bw-sandbox-realm:{account_id}".encode()).hexdigest()[:8]
    return f"{name.lower()}-{tag}.{FQDN_SUFFIX}"


def check_realm_name(value: str | None) -> str:
    if not value:
        raise RealmApiError(400, "Realm is required", rules.REQUIRED_MISSING)
    if not _REALM_NAME.fullmatch(value):
        raise RealmApiError(400, f"{NAME_RULE}; got {value!r}")
    return value


def check_default(value: str | None) -> bool:
    if not value:
        raise RealmApiError(400, "Default is required (true or false)", rules.REQUIRED_MISSING)
    if value not in ("true", "false"):
        raise RealmApiError(400, f"Default must be true or false; got {value!r}")
    return value == "true"


def check_unchanged_realm_value(value: str | None, name: str, fqdn: str) -> None:
    """A PUT's ``<Realm>``: Bandwidth's spec defines the update body without it
    (``RealmUpdateRequest``: Description and Default) and answers 33005 to a change.
    Absent or empty is fine, and so is the realm's own name or FQDN (any letter case),
    which changes nothing; anything else is 33005 with the spec's words."""
    if value and value.lower() not in (name.lower(), fqdn.lower()):
        raise RealmApiError(
            400,
            "Cannot update Realm value. Instead, you must delete and recreate it.",
            REALM_VALUE_NOT_UPDATABLE,
        )


#: A realm name already in use on the account: the code the live API answered in issue 16's
#: report (neither the reference nor the spec names it).
REALM_EXISTS: Final = 33002


def duplicate_realm(name: str) -> RealmApiError:
    return RealmApiError(400, f"Realm name {name} already exists on this account", REALM_EXISTS)


def realm_not_found(reference: str) -> RealmApiError:
    return RealmApiError(404, f"Realm {reference} not found")


def disabled(account_id: str) -> RealmApiError:
    description = f"Account {account_id} is not enabled for SIP credentials"
    return RealmApiError(403, description, SIP_CREDENTIALS_DISABLED)


# -- realm-scoped credentials ----------------------------------------------------------


def new_credential_fields(entry: RealmEntry, realm_id: str, fqdn: str) -> CredentialFields:
    """Validate one entry of a realm-scoped create (duplicates are the caller's concern)."""
    submitted = entry.fields
    rules.refuse_passwords(submitted)
    _refuse_domain(submitted)
    _check_realm_reference(entry, realm_id, fqdn, required=False)
    return CredentialFields(
        user_name=rules.check_user_name(submitted.user_name),
        hash1=rules.check_hash("Hash1", submitted.hash1),
        hash1b=rules.check_hash("Hash1b", submitted.hash1b),
        http_voice_v2_app_id=rules.check_app_id(submitted.http_voice_v2_app_id),
    )


def updated_credential(existing: StoredRealmCredential, entry: RealmEntry) -> StoredRealmCredential:
    """Apply a realm-scoped PUT body to ``existing`` (same id, same realm)."""
    submitted = entry.fields
    rules.refuse_passwords(submitted)
    if submitted.user_name is not None:
        raise ApiError(
            USER_NAME_NOT_UPDATABLE,
            f"UserName of SipCredential {existing.id} cannot be updated; "
            "a new UserName is a new credential",
        )
    _refuse_domain(submitted)
    _check_realm_reference(entry, existing.realm_id, existing.realm, required=True)
    app_id = existing.http_voice_v2_app_id
    if submitted.http_voice_v2_app_id is not None:
        app_id = rules.check_app_id(submitted.http_voice_v2_app_id)
    hash1b = existing.hash1b
    if submitted.hash1b is not None:
        hash1b = rules.check_hash("Hash1b", submitted.hash1b)
    return replace(
        existing,
        hash1=rules.check_hash("Hash1", submitted.hash1),
        hash1b=hash1b,
        http_voice_v2_app_id=app_id,
    )


def _refuse_domain(submitted: Submitted) -> None:
    if submitted.domain:
        raise ApiError(
            rules.INVALID_DOMAIN, "Domain is not allowed on a realm-scoped SipCredential"
        )


def _check_realm_reference(entry: RealmEntry, realm_id: str, fqdn: str, *, required: bool) -> None:
    if not entry.realm_id:
        if required:
            raise ApiError(REALM_ID_REQUIRED, "RealmId is required")
    elif entry.realm_id != realm_id:
        raise ApiError(
            REALM_ID_REQUIRED,
            f"RealmId {entry.realm_id} does not match realm {realm_id} of the request path; "
            "a credential cannot move to another realm",
        )
    realm = entry.fields.realm
    if realm and realm.lower() != fqdn.lower():
        raise ApiError(rules.REALM_NOT_FOUND, f"Realm {realm} is not the FQDN of realm {realm_id}")


def duplicate_in_realm(entry: Submitted, realm_id: str) -> ApiError:
    """The live 23026 text echoes the submitted hashes; the sandbox does too, so clients
    are tested for scrubbing them."""
    return ApiError(
        DUPLICATE_IN_REALM,
        f"SipCredential with UserName {entry.user_name} already exists in realm {realm_id} "
        f"(Hash1 {entry.hash1}, Hash1b {entry.hash1b})",
    )


def credential_not_found(realm_id: str, credential_id: str, *, with_code: bool) -> RealmApiError:
    """The live 404 for GET/DELETE has no ErrorCode; the sandbox's PUT answers 23025."""
    description = f"SipCredential {credential_id} not found in realm {realm_id}"
    return RealmApiError(404, description, NOT_FOUND_IN_REALM if with_code else None)
