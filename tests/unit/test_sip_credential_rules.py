"""Hash formula and validation rules (bw_pulumi.resources.sip_credential.rules)."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from bw_pulumi import InvalidInputError, compute_hashes
from bw_pulumi.resources.sip_credential.rules import composite_username, same_composite

REALM = "custxx.auth.bandwidth.com"
PASSWORD = "correct horse battery staple"


def test_published_vector_reproduces() -> None:
    hashes = compute_hashes("sipauthtest", "password", REALM)
    assert hashes.composite_username == "sipauthtest"
    assert hashes.hash1 == "fe438bddfc087dda89d29e637f5684ab"
    assert hashes.hash1b == "79bb0e55551e14a2f329a282c7cf1456"


def test_hash1b_uses_at_sign_not_the_colon_some_guides_print() -> None:
    wrong = hashlib.md5(f"sipauthtest:{REALM}:{REALM}:password".encode()).hexdigest()
    assert compute_hashes("sipauthtest", "password", REALM).hash1b != wrong


def test_domain_makes_a_composite_username_and_enters_both_digests() -> None:
    hashes = compute_hashes("bob", PASSWORD, REALM, domain="somewhere.com")
    composite = "bob@somewhere.com"
    assert hashes.composite_username == composite
    assert hashes.hash1 == hashlib.md5(f"{composite}:{REALM}:{PASSWORD}".encode()).hexdigest()
    expected_1b = hashlib.md5(f"{composite}@{REALM}:{REALM}:{PASSWORD}".encode()).hexdigest()
    assert hashes.hash1b == expected_1b


def test_non_ascii_password_is_hashed_as_utf8() -> None:
    hashes = compute_hashes("bob", "pässwörd", REALM)
    assert hashes.hash1 == hashlib.md5(f"bob:{REALM}:pässwörd".encode()).hexdigest()


def test_result_is_immutable_and_its_repr_hides_the_hashes() -> None:
    hashes = compute_hashes("sipauthtest", "password", REALM)
    with pytest.raises(dataclasses.FrozenInstanceError):
        hashes.hash1 = "x"  # type: ignore[misc]
    assert hashes.hash1 not in repr(hashes)
    assert hashes.hash1b not in repr(hashes)


def test_composite_helpers() -> None:
    assert composite_username("bob") == "bob"
    assert composite_username("bob", "x.com") == "bob@x.com"
    assert same_composite("Bob@X.com", "bob@x.COM")
    assert not same_composite("bob", "bob@x.com")


INVALID = [
    # (username, password, realm, domain, field, words in the rule)
    ("", PASSWORD, REALM, None, "username", "empty"),
    ("a" * 33, PASSWORD, REALM, None, "username", "at most 32"),
    ("bob:x", PASSWORD, REALM, None, "username", "':' or '@'"),
    ("bob@x", PASSWORD, REALM, None, "username", "':' or '@'"),
    ("bob smith", PASSWORD, REALM, None, "username", "may only contain"),
    ("bob/1", PASSWORD, REALM, None, "username", "may only contain"),
    ("bob", "", REALM, None, "password", "empty"),
    ("bob", "x" * 1025, REALM, None, "password", "1024 bytes"),
    ("bob", "é" * 513, REALM, None, "password", "1024 bytes"),
    ("bob", PASSWORD, "", None, "realm", "empty"),
    ("bob", PASSWORD, "localhost", None, "realm", "fully qualified"),
    ("bob", PASSWORD, "bad realm.com", None, "realm", "fully qualified"),
    ("bob", PASSWORD, "-x.auth.com", None, "realm", "fully qualified"),
    ("bob", PASSWORD, REALM, "d" * 29 + ".com", "domain", "at most 32"),
    ("bob", PASSWORD, REALM, "some where.com", "domain", "hostname"),
    ("bob", PASSWORD, REALM, "x..com", "domain", "hostname"),
]


@pytest.mark.parametrize(("username", "password", "realm", "domain", "field", "rule"), INVALID)
def test_invalid_input_names_the_field_and_rule(
    username: str, password: str, realm: str, domain: str | None, field: str, rule: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        compute_hashes(username, password, realm, domain)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert rule in str(caught.value)
    if password:
        assert password not in str(caught.value)


def test_all_allowed_username_characters_are_accepted() -> None:
    allowed = "aZ09._-!$&*+=~"
    assert compute_hashes(allowed, PASSWORD, REALM).composite_username == allowed
    assert compute_hashes("a" * 32, PASSWORD, REALM).composite_username == "a" * 32


def test_password_limit_counts_utf8_bytes() -> None:
    compute_hashes("bob", "x" * 1024, REALM)
    compute_hashes("bob", "é" * 512, REALM)
