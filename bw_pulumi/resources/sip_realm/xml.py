"""XML wire format of SIP realms <-> the records in :mod:`bw_pulumi.resources.sip_realm.models`.
Only this module knows their element names."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from bw_pulumi.api import xml
from bw_pulumi.api.xml import WireFormatError
from bw_pulumi.resources.sip_realm.models import Realm, RealmSettings


def encode_realm(settings: RealmSettings) -> bytes:
    """Create body (``RealmCreateRequest``). ``Default`` is always sent: the API requires
    it (1003)."""
    root = Element("Realm")
    xml.add(root, "Realm", settings.name)
    xml.add(root, "Description", settings.description)
    xml.add(root, "Default", "true" if settings.default else "false")
    return xml.serialize(root)


def encode_realm_update(settings: RealmSettings) -> bytes:
    """PUT body (``RealmUpdateRequest``): ``Default`` and ``Description`` only, as in the
    spec's example. The name is never sent: Bandwidth's spec answers a ``Realm`` element
    with 33005 "Cannot update Realm value", and a new name is a new realm anyway.

    ``Default`` is sent only as ``true``: the spec makes it optional and says it "cannot
    be set to 'false'". Read as a full replace (the reference notes), an absent flag is
    false too, so leaving it out is right under both readings."""
    root = Element("Realm")
    if settings.default:
        xml.add(root, "Default", "true")
    xml.add(root, "Description", settings.description)
    return xml.serialize(root)


def decode_realm(body: bytes) -> Realm:
    node = xml.parse(body, "RealmResponse").find("Realm")
    if node is None:
        raise WireFormatError("RealmResponse has no Realm element")
    return _realm(node)


def decode_realms(body: bytes) -> list[Realm]:
    root = xml.parse(body, "RealmsResponse")
    return [_realm(node) for node in root.iterfind("Realms/Realm")]


def _realm(node: Element) -> Realm:
    realm_id, fqdn, status = xml.text(node, "Id"), xml.text(node, "Realm"), xml.text(node, "Status")
    if not realm_id or not fqdn or not status:
        raise WireFormatError("Realm lacks Id, Realm or Status")
    count = xml.text(node, "SipCredentialCount") or "0"
    if not count.isdecimal():
        raise WireFormatError("Realm has a SipCredentialCount that is not a number")
    return Realm(
        id=realm_id,
        fqdn=fqdn,
        default=xml.boolean(node, "Default"),
        status=status,
        description=xml.text(node, "Description"),
        sip_credential_count=int(count),
    )
