"""The OpenAPI spec's shapes as pure rules: the realm PUT body, splitting an aggregated
username (the sandbox and the client: tests/sandbox/test_spec_alignment.py)."""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import pytest

from bw_pulumi.resources.sip_credential import xml as credential_xml
from bw_pulumi.resources.sip_credential.rules import split_aggregated
from bw_pulumi.resources.sip_realm import xml as realm_xml
from bw_pulumi.resources.sip_realm.models import RealmSettings

#: "Update Realm" request example.
SPEC_REALM_PUT = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Realm>
   <Default>true</Default>
   <Description>This is realm has been updated.</Description>
</Realm>"""

#: "Retrieve SIP Credential", 200 example "With aggregated UserName and Domain".
SPEC_GET_AGGREGATED = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<SipCredentialResponse>
   <SipCredential>
      <Id>39</Id>
      <RealmId>4</RealmId>
      <UserName>Bill@bw.com</UserName>
      <Hash1>1g32gadgs433dd4</Hash1>
      <Realm>realm2.abc123.auth.bandwidth.com</Realm>
      <HttpVoiceV2AppId>7a1626ea-6a3e-11eb-9439-0242ac130002</HttpVoiceV2AppId>
   </SipCredential>
</SipCredentialResponse>"""


def parse(body: bytes) -> Element:
    root: Element = SafeET.fromstring(body)
    return root


def test_the_realm_put_body_has_the_shape_of_the_specs_example() -> None:
    body = realm_xml.encode_realm_update(RealmSettings("office", "HQ phones", True))
    root, example = parse(body), parse(SPEC_REALM_PUT)
    assert root.tag == example.tag == "Realm"
    assert [child.tag for child in root] == [child.tag for child in example]
    assert root.find("Realm") is None
    not_default = parse(realm_xml.encode_realm_update(RealmSettings("office", "HQ", False)))
    assert [(c.tag, c.text) for c in not_default] == [("Description", "HQ")]  # never "false"


@pytest.mark.parametrize(
    ("user_name", "domain", "expected"),
    [
        ("bob@somewhere.com", None, ("bob", "somewhere.com")),
        ("bob", "somewhere.com", ("bob", "somewhere.com")),
        ("bob", None, ("bob", None)),
        ("bob@x.com", "y.com", ("bob@x.com", "y.com")),  # a Domain given: not aggregated
        ("bob@", None, ("bob@", None)),
        ("@x.com", None, ("@x.com", None)),
    ],
)
def test_split_aggregated(user_name: str, domain: str | None, expected: tuple[Any, ...]) -> None:
    assert split_aggregated(user_name, domain) == expected


def test_the_specs_aggregated_example_is_the_separated_credential() -> None:
    aggregated = credential_xml.decode_credential(SPEC_GET_AGGREGATED)
    assert (aggregated.user_name, aggregated.domain) == ("Bill@bw.com", None)
    separated = aggregated.separated()
    assert (separated.user_name, separated.domain) == ("Bill", "bw.com")
    assert separated.composite_username == aggregated.composite_username == "Bill@bw.com"
