"""XML in and out for realms and realm-scoped credentials (the shapes Bandwidth's CLI
records). Parsing goes through ``core/xml.py``'s ``parse_root`` (defusedxml); element text is
verbatim, as on account level."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from xml.etree.ElementTree import Element, SubElement

from ..core.xml import CHECK_INPUT, BodyError, add_text, parse_root, response_status, to_bytes
from ..credentials import xml as credential_xml
from .models import RealmRecord, StoredRealmCredential
from .rules import DUPLICATE_IN_REALM, RealmEntry, SubmittedRealm
from .store import RealmCreateOutcome

REALM_ROOT = "RealmResponse"
REALMS_ROOT = "RealmsResponse"
CREDENTIALS_ROOT = "SipCredentialsResponse"
CREDENTIAL_ROOT = "SipCredentialResponse"


def _first_text(parent: Element, tag: str) -> str | None:
    child = parent.find(tag)
    return None if child is None else (child.text or "")


# -- realms ------------------------------------------------------------------------------


def parse_realm_body(body: bytes) -> SubmittedRealm:
    root = parse_root(body, "Realm")
    return SubmittedRealm(
        name=_first_text(root, "Realm"),
        description=_first_text(root, "Description"),
        default=_first_text(root, "Default"),
    )


def realm_element(parent: Element, realm: RealmRecord) -> None:
    element = SubElement(parent, "Realm")
    add_text(element, "Id", realm.id)
    add_text(element, "Realm", realm.fqdn)
    SubElement(element, "Description").text = realm.description
    add_text(element, "Default", "true" if realm.default else "false")
    add_text(element, "SipCredentialCount", str(realm.sip_credential_count))
    add_text(element, "Status", realm.status)


def realm_response(realm: RealmRecord) -> bytes:
    root = Element(REALM_ROOT)
    realm_element(root, realm)
    return to_bytes(root)


def realms_response(realms: Iterable[RealmRecord]) -> bytes:
    root = Element(REALMS_ROOT)
    listing = SubElement(root, "Realms")
    for realm in realms:
        realm_element(listing, realm)
    return to_bytes(root)


# -- realm-scoped credentials --------------------------------------------------------------


def _parse_entry(element: Element) -> RealmEntry:
    return RealmEntry(credential_xml.parse_submitted(element), _first_text(element, "RealmId"))


def parse_create_body(body: bytes) -> list[RealmEntry]:
    root = parse_root(body, "SipCredentials")
    entries = [_parse_entry(child) for child in root if child.tag == "SipCredential"]
    if not entries:
        raise BodyError("<SipCredentials> holds no <SipCredential>")
    return entries


def parse_update_body(body: bytes) -> RealmEntry:
    return _parse_entry(parse_root(body, "SipCredential"))


def credential_element(parent: Element, credential: StoredRealmCredential) -> None:
    element = SubElement(parent, "SipCredential")
    add_text(element, "Id", credential.id)
    add_text(element, "RealmId", credential.realm_id)
    add_text(element, "UserName", credential.user_name)
    add_text(element, "Realm", credential.realm)
    add_text(element, "Hash1", credential.hash1)
    add_text(element, "Hash1b", credential.hash1b)
    if credential.http_voice_v2_app_id is not None:
        add_text(element, "HttpVoiceV2AppId", credential.http_voice_v2_app_id)


def create_response(outcomes: Sequence[RealmCreateOutcome]) -> tuple[int, bytes]:
    """201 with ``Errors`` and/or ``ValidSipCredentials``. 400 (with ``ResponseStatus``)
    only when no entry passed validation: a duplicate passed it, so a create whose
    entries are all duplicates is 201 with only ``Errors``, as live."""
    root = Element(CREDENTIALS_ROOT)
    created = [o.created for o in outcomes if o.created is not None]
    failed = [o for o in outcomes if o.error is not None]
    accepted = created or any(o.error.code == DUPLICATE_IN_REALM for o in failed if o.error)
    if not accepted:
        response_status(root, CHECK_INPUT)
    if failed:
        errors = SubElement(root, "Errors")
        for outcome in failed:
            _error_element(errors, outcome)
    if created:
        valid = SubElement(root, "ValidSipCredentials")
        for credential in created:
            credential_element(valid, credential)
    return (201 if accepted else 400), to_bytes(root)


def _error_element(errors: Element, outcome: RealmCreateOutcome) -> None:
    """The submitted entry is echoed as sent, hashes included (the real API does)."""
    assert outcome.error is not None
    error = SubElement(errors, "Error")
    add_text(error, "ErrorCode", str(outcome.error.code))
    add_text(error, "Description", outcome.error.description)
    echoed = credential_xml.credential_element(error, outcome.entry.fields)
    if outcome.entry.realm_id is not None:
        add_text(echoed, "RealmId", outcome.entry.realm_id)


def single_response(credential: StoredRealmCredential) -> bytes:
    root = Element(CREDENTIAL_ROOT)
    credential_element(root, credential)
    return to_bytes(root)


def list_response(
    credentials: Iterable[StoredRealmCredential], links: Sequence[tuple[str, str]]
) -> bytes:
    """``links`` are (rel, absolute URL) pairs, rendered as on the account-level list."""
    root = Element(CREDENTIALS_ROOT)
    links_element = SubElement(root, "Links")
    for rel, url in links:
        add_text(links_element, rel, f'Link=<{url}>;rel="{rel}";')
    listing = SubElement(root, "SipCredentials")
    for credential in credentials:
        credential_element(listing, credential)
    return to_bytes(root)
