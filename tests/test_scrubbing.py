"""Secrets echoed by a server (Bandwidth's error bodies, Twilio's) are scrubbed in every form
we may meet them in: base64 Basic credentials, percent-encoded, and in another letter case."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from conftest import RecordingSleeper
from fake_twilio import FakeTwilio, running_fake_twilio

from bw_pulumi import compute_hashes
from bw_pulumi.api.auth import BasicAuth
from bw_pulumi.api.errors import REDACTED, BandwidthApiError, basic_credentials, scrub
from bw_pulumi.api.transport import ClientSettings
from bw_pulumi.cli.bridge import BridgeEndpoint, NetworkBridgeCall, TwilioCredentials
from bw_pulumi.cli.twilio_call import TwilioCallError, place_call
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.sip_credential.models import Credential

API_USER = "api-user"
API_PASSWORD = "Api pa$$/w0rd&more"
SIP_PASSWORD = "sip pa$$/w0rd+Lots"
REALM = "custxx.auth.bandwidth.com"
HASHES = compute_hashes("ext100", SIP_PASSWORD, REALM)
ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "auth-Token/0f1e+2d3c=4b5a"


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


class Echo:
    """A stand-in for Bandwidth that answers 400 with a Description echoing ``text``."""

    text = ""


@pytest.fixture
def echoing() -> Iterator[tuple[Echo, BandwidthClient]]:
    echo = Echo()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = (
                "<SipCredentialResponse><ResponseStatus><ErrorCode>23001</ErrorCode>"
                f"<Description>{echo.text}</Description></ResponseStatus></SipCredentialResponse>"
            ).encode()
            self.send_response(400)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_PUT = do_DELETE = _answer

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings = ClientSettings(
        account_id="1",
        auth=BasicAuth(API_USER, API_PASSWORD),
        api_url=f"http://127.0.0.1:{server.server_address[1]}/api",
    )
    try:
        yield echo, BandwidthClient(settings, sleep=RecordingSleeper())
    finally:
        server.shutdown()
        server.server_close()


def escape_xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


def test_a_bandwidth_error_body_is_scrubbed_of_every_form(
    echoing: tuple[Echo, BandwidthClient],
) -> None:
    echo, client = echoing
    forms = echoed_forms(API_USER, API_PASSWORD)
    hashes = f"Hash1{HASHES.hash1.upper()};Hash1b{HASHES.hash1b.upper()}"
    echo.text = escape_xml(" | ".join([*forms.values(), hashes]))
    credential = Credential("ext100", HASHES.hash1, HASHES.hash1b, realm=REALM)
    with pytest.raises(BandwidthApiError) as caught:
        client.credentials.update_credential(credential)
    message = str(caught.value)
    assert "HTTP 400 [23001]" in message
    assert leaked(message, API_USER, API_PASSWORD) == [], message
    assert leaked(caught.value.description, API_USER, API_PASSWORD) == []
    for hash_ in (HASHES.hash1, HASHES.hash1b):
        assert hash_.upper() not in message and hash_ not in message


# -- Twilio's error bodies ---------------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with running_fake_twilio() as twilio:
        yield twilio


def test_a_twilio_error_body_is_scrubbed_of_every_form(fake: FakeTwilio) -> None:
    endpoint = BridgeEndpoint(REALM, 5006, "twilio-bridge", SIP_PASSWORD)
    call = NetworkBridgeCall("+17778889999", "+15550001111", endpoint, twiml_url="https://x.io/t")
    credentials = TwilioCredentials(ACCOUNT_SID, ACCOUNT_SID, AUTH_TOKEN)
    sip_forms = echoed_forms("twilio-bridge", SIP_PASSWORD)  # a form field, never Basic
    echoed = [
        *echoed_forms(ACCOUNT_SID, AUTH_TOKEN).values(),
        *(form for name, form in sip_forms.items() if "base64" not in name),
    ]
    fake.answer_error(400, 21212, "Invalid: " + " | ".join(echoed))
    with pytest.raises(TwilioCallError) as caught:
        place_call(call, credentials, api_url=fake.url)
    message = str(caught.value)
    assert "error 21212: Invalid: Basic *** | *** | ***" in message
    assert leaked(message, ACCOUNT_SID, AUTH_TOKEN) == [], message
    still = leaked(message, "twilio-bridge", SIP_PASSWORD)
    assert [name for name in still if "base64" not in name] == [], message
