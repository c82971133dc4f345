"""Secrets echoed by a server (Bandwidth's error bodies, Twilio's) are scrubbed in every form
we may meet them in: base64 Basic credentials, percent-encoded, and in another letter case."""

from __future__ import annotations

import base64
from urllib.parse import quote, quote_plus

import pytest

from bw_pulumi import compute_hashes
from bw_pulumi.api.errors import REDACTED, basic_credentials, scrub

API_USER = "api-user"
API_PASSWORD = "Api pa$$/w0rd&more"
SIP_PASSWORD = "sip pa$$/w0rd+Lots"
REALM = "custxx.auth.bandwidth.com"
HASHES = compute_hashes("ext100", SIP_PASSWORD, REALM)


def b64(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def echoed_forms(user: str, password: str) -> dict[str, str]:
    """How a server may echo a credential pair back, by name."""
    return {
        "basic header": f"Basic {b64(user, password)}",
        "base64 alone": b64(user, password),
        "url-safe base64": base64.urlsafe_b64encode(f"{user}:{password}".encode()).decode(),
        "quote": quote(password, safe=""),
        "quote keeping /": quote(password),
        "quote_plus": quote_plus(password),
        "lower-case percent escapes": quote(password, safe="").lower(),
        "upper case": password.upper(),
        "lower case": password.lower(),
    }


def leaked(text: str, user: str, password: str) -> list[str]:
    """Which forms of the pair still appear in ``text`` (the password's letters included)."""
    found = [name for name, form in echoed_forms(user, password).items() if form in text]
    return found + [name for name in ("plain",) if password in text]


@pytest.mark.parametrize("form", list(echoed_forms(API_USER, API_PASSWORD)))
def test_scrub_removes_each_form_of_a_known_pair(form: str) -> None:
    text = f"refused: {echoed_forms(API_USER, API_PASSWORD)[form]} (end)"
    scrubbed = scrub(text, (API_PASSWORD, *basic_credentials(API_USER, API_PASSWORD)))
    assert leaked(scrubbed, API_USER, API_PASSWORD) == [], scrubbed
    assert REDACTED in scrubbed and scrubbed.endswith("(end)")


def test_scrub_removes_upper_case_hashes_even_inside_a_word() -> None:
    text = f"Hash1{HASHES.hash1.upper()}x and 0{HASHES.hash1b.upper()}"
    scrubbed = scrub(text, (HASHES.hash1, HASHES.hash1b))
    assert HASHES.hash1.upper() not in scrubbed and HASHES.hash1b.upper() not in scrubbed
    assert scrubbed == f"Hash1{REDACTED}x and 0{REDACTED}"


def test_scrub_removes_an_unknown_basic_credential_but_keeps_words() -> None:
    unknown = b64("someone", "else's secret")
    assert scrub(f"got Basic {unknown}") == f"got Basic {REDACTED}"
    assert scrub("Basic authentication is disabled") == "Basic authentication is disabled"


# -- Bandwidth's error bodies ------------------------------------------------------------------


# -- Twilio's error bodies ---------------------------------------------------------------------
