"""Responses the sandbox does not give on its own, from a stub server: a 2xx that carries
Bandwidth's ResponseStatus/ErrorCode, and a 201 without the requested username.

Bandwidth's CLI records both as live behaviour; each must be a failure, never a result.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.support.fixtures import RecordingSleeper

from bw_pulumi import compute_hashes
from bw_pulumi.api.auth import BasicAuth
from bw_pulumi.api.errors import BandwidthApiError
from bw_pulumi.api.transport import ClientSettings
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.sip_credential.models import Credential
from bw_pulumi.resources.sip_realm.models import RealmSettings

ERROR_IN_200 = (
    b"<SipCredentialResponse><ResponseStatus><ErrorCode>23025</ErrorCode>"
    b"<Description>SipCredential not found</Description></ResponseStatus>"
    b"</SipCredentialResponse>"
)
HASHES = compute_hashes("ext100", "pw", "office-1a2b3c4d.auth.bandwidth.com")


class Canned:
    """Answers every request with the same status and body; records what it got."""

    def __init__(self) -> None:
        self.status = 200
        self.body = b""
        self.requests: list[tuple[str, str]] = []


@pytest.fixture
def canned() -> Iterator[tuple[Canned, BandwidthClient]]:
    state = Canned()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            state.requests.append((self.command, self.path))
            self.send_response(state.status)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings = ClientSettings(
        account_id="1",
        auth=BasicAuth("user", "api-password"),
        api_url=f"http://127.0.0.1:{server.server_address[1]}/api",
    )
    try:
        yield state, BandwidthClient(settings, sleep=RecordingSleeper())
    finally:
        server.shutdown()
        server.server_close()


def wanted() -> Credential:
    return Credential("ext100", HASHES.hash1, HASHES.hash1b)


@pytest.mark.parametrize(
    "operation",
    [
        lambda api: api.credentials.get_credential("bob"),
        lambda api: api.credentials.update_credential(
            Credential("bob", HASHES.hash1, HASHES.hash1b)
        ),
        lambda api: api.credentials.delete_credential("bob"),
        lambda api: api.credentials.list_credentials(),
        lambda api: api.realms.get_realm("101"),
        lambda api: api.realms.update_realm("101", RealmSettings("office", None, False)),
        lambda api: api.realm_credentials.get_credential("101", "50001"),
        lambda api: api.realm_credentials.update_credential("101", "50001", wanted()),
        lambda api: api.realm_credentials.delete_credential("101", "50001"),
    ],
    ids=[
        "get",
        "put",
        "delete",
        "list",
        "get-realm",
        "put-realm",
        "get-in-realm",
        "put-in-realm",
        "delete-in-realm",
    ],
)
def test_a_2xx_carrying_an_error_code_is_a_failure(
    canned: tuple[Canned, BandwidthClient], operation: Any
) -> None:
    state, api = canned
    state.body = ERROR_IN_200
    with pytest.raises(BandwidthApiError, match=r"HTTP 200 \[23025\]"):
        operation(api)


def test_a_201_without_the_requested_username_is_a_failure(
    canned: tuple[Canned, BandwidthClient],
) -> None:
    state, api = canned
    state.status = 201
    state.body = (
        b"<SipCredentialsResponse><ValidSipCredentials><SipCredential><Id>50002</Id>"
        b"<RealmId>101</RealmId><UserName>someone-else</UserName></SipCredential>"
        b"</ValidSipCredentials></SipCredentialsResponse>"
    )
    with pytest.raises(BandwidthApiError, match="not in the API's list of created entries"):
        api.realm_credentials.create_credential("101", wanted())
    state.body = state.body.replace(b"someone-else", b"ext100")
    assert api.realm_credentials.create_credential("101", wanted()).id == "50002"


def test_a_foreign_404_is_an_error_not_a_deletion(canned: tuple[Canned, BandwidthClient]) -> None:
    state, api = canned
    state.status, state.body = 404, b"Not Found"
    with pytest.raises(BandwidthApiError, match="not Bandwidth's XML"):
        api.realm_credentials.get_credential("101", "50001")
    state.body = b"<html><body>Not Found</body></html>"  # XML, but no Bandwidth envelope
    with pytest.raises(BandwidthApiError, match="HTTP 404"):
        api.realm_credentials.get_credential("101", "50001")
    state.body = (
        b"<ErrorResponse><ResponseStatus><Description>gone</Description>"
        b"</ResponseStatus></ErrorResponse>"
    )
    assert api.realm_credentials.get_credential("101", "50001") is None
