"""The sandbox's HTTP server: a threading server that carries the state and the fault
queue, and the request handler that reads each request whole and sends it to the
emulated API (``api.py``) or the control endpoint (``control.py``)."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final
from urllib.parse import urlsplit

from . import control
from .api import handle_api, is_api_path
from .core.faults import FaultQueue
from .core.http import Reply, Request, RequestRecord, xml_reply
from .core.route_helpers import ERROR_ROOT, not_found_route
from .core.xml import children_named, error_document
from .state import SandboxState

MAX_BODY_BYTES: Final = 1 << 20
#: A connection idle (or stalled mid-request) this long is closed, freeing its thread.
IDLE_TIMEOUT_SECONDS: Final = 30.0

_log = logging.getLogger(__name__)


# -- the server and its request handler ---------------------------------------------------


class SandboxHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that carries the sandbox state and fault queue.

    It tracks the connections it accepted, so :meth:`server_close` also ends keep-alive
    connections: a stopped sandbox answers nothing, not even on a pooled connection."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: SandboxState, faults: FaultQueue) -> None:
        self.state = state
        self.faults = faults
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._closing = False
        super().__init__(address, SandboxRequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.state.count_connection()
        with self._connections_lock:
            closing = self._closing
            if not closing:
                self._connections.add(request)
        if closing:
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End every accepted connection; their handler threads then see EOF and exit."""
        with self._connections_lock:
            self._closing = True
            connections = list(self._connections)
            self._connections.clear()
        for connection in connections:
            with contextlib.suppress(OSError):  # the peer may have closed it already
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()

    def server_close(self) -> None:
        super().server_close()
        self.close_connections()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Errors from connections cut by :meth:`close_connections` are expected."""
        if not self._closing:
            _log.exception("sandbox connection from %s failed", client_address)


class SandboxHTTPServerV6(SandboxHTTPServer):
    address_family = socket.AF_INET6


class SandboxRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "bw-pulumi-sandbox/1"
    timeout = IDLE_TIMEOUT_SECONDS
    # TCP_NODELAY. A reply goes out as two writes, the headers and then the body; with
    # Nagle's algorithm on, the body waits for the client to acknowledge the headers, and
    # the client delays that ACK by up to 40 ms (Linux): every reply with a body took
    # 40 ms more on a keep-alive connection, which the benchmark counted against the client.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Tests stay quiet: no per-request stderr lines."""

    @property
    def _sandbox(self) -> SandboxHTTPServer:
        assert isinstance(self.server, SandboxHTTPServer)
        return self.server

    def _serve(self) -> None:
        body = self._read_body()
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path,
            query=parts.query,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body if isinstance(body, bytes) else b"",
            host=self.headers.get("Host") or self._server_host(),
        )
        api = is_api_path(request.path)
        reply = body if isinstance(body, Reply) else self._route(request, api)
        if api:
            self._sandbox.state.deleter.served(request, reply.status)
            kind, _ = request.auth()
            record = RequestRecord(
                request.method, request.target, reply.status, kind, _entries(request)
            )
            self._sandbox.state.record(record)
        self._send(reply)

    def _server_host(self) -> str:
        host, port = self._sandbox.server_address[:2]
        return f"{host!s}:{port!s}"

    def _route(self, request: Request, api: bool) -> Reply:
        sandbox = self._sandbox
        if request.path.startswith(control.PREFIX):
            return self._guarded(lambda: control.handle(sandbox.state, sandbox.faults, request))
        if api:
            return self._guarded(lambda: handle_api(sandbox.state, sandbox.faults, request))
        return not_found_route()

    def _guarded(self, route: Callable[[], Reply]) -> Reply:
        try:
            reply = route()
        except Exception:
            _log.exception("sandbox route failed: %s %s", self.command, self.path)
            body = error_document(ERROR_ROOT, "Sandbox internal error")
            return xml_reply(500, body)
        return reply

    def _read_body(self) -> bytes | Reply:
        """Read the whole body first, so keep-alive stays in sync whatever the route says."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return xml_reply(411, error_document(ERROR_ROOT, "Content-Length required"))
        raw_length = self.headers.get("Content-Length") or "0"
        if not raw_length.isdecimal():
            self.close_connection = True
            return xml_reply(400, error_document(ERROR_ROOT, "Bad Content-Length"))
        if int(raw_length) > MAX_BODY_BYTES:
            self.close_connection = True
            return xml_reply(413, error_document(ERROR_ROOT, "Body too large"))
        return self.rfile.read(int(raw_length))

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.content_type is not None:
            self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if reply.body:
            self.wfile.write(reply.body)


def _entries(request: Request) -> int:
    """The number of credentials a POST carried (a bulk create's size) for the log."""
    if request.method != "POST":
        return 0
    return children_named(request.body, "SipCredentials", "SipCredential")
