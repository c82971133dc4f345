"""XML wire format of Bandwidth's credential API <-> the records in :mod:`bw_pulumi.models`.

Only this module knows element names. Bodies from the network are parsed with
``defusedxml`` (no entity expansion, no external entities).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, tostring

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from bw_pulumi.models import (
    BulkCreateResult,
    Credential,
    CredentialPage,
    EntryError,
    Realm,
    RealmSettings,
)

XML_CONTENT_TYPE = "application/xml; charset=utf-8"
_LINK_URL = re.compile(r"<([^>]+)>")


class WireFormatError(ValueError):
    """A body that is not the XML the API documents. Never carries the body itself."""


@dataclass(frozen=True)
class ApiErrorDetail:
    """The error codes and descriptions found in an error body."""

    codes: tuple[str, ...]
    description: str
    entries: tuple[EntryError, ...]
    #: The body was Bandwidth's XML envelope (it has a ``ResponseStatus``).
    has_envelope: bool = False


def encode_create(credentials: Iterable[Credential]) -> bytes:
    root = Element("SipCredentials")
    for credential in credentials:
        item = SubElement(root, "SipCredential")
        _add(item, "UserName", credential.user_name)
        _add(item, "Domain", credential.domain)
        _add(item, "Hash1", credential.hash1)
        _add(item, "Hash1b", credential.hash1b)
        _add(item, "Realm", credential.realm)
        _add(item, "HttpVoiceV2AppId", credential.http_voice_v2_app_id)
    return _serialize(root)


def encode_update(credential: Credential) -> bytes:
    """PUT body: UserName and Domain are the key and cannot change, so they are not sent."""
    root = Element("SipCredential")
    _add(root, "Hash1", credential.hash1)
    _add(root, "Hash1b", credential.hash1b)
    _add(root, "Realm", credential.realm)
    _add(root, "HttpVoiceV2AppId", credential.http_voice_v2_app_id)
    return _serialize(root)


def encode_realm_credential_update(credential: Credential) -> bytes:
    """Realm-scoped PUT: ``RealmId`` is required (23031) and ``UserName`` is refused even
    unchanged (23030), so the body is RealmId, the hashes and the voice app id only."""
    root = Element("SipCredential")
    _add(root, "RealmId", credential.realm_id)
    _add(root, "Hash1", credential.hash1)
    _add(root, "Hash1b", credential.hash1b)
    _add(root, "HttpVoiceV2AppId", credential.http_voice_v2_app_id)
    return _serialize(root)


def encode_realm(settings: RealmSettings) -> bytes:
    """Create body (``RealmCreateRequest``). ``Default`` is always sent: the API requires
    it (1003)."""
    root = Element("Realm")
    _add(root, "Realm", settings.name)
    _add(root, "Description", settings.description)
    _add(root, "Default", "true" if settings.default else "false")
    return _serialize(root)


def encode_realm_update(settings: RealmSettings) -> bytes:
    """PUT body (``RealmUpdateRequest``): ``Default`` and ``Description`` only, as in the
    spec's example. The name is never sent: Bandwidth's spec answers a ``Realm`` element
    with 33005 "Cannot update Realm value", and a new name is a new realm anyway.

    ``Default`` is sent only as ``true``: the spec makes it optional and says it "cannot
    be set to 'false'". Read as a full replace (the reference notes), an absent flag is
    false too, so leaving it out is right under both readings."""
    root = Element("Realm")
    if settings.default:
        _add(root, "Default", "true")
    _add(root, "Description", settings.description)
    return _serialize(root)


def decode_realm(body: bytes) -> Realm:
    node = _parse(body, "RealmResponse").find("Realm")
    if node is None:
        raise WireFormatError("RealmResponse has no Realm element")
    return _realm(node)


def decode_realms(body: bytes) -> list[Realm]:
    root = _parse(body, "RealmsResponse")
    return [_realm(node) for node in root.iterfind("Realms/Realm")]


def decode_bulk_create(body: bytes) -> BulkCreateResult:
    root = _parse(body, "SipCredentialsResponse")
    created = tuple(
        _credential(node) for node in root.iterfind("ValidSipCredentials/SipCredential")
    )
    return BulkCreateResult(created=created, errors=_entry_errors(root))


def decode_credential(body: bytes) -> Credential:
    root = _parse(body, "SipCredentialResponse")
    node = root.find("SipCredential")
    if node is None:
        raise WireFormatError("SipCredentialResponse has no SipCredential element")
    return _credential(node)


def decode_page(body: bytes) -> CredentialPage:
    root = _parse(body, "SipCredentialsResponse")
    credentials = tuple(_credential(node) for node in root.iterfind("SipCredentials/SipCredential"))
    return CredentialPage(credentials=credentials, next_url=_link(root.findtext("Links/next")))


def decode_error(body: bytes) -> ApiErrorDetail:
    """Codes and descriptions from any documented error shape (ResponseStatus and/or Errors)."""
    root = _parse(body, None)
    status = root.find(".//ResponseStatus")
    entries = _entry_errors(root)
    codes: list[str] = []
    descriptions: list[str] = []
    if status is not None:
        _collect(codes, _text(status, "ErrorCode"))
        _collect(descriptions, _text(status, "Description"))
    for entry in entries:
        _collect(codes, entry.code)
        _collect(descriptions, entry.description)
    return ApiErrorDetail(
        tuple(codes), "; ".join(descriptions), entries, has_envelope=status is not None
    )


def holds_error_code(body: bytes) -> bool:
    """A successful status whose body still reports ``ResponseStatus/ErrorCode``: Bandwidth
    answers some failures so (live-verified by Bandwidth's CLI), and they are failures."""
    if b"ErrorCode" not in body:  # cheap: most bodies are plain results
        return False
    try:
        root = _parse(body, None)
    except WireFormatError:
        return False
    return any((node.text or "").strip() for node in root.iterfind(".//ResponseStatus/ErrorCode"))


def _entry_errors(root: Element) -> tuple[EntryError, ...]:
    errors = []
    for node in root.iterfind("Errors/Error"):
        submitted = node.find("SipCredential")
        user = _text(submitted, "UserName") if submitted is not None else None
        domain = _text(submitted, "Domain") if submitted is not None else None
        composite = f"{user}@{domain}" if user and domain else user
        errors.append(
            EntryError(
                code=_text(node, "ErrorCode") or "",
                description=_text(node, "Description") or "",
                composite_username=composite,
            )
        )
    return tuple(errors)


def _credential(node: Element) -> Credential:
    user_name = _text(node, "UserName")
    if not user_name:
        raise WireFormatError("SipCredential has no UserName")
    return Credential(
        user_name=user_name,
        domain=_text(node, "Domain"),
        hash1=_text(node, "Hash1") or "",
        hash1b=_text(node, "Hash1b") or "",
        realm=_text(node, "Realm"),
        http_voice_v2_app_id=_text(node, "HttpVoiceV2AppId"),
        id=_text(node, "Id"),
        realm_id=_text(node, "RealmId"),
    )


def _realm(node: Element) -> Realm:
    realm_id, fqdn, status = _text(node, "Id"), _text(node, "Realm"), _text(node, "Status")
    if not realm_id or not fqdn or not status:
        raise WireFormatError("Realm lacks Id, Realm or Status")
    count = _text(node, "SipCredentialCount") or "0"
    if not count.isdecimal():
        raise WireFormatError("Realm has a SipCredentialCount that is not a number")
    return Realm(
        id=realm_id,
        fqdn=fqdn,
        default=_boolean(node, "Default"),
        status=status,
        description=_text(node, "Description"),
        sip_credential_count=int(count),
    )


def _boolean(node: Element, tag: str) -> bool:
    value = (_text(node, tag) or "false").lower()
    if value not in ("true", "false"):
        raise WireFormatError(f"{tag} is neither true nor false")
    return value == "true"


def _link(value: str | None) -> str | None:
    """Bandwidth writes links as ``Link=<url>;rel="next";``; accept a bare URL too."""
    if not value or not value.strip():
        return None
    match = _LINK_URL.search(value)
    return match.group(1) if match else value.strip()


def _parse(body: bytes, expected_root: str | None) -> Element:
    try:
        root: Element = SafeET.fromstring(body)
    except (SafeET.ParseError, DefusedXmlException) as error:
        raise WireFormatError(
            f"response body is not well-formed XML ({type(error).__name__})"
        ) from None
    if expected_root is not None and root.tag != expected_root:
        raise WireFormatError(f"expected a {expected_root} element, got {root.tag}")
    return root


def _text(node: Element | None, tag: str) -> str | None:
    """Trimmed text of a child element; absent or blank is None (the API pads values)."""
    if node is None:
        return None
    value = node.findtext(tag)
    return value.strip() or None if value is not None else None


def _collect(into: list[str], value: str | None) -> None:
    if value and value not in into:
        into.append(value)


def _add(parent: Element, tag: str, value: str | None) -> None:
    if value is not None:
        SubElement(parent, tag).text = value


def _serialize(root: Element) -> bytes:
    body: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return body
