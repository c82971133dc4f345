"""Digest math and challenge parsing against the RFCs' own worked examples."""

from __future__ import annotations

import pytest

from bw_pulumi.resources.sip_credential.rules import compute_hashes
from bw_pulumi.sip import digest

RFC2617_CHALLENGE = (
    'Digest realm="testrealm@host.com", qop="auth,auth-int",'
    ' nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"'
)
RFC7616_NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
RFC7616_OPAQUE = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
RFC7616_CHALLENGES = [
    f'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256,'
    f' nonce="{RFC7616_NONCE}", opaque="{RFC7616_OPAQUE}"',
    f'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5,'
    f' nonce="{RFC7616_NONCE}", opaque="{RFC7616_OPAQUE}"',
]


def test_rfc2617_section_3_5_example() -> None:
    challenge = digest.parse_challenge(RFC2617_CHALLENGE)
    answer = digest.answer(
        challenge,
        method="GET",
        uri="/dir/index.html",
        username="Mufasa",
        password="Circle Of Life",
        nonce_count=1,
        cnonce="0a4f113b",
    )
    assert answer.response == "6629fae49393a05397450978507c4ef1"
    header = answer.header_value()
    assert header.startswith('Digest username="Mufasa", realm="testrealm@host.com"')
    for part in (
        "qop=auth,",
        "nc=00000001",
        'cnonce="0a4f113b"',
        'opaque="5ccc069c403ebaf9f0171e9517f40e41"',
        'uri="/dir/index.html"',
    ):
        assert part in header


def test_rfc7616_section_3_9_1_md5_is_chosen_over_sha256() -> None:
    challenge = digest.choose_challenge(RFC7616_CHALLENGES)
    assert challenge.algorithm == "MD5"
    assert challenge.qop_options == ("auth", "auth-int")
    answer = digest.answer(
        challenge,
        method="GET",
        uri="/dir/index.html",
        username="Mufasa",
        password="Circle of Life",
        nonce_count=1,
        cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    )
    assert answer.response == "8ca523f5e9506fed4657c9700eebdbec"


def test_rfc2069_example_without_qop_as_corrected_by_its_erratum() -> None:
    ha1 = digest.ha1("Mufasa", "testrealm@host.com", "CircleOfLife")
    ha2 = digest.ha2("GET", "/dir/index.html")
    assert (
        digest.response(ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093", ha2)
        == "1949323746fe6a43ef61f9606e7febea"
    )
    challenge = digest.parse_challenge(
        'Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"'
    )
    header = digest.answer(
        challenge, method="GET", uri="/d", username="u", password="p", nonce_count=1, cnonce="c"
    ).header_value()
    assert "qop" not in header and "nc=" not in header and "cnonce" not in header


def test_ha1_is_bandwidths_hash1_and_the_realm_form_is_hash1b() -> None:
    """The published Bandwidth vector: the digest a client computes is what Bandwidth stores."""
    realm = "custxx.auth.bandwidth.com"
    stored = compute_hashes("sipauthtest", "password", realm)
    assert digest.ha1("sipauthtest", realm, "password") == stored.hash1
    assert digest.ha1(f"sipauthtest@{realm}", realm, "password") == stored.hash1b
    assert stored.hash1 == "fe438bddfc087dda89d29e637f5684ab"


def test_nonce_count_is_eight_hex_digits_and_changes_the_response() -> None:
    assert digest.format_nonce_count(1) == "00000001"
    assert digest.format_nonce_count(0x1F) == "0000001f"
    with pytest.raises(ValueError):
        digest.format_nonce_count(0)
    ha1, ha2 = "a" * 32, "b" * 32
    first = digest.response(ha1, "n", ha2, qop="auth", nonce_count=1, cnonce="c")
    second = digest.response(ha1, "n", ha2, qop="auth", nonce_count=2, cnonce="c")
    assert first != second


def test_md5_sess_uses_the_session_key() -> None:
    challenge = digest.parse_challenge('Digest realm="r", nonce="n", algorithm=MD5-sess, qop=auth')
    answer = digest.answer(
        challenge, method="REGISTER", uri="sip:r", username="u", password="p", nonce_count=1,
        cnonce="c",
    )  # fmt: skip
    session_key = digest.session_ha1(digest.ha1("u", "r", "p"), "n", "c")
    expected = digest.response(
        session_key, "n", digest.ha2("REGISTER", "sip:r"), qop="auth", nonce_count=1, cnonce="c"
    )
    assert answer.response == expected
    assert "algorithm=MD5-sess" in answer.header_value()


def test_auth_int_alone_is_answered_over_the_empty_body() -> None:
    challenge = digest.parse_challenge('Digest realm="r", nonce="n", qop="auth-int"')
    assert challenge.qop == "auth-int"
    empty_body_md5 = "d41d8cd98f00b204e9800998ecf8427e"
    assert digest.ha2("REGISTER", "sip:r", "auth-int") == digest.md5_hex(
        f"REGISTER:sip:r:{empty_body_md5}"
    )


def test_stale_flag_and_quoted_commas_and_escapes() -> None:
    challenge = digest.parse_challenge(
        'Digest realm="a, \\"quoted\\" realm", nonce="x,y", stale=TRUE, opaque=plain'
    )
    assert challenge.realm == 'a, "quoted" realm'
    assert challenge.nonce == "x,y"
    assert challenge.stale is True
    assert challenge.opaque == "plain"
    header = digest.answer(
        challenge, method="REGISTER", uri="sip:r", username="u", password="p", nonce_count=1,
        cnonce="c",
    ).header_value()  # fmt: skip
    assert 'realm="a, \\"quoted\\" realm"' in header


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ('Basic realm="r"', "scheme is 'Basic', not Digest"),
        ('Digest realm="r"', "no realm or no nonce"),
        ('Digest realm="r", nonce="n", algorithm=SHA-256', "SHA-256; Bandwidth credentials"),
        ('Digest realm="r", nonce="n", qop="auth-conf"', "offers only qop auth-conf"),
        ('Digest realm="r", nonce="n", algorithm=MD5-sess', "MD5-sess without qop"),
        ("", "scheme is 'empty'"),
    ],
)
def test_unanswerable_challenges_say_why(header: str, reason: str) -> None:
    with pytest.raises(digest.ChallengeError, match=reason.replace("(", r"\(")):
        digest.parse_challenge(header)


def test_no_challenge_at_all() -> None:
    with pytest.raises(digest.ChallengeError, match="carries no authentication challenge"):
        digest.choose_challenge([])
