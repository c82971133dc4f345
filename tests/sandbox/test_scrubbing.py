"""Error bodies from Bandwidth (the sandbox) and Twilio (the fake) reach the user scrubbed of
every form of the secrets sent (the scrubbing rules: tests/unit/test_scrubbing.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.support.fake_twilio import FakeTwilio, running_fake_twilio
from tests.support.fixtures import RecordingSleeper
from tests.unit.test_scrubbing import (
    API_PASSWORD,
    API_USER,
    HASHES,
    REALM,
    SIP_PASSWORD,
    echoed_forms,
    leaked,
)

from bw_pulumi.api.auth import BasicAuth
from bw_pulumi.api.errors import BandwidthApiError
from bw_pulumi.api.transport import ClientSettings
from bw_pulumi.cli.bridge import BridgeEndpoint, NetworkBridgeCall, TwilioCredentials
from bw_pulumi.cli.twilio_call import TwilioCallError, place_call
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.sip_credential.models import Credential

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "auth-Token/0f1e+2d3c=4b5a"


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
