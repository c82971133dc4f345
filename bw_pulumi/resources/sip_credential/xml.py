"""XML wire format of SIP credentials <-> the records in
:mod:`bw_pulumi.resources.sip_credential.models`. Only this module knows their element names."""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree.ElementTree import Element, SubElement

from bw_pulumi.api import xml
from bw_pulumi.api.paging import Page
from bw_pulumi.api.xml import WireFormatError
from bw_pulumi.resources.sip_credential.models import BulkCreateResult, Credential


def encode_create(credentials: Iterable[Credential]) -> bytes:
    root = Element("SipCredentials")
    for credential in credentials:
        item = SubElement(root, "SipCredential")
        xml.add(item, "UserName", credential.user_name)
        xml.add(item, "Domain", credential.domain)
        xml.add(item, "Hash1", credential.hash1)
        xml.add(item, "Hash1b", credential.hash1b)
        xml.add(item, "Realm", credential.realm)
        xml.add(item, "HttpVoiceV2AppId", credential.http_voice_v2_app_id)
    return xml.serialize(root)


def encode_update(credential: Credential) -> bytes:
    """PUT body: UserName and Domain are the key and cannot change, so they are not sent."""
    root = Element("SipCredential")
    xml.add(root, "Hash1", credential.hash1)
    xml.add(root, "Hash1b", credential.hash1b)
    xml.add(root, "Realm", credential.realm)
    xml.add(root, "HttpVoiceV2AppId", credential.http_voice_v2_app_id)
    return xml.serialize(root)


def encode_realm_credential_update(credential: Credential) -> bytes:
    """Realm-scoped PUT: ``RealmId`` is required (23031) and ``UserName`` is refused even
    unchanged (23030), so the body is RealmId, the hashes and the voice app id only."""
    root = Element("SipCredential")
    xml.add(root, "RealmId", credential.realm_id)
    xml.add(root, "Hash1", credential.hash1)
    xml.add(root, "Hash1b", credential.hash1b)
    xml.add(root, "HttpVoiceV2AppId", credential.http_voice_v2_app_id)
    return xml.serialize(root)


def decode_bulk_create(body: bytes) -> BulkCreateResult:
    root = xml.parse(body, "SipCredentialsResponse")
    created = tuple(
        _credential(node) for node in root.iterfind("ValidSipCredentials/SipCredential")
    )
    return BulkCreateResult(created=created, errors=xml.entry_errors(root))


def decode_credential(body: bytes) -> Credential:
    root = xml.parse(body, "SipCredentialResponse")
    node = root.find("SipCredential")
    if node is None:
        raise WireFormatError("SipCredentialResponse has no SipCredential element")
    return _credential(node)


def decode_page(body: bytes) -> Page[Credential]:
    root = xml.parse(body, "SipCredentialsResponse")
    credentials = tuple(_credential(node) for node in root.iterfind("SipCredentials/SipCredential"))
    return Page(credentials, next_url=xml.link(root.findtext("Links/next")))


def _credential(node: Element) -> Credential:
    user_name = xml.text(node, "UserName")
    if not user_name:
        raise WireFormatError("SipCredential has no UserName")
    return Credential(
        user_name=user_name,
        domain=xml.text(node, "Domain"),
        hash1=xml.text(node, "Hash1") or "",
        hash1b=xml.text(node, "Hash1b") or "",
        realm=xml.text(node, "Realm"),
        http_voice_v2_app_id=xml.text(node, "HttpVoiceV2AppId"),
        id=xml.text(node, "Id"),
        realm_id=xml.text(node, "RealmId"),
    )
