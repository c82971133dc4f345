"""XML wire format: Bandwidth's documented shapes decode into typed records."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree as SafeET

from bw_pulumi.api import xml as wire
from bw_pulumi.resources.sip_credential import xml as credential_xml
from bw_pulumi.resources.sip_credential.models import Credential

# Bandwidth's own partial-success example pads every value with whitespace.
PARTIAL_201 = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<SipCredentialsResponse>
    <Errors>
        <Error>
            <ErrorCode>
                1003
            </ErrorCode>
            <Description>
                UserName is required
            </Description>
            <SipCredential>
                <Domain>bw.com</Domain>
                <Hash1>1g32gadgs433dd4</Hash1>
                <Hash1b>1g32gadgs433d24</Hash1b>
            </SipCredential>
        </Error>
    </Errors>
    <ValidSipCredentials>
        <SipCredential>
            <UserName>
                Bill
            </UserName>
            <Domain>
                bw.com
            </Domain>
            <Hash1>43543gggs43g324</Hash1>
            <Hash1b>4562gadgs433454</Hash1b>
        </SipCredential>
    </ValidSipCredentials>
</SipCredentialsResponse>
"""


def test_partial_success_decodes_both_lists_and_trims_padding() -> None:
    result = credential_xml.decode_bulk_create(PARTIAL_201)
    assert [c.composite_username for c in result.created] == ["Bill@bw.com"]
    assert result.created[0].hash1 == "43543gggs43g324"
    assert len(result.errors) == 1
    assert result.errors[0].code == "1003"
    assert result.errors[0].description == "UserName is required"
    assert result.errors[0].composite_username is None


def test_create_body_round_trips_and_omits_absent_optionals() -> None:
    body = credential_xml.encode_create(
        [
            Credential("bob", "h1", "h1b", domain="x.com", realm="r.example.com"),
            Credential("amy", "h2", "h2b"),
        ]
    )
    root = SafeET.fromstring(body)
    assert root.tag == "SipCredentials"
    first, second = root.findall("SipCredential")
    assert [child.tag for child in first] == ["UserName", "Domain", "Hash1", "Hash1b", "Realm"]
    assert [child.tag for child in second] == ["UserName", "Hash1", "Hash1b"]
    assert body.startswith(b"<?xml")


def test_update_body_never_carries_the_key() -> None:
    body = credential_xml.encode_update(
        Credential("bob", "h1", "h1b", domain="x.com", realm="r.com")
    )
    root = SafeET.fromstring(body)
    assert root.tag == "SipCredential"
    assert root.find("UserName") is None
    assert root.find("Domain") is None
    assert root.findtext("Hash1") == "h1"


def test_page_links_in_bandwidth_link_syntax_and_bare() -> None:
    template = (
        "<SipCredentialsResponse><Links><next>{}</next></Links><SipCredentials>"
        "<SipCredential><UserName>a</UserName><Hash1>1</Hash1><Hash1b>2</Hash1b></SipCredential>"
        "</SipCredentials></SipCredentialsResponse>"
    )
    url = "https://api.example/api/accounts/1/sipcredentials?page=2&amp;size=500"
    bandwidth_style = template.format(f'Link=&lt;{url}&gt;;rel="next";').encode()
    bare = template.format(url).encode()
    expected = "https://api.example/api/accounts/1/sipcredentials?page=2&size=500"
    assert credential_xml.decode_page(bandwidth_style).next_url == expected
    assert credential_xml.decode_page(bare).next_url == expected
    last_page = template.replace("<Links><next>{}</next></Links>", "").encode()
    assert credential_xml.decode_page(last_page).next_url is None


def test_error_shapes_collect_codes_and_descriptions() -> None:
    body = (
        b"<SipCredentialResponse><ResponseStatus><ErrorCode>23007</ErrorCode>"
        b"<Description>not found</Description></ResponseStatus></SipCredentialResponse>"
    )
    detail = wire.decode_error(body)
    assert detail.codes == ("23007",)
    assert detail.description == "not found"


@pytest.mark.parametrize(
    "body",
    [
        b"<html>502 Bad Gateway</html",
        b"not xml at all",
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
    ],
)
def test_bad_or_hostile_bodies_raise_a_clean_error(body: bytes) -> None:
    with pytest.raises(wire.WireFormatError) as caught:
        wire.decode_error(body)
    assert body.decode(errors="replace") not in str(caught.value)


def test_wrong_root_element_is_refused() -> None:
    with pytest.raises(wire.WireFormatError, match="expected a SipCredentialResponse"):
        credential_xml.decode_credential(b"<Other/>")
