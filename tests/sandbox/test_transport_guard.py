"""HTTP hardening of the one transport: no redirect but Bandwidth's same-origin 303 on a list,
one deadline for a whole response, a 10 MiB cap, and no retry of a TLS failure.

Each server here is a small local one on 127.0.0.1 that misbehaves on purpose; each is
bounded (it stops when the test ends, and drips at most a few hundred bytes).
"""

from __future__ import annotations

import http.server
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.fixtures import RecordingSleeper

from bw_pulumi import compute_hashes
from bw_pulumi.api.auth import BasicAuth, OAuthClientCredentials
from bw_pulumi.api.errors import BandwidthApiError
from bw_pulumi.api.http_guard import MAX_RESPONSE_BYTES
from bw_pulumi.api.retry import RetryPolicy
from bw_pulumi.api.transport import ClientSettings
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.sip_credential.models import Credential

TLS = Path(__file__).parent / "fixtures" / "tls"
HASHES = compute_hashes("guarded", "a password", "custxx.auth.bandwidth.com")
EMPTY_PAGE = b"<SipCredentialsResponse><Links/><SipCredentials/></SipCredentialsResponse>"

Answer = Callable[[str, str], "tuple[int, dict[str, str], bytes]"]


@dataclass
class Server:
    """A local HTTP server that answers with ``answer(method, path)`` and records every
    request: (method, path, body)."""

    answer: Answer
    seen: list[tuple[str, str, bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    started: list[http.server.ThreadingHTTPServer] = []

    def start(answer: Answer, tls: bool = False) -> Server:
        server = Server(answer)

        class Handler(http.server.BaseHTTPRequestHandler):
            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.seen.append((self.command, self.path, body))
                status, headers, payload = server.answer(self.command, self.path)
                self.send_response(status)
                for name, value in {"Content-Length": str(len(payload)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, *args: Any) -> None:
                pass

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(TLS / "self-signed.crt", TLS / "self-signed.key")
            httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        started.append(httpd)
        server.url = f"{'https' if tls else 'http'}://127.0.0.1:{httpd.server_address[1]}"
        return server

    yield start
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


def client_for(api: str, sleeper: RecordingSleeper, **policy: float) -> BandwidthClient:
    settings = ClientSettings("1", BasicAuth("user", "api-password"), api_url=f"{api}/api")
    retry = RetryPolicy(**policy)  # type: ignore[arg-type]
    return BandwidthClient(settings, policy=retry, sleep=sleeper, jitter=lambda: 0.0)


def redirect_to(target: str, status: int) -> Answer:
    return lambda method, path: (status, {"Location": f"{target}{path}"}, b"")


# -- redirects -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_of_a_create_is_not_followed_and_the_hashes_go_nowhere(
    serve: Callable[..., Server], sleeper: RecordingSleeper, status: int
) -> None:
    elsewhere = serve(lambda method, path: (201, {}, b""))
    api = serve(redirect_to(elsewhere.url, status))
    client = client_for(api.url, sleeper)
    with pytest.raises(BandwidthApiError) as caught:
        client.credentials.create_credential(Credential("guarded", HASHES.hash1, HASHES.hash1b))
    message = str(caught.value)
    assert f"answered HTTP {status}, a redirect" in message
    assert "bandwidth:apiUrl may be wrong" in message
    assert elsewhere.url not in message and str(elsewhere.url.rsplit(":", 1)[1]) not in message
    assert elsewhere.seen == []
    assert [method for method, _, _ in api.seen] == ["POST"]


def test_a_redirect_of_the_token_request_is_not_followed(
    serve: Callable[..., Server], sleeper: RecordingSleeper
) -> None:
    elsewhere = serve(lambda method, path: (200, {}, b'{"access_token": "t"}'))
    idp = serve(redirect_to(elsewhere.url, 307))
    auth = OAuthClientCredentials("id", "client-secret", f"{idp.url}/token")
    client = BandwidthClient(ClientSettings("1", auth, api_url=f"{idp.url}/api"), sleep=sleeper)
    with pytest.raises(BandwidthApiError, match=r"HTTP 307, a redirect.*bandwidth:oauthUrl"):
        client.credentials.get_credential("x")
    assert elsewhere.seen == []


def test_a_303_on_a_list_to_another_origin_is_not_followed(
    serve: Callable[..., Server], sleeper: RecordingSleeper
) -> None:
    elsewhere = serve(lambda method, path: (200, {}, EMPTY_PAGE))
    api = serve(redirect_to(elsewhere.url, 303))
    with pytest.raises(BandwidthApiError, match="HTTP 303 to another origin"):
        client_for(api.url, sleeper).credentials.list_credentials()
    assert elsewhere.seen == []


def test_a_303_to_the_same_origin_is_followed_once(
    serve: Callable[..., Server], sleeper: RecordingSleeper
) -> None:
    def answer(method: str, path: str) -> tuple[int, dict[str, str], bytes]:
        if "page=" in path:
            return 200, {"Content-Type": "application/xml"}, EMPTY_PAGE
        return 303, {"Location": f"{path}?page=1&size=500"}, b""

    api = serve(answer)
    assert client_for(api.url, sleeper).credentials.list_credentials() == []
    assert [path for _, path, _ in api.seen] == [
        "/api/accounts/1/sipcredentials",
        "/api/accounts/1/sipcredentials?page=1&size=500",
    ]


def test_a_303_answered_by_another_303_is_an_error_not_a_loop(
    serve: Callable[..., Server], sleeper: RecordingSleeper
) -> None:
    api = serve(lambda method, path: (303, {"Location": path}, b""))
    with pytest.raises(BandwidthApiError, match="HTTP 303, a redirect, which bw-pulumi does not"):
        client_for(api.url, sleeper).credentials.list_credentials()
    assert len(api.seen) == 2


def test_a_303_on_a_write_is_not_followed(
    serve: Callable[..., Server], sleeper: RecordingSleeper
) -> None:
    api = serve(lambda method, path: (303, {"Location": path}, b""))
    with pytest.raises(BandwidthApiError, match="HTTP 303, a redirect"):
        client_for(api.url, sleeper).credentials.delete_credential("guarded")
    assert [method for method, _, _ in api.seen] == ["DELETE"]


# -- the deadline and the size cap ----------------------------------------------------------


class DripServer:
    """A raw socket server on 127.0.0.1: for each connection, reads the request, sends
    ``head`` at once, then ``body`` one byte every ``interval`` seconds until the client
    hangs up or the test ends. Counts connections."""

    def __init__(self, head: bytes, body: bytes, interval: float) -> None:
        self.head, self.body, self.interval = head, body, interval
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(self.head)
                for byte in self.body:
                    if self._stop.wait(self.interval):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return

    def close(self) -> None:
        self._stop.set()
        self._listener.close()


@pytest.fixture
def drip() -> Iterator[Callable[[bytes, bytes, float], DripServer]]:
    servers: list[DripServer] = []

    def start(head: bytes, body: bytes, interval: float) -> DripServer:
        servers.append(DripServer(head, body, interval))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def xml_head(length: int) -> bytes:
    return (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def test_a_dripping_body_ends_at_the_deadline(
    drip: Callable[[bytes, bytes, float], DripServer], sleeper: RecordingSleeper
) -> None:
    body = EMPTY_PAGE * 3  # about 230 bytes: 23 s at one byte per 0.1 s
    server = drip(xml_head(len(body)), body, 0.1)
    client = client_for(server.url, sleeper, total_budget=1.0, read_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(BandwidthApiError, match="the response did not complete within"):
        client.credentials.credentials_page("page=1&size=500")
    assert time.monotonic() - started < 2.0
    assert server.connections == 1


def test_dripping_headers_end_at_the_deadline_too(
    drip: Callable[[bytes, bytes, float], DripServer], sleeper: RecordingSleeper
) -> None:
    """Every byte from the status line on: each read brings one, so no read timeout fires."""
    response = xml_head(len(EMPTY_PAGE)) + EMPTY_PAGE
    server = drip(b"", response, 0.1)
    client = client_for(server.url, sleeper, total_budget=1.0, read_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(BandwidthApiError, match="the response did not complete within"):
        client.credentials.get_credential("x")
    assert time.monotonic() - started < 2.0


def test_a_stalled_attempt_is_retried_within_the_calls_budget(
    drip: Callable[[bytes, bytes, float], DripServer], sleeper: RecordingSleeper
) -> None:
    server = drip(xml_head(100), b"x" * 100, 10.0)  # the head, then silence
    client = client_for(server.url, sleeper, total_budget=2.5, read_timeout=0.8)
    started = time.monotonic()
    with pytest.raises(BandwidthApiError, match="no response from Bandwidth after 3 attempt"):
        client.credentials.get_credential("x")
    assert time.monotonic() - started < 3.5
    assert server.connections == 3 and len(sleeper.delays) == 2


def test_a_body_over_the_cap_is_refused_while_reading_and_not_retried(
    serve: Callable[..., Server], sleeper: RecordingSleeper
) -> None:
    huge = b"<a>" + b"x" * MAX_RESPONSE_BYTES + b"</a>"
    api = serve(lambda method, path: (200, {"Content-Type": "application/xml"}, huge))
    with pytest.raises(BandwidthApiError, match="larger than 10 MiB and was refused"):
        client_for(api.url, sleeper).credentials.get_credential("x")
    assert len(api.seen) == 1 and sleeper.delays == []


def test_a_body_under_the_cap_is_read_whole(
    serve: Callable[..., Server], sleeper: RecordingSleeper
) -> None:
    big = b"<a>" + b"x" * (2 * 1024 * 1024) + b"</a>"
    api = serve(lambda method, path: (200, {"Content-Type": "application/xml"}, big))
    response = client_for(api.url, sleeper).transport.call("GET", f"{api.url}/api/anything")
    assert response is not None and response.content == big


# -- TLS -------------------------------------------------------------------------------------


def test_a_certificate_that_does_not_verify_fails_at_once_saying_so(
    serve: Callable[..., Server], sleeper: RecordingSleeper
) -> None:
    api = serve(lambda method, path: (200, {}, EMPTY_PAGE), tls=True)
    with pytest.raises(BandwidthApiError) as caught:
        client_for(api.url, sleeper).credentials.get_credential("x")
    message = str(caught.value)
    assert "TLS certificate verification failed for 127.0.0.1" in message
    assert "CA certificates" in message and "api-password" not in message
    assert sleeper.delays == []  # not retried as a network blip
    assert api.seen == []  # nothing was sent over the unverified connection


def test_the_deadline_holds_through_a_proxy_too(
    drip: Callable[[bytes, bytes, float], DripServer], sleeper: RecordingSleeper
) -> None:
    """requests makes a proxy's connection pools apart from the direct ones."""
    proxy = drip(b"", xml_head(len(EMPTY_PAGE)) + EMPTY_PAGE, 0.1)

    def proxied() -> requests.Session:
        session = requests.Session()
        session.trust_env = False
        session.proxies = {"http": proxy.url}
        return session

    settings = ClientSettings("1", BasicAuth("u", "p"), api_url="http://127.0.0.1:9/api")
    client = BandwidthClient(
        settings,
        policy=RetryPolicy(total_budget=1.0, read_timeout=1.0),
        session_factory=proxied,
        sleep=sleeper,
    )
    started = time.monotonic()
    with pytest.raises(BandwidthApiError, match="the response did not complete within"):
        client.credentials.get_credential("x")
    assert time.monotonic() - started < 2.0 and proxy.connections == 1
