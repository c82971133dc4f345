"""Building REGISTER requests and parsing responses (RFC 3261), without a network."""

from __future__ import annotations

import pytest

from bw_pulumi.sip.message import MalformedMessageError, RegisterRequest, parse_response


def test_response_with_compact_and_folded_headers() -> None:
    data = (
        b"SIP/2.0 401 Unauthorized\r\n"
        b"v: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKabc;rport=5999, SIP/2.0/UDP x;branch=no\r\n"
        b"CSeq: 7 REGISTER\r\n"
        b'WWW-Authenticate: Digest realm="r",\r\n'
        b' nonce="n"\r\n'
        b'WWW-Authenticate: Digest realm="r", nonce="m", algorithm=SHA-256\r\n'
        b"l: 0\r\n\r\n"
    )
    response = parse_response(data)
    assert response.summary == "401 Unauthorized"
    assert response.branch == "z9hG4bKabc"
    assert response.cseq == (7, "REGISTER")
    assert response.all("www-authenticate") == [
        'Digest realm="r", nonce="n"',
        'Digest realm="r", nonce="m", algorithm=SHA-256',
    ]
    assert response.first("content-length") == "0"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"HELLO\r\n\r\n", "not a SIP/2.0 status line"),
        (b"SIP/2.0 200 OK\r\nVia: x\r\n", "no blank line"),
        (b"SIP/2.0 2000 OK\r\n\r\n", "not a SIP/2.0 status line"),
        (b"SIP/2.0 099 Low\r\n\r\n", "outside 100-699"),
        (b"SIP/2.0 200 OK\r\nno colon here\r\n\r\n", "not a header line"),
        (b"SIP/2.0 200 OK\r\n\xff\xfe: x\r\n\r\n", "not UTF-8"),
        (b"REGISTER sip:r SIP/2.0\r\n\r\n", "not a SIP/2.0 status line"),
    ],
)
def test_malformed_responses_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(MalformedMessageError, match=reason):
        parse_response(data)


def test_garbled_cseq_and_missing_via_read_as_none() -> None:
    response = parse_response(b"SIP/2.0 200 OK\r\nCSeq: x\r\n\r\n")
    assert response.cseq is None
    assert response.branch is None


def test_register_request_wire_format() -> None:
    request = RegisterRequest(
        request_uri="sip:r.example.com",
        aor="sip:alice@r.example.com",
        contact_uri="sip:alice@127.0.0.1:40000;transport=udp",
        call_id="cid@bw-pulumi",
        from_tag="tag1",
        cseq=2,
        branch="z9hG4bKxyz",
        transport="udp",
        via_host="127.0.0.1",
        via_port=40000,
        expires=0,
        user_agent="ua",
        authorization='Digest username="alice"',
    )
    text = request.encode().decode()
    assert text.startswith("REGISTER sip:r.example.com SIP/2.0\r\n")
    assert "Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bKxyz;rport\r\n" in text
    assert "From: <sip:alice@r.example.com>;tag=tag1\r\n" in text
    assert "To: <sip:alice@r.example.com>\r\n" in text
    assert "CSeq: 2 REGISTER\r\n" in text
    assert "Contact: <sip:alice@127.0.0.1:40000;transport=udp>\r\n" in text
    assert "Expires: 0\r\n" in text
    assert 'Authorization: Digest username="alice"\r\n' in text
    assert text.endswith("Content-Length: 0\r\n\r\n")
    assert "*" not in text  # never a wildcard contact: it would drop every binding


def test_ipv6_via_host_is_bracketed() -> None:
    request = RegisterRequest(
        "sip:r", "sip:a@r", "sip:a@[::1]:1", "c", "t", 1, "z9hG4bK1", "tcp", "::1", 5060, 60, "ua"
    )
    assert "Via: SIP/2.0/TCP [::1]:5060;" in request.encode().decode()
