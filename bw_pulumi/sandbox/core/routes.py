"""HTTP routes of the emulated Bandwidth API (``/api``), status codes and the request
handler that also dispatches the JSON control endpoint (``/_sandbox/``)."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final
from urllib.parse import parse_qs, unquote, urlsplit

from ..credentials import xml as xmlshapes
from ..credentials.models import RequestRecord, StoredCredential
from ..credentials.rules import NONE_FOUND, NOT_FOUND, ApiError
from ..realms import routes as realm_routes
from . import control
from .chaos import LOST_STATUS, UNAVAILABLE_STATUS
from .faults import Fault, FaultQueue
from .http import Reply, Request, basic_matches, json_reply, xml_reply
from .route_helpers import (
    ERROR_ROOT,
    Paging,
    method_not_allowed,
    not_found_route,
    require_xml,
)
from .state import SandboxState

API_PREFIX: Final = "/api"
TOKEN_PATH: Final = "/api/v1/oauth2/token"  # noqa: S105 - a URL path, not a secret
MAX_BODY_BYTES: Final = 1 << 20
FORM_MEDIA_TYPE: Final = "application/x-www-form-urlencoded"
#: A connection idle (or stalled mid-request) this long is closed, freeing its thread.
IDLE_TIMEOUT_SECONDS: Final = 30.0
LIST_ROOT: Final = "SipCredentialsResponse"
ONE_ROOT: Final = "SipCredentialResponse"
CHAOS_UNAVAILABLE: Final = Fault("status", status=UNAVAILABLE_STATUS)
CHAOS_LOST: Final = Fault("after_commit", status=LOST_STATUS)

_log = logging.getLogger(__name__)


# -- entry point for /api requests ------------------------------------------------------


def is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def handle_api(state: SandboxState, faults: FaultQueue, request: Request) -> Reply:
    """Wait out the latency (a slow network and server: every request, the token
    endpoint too), then apply the first matching queued fault around the real route.
    The rate limit, when on, judges the request as it arrives (``rate_limits.py``)."""
    limited = state.rate_limits.check(request.method, request.path)
    latency = state.latency_seconds
    if latency > 0:
        state.sleep(latency)
    if limited is not None:
        return limited
    if faults.chaos.unavailable(request.method, request.target):
        return fault_reply(CHAOS_UNAVAILABLE, request)
    claim = faults.claim(request.method, request.target)
    fault = claim.fault if claim is not None else None
    if fault is not None and fault.kind == "delay":
        state.sleep(fault.seconds)
    if fault is not None and fault.kind == "status":
        return fault_reply(fault, request)
    reply = dispatch_api(state, request)
    if claim is not None and claim.fault.kind == "after_commit":
        if 200 <= reply.status < 300:
            if claim.fault.seconds:  # the answer is held, past the client's timeout
                state.sleep(claim.fault.seconds)
            return fault_reply(claim.fault, request)
        faults.put_back(claim)  # nothing was committed, so no response was "lost"
    if 200 <= reply.status < 300 and faults.chaos.lose_answer(request.method, request.target):
        return fault_reply(CHAOS_LOST, request)
    return reply


def fault_reply(fault: Fault, request: Request) -> Reply:
    status = fault.response_status
    headers = (("Retry-After", fault.retry_after),) if fault.retry_after is not None else ()
    if request.path == TOKEN_PATH:
        return json_reply(status, {"error": "sandbox_fault", "status": status}, *headers)
    body = xmlshapes.error_document(ERROR_ROOT, f"Sandbox injected fault: HTTP {status}")
    return xml_reply(status, body, *headers)


def dispatch_api(state: SandboxState, request: Request) -> Reply:
    segments = [unquote(part) for part in request.path[len(API_PREFIX) :].split("/")[1:]]
    if request.path == TOKEN_PATH:
        if request.method != "POST":
            return json_reply(405, {"error": "method_not_allowed"}, ("Allow", "POST"))
        return token_route(state, request)
    if segments[:1] == ["accounts"]:
        return accounts_route(state, request, segments[1:])
    return not_found_route()


# -- OAuth2 client-credentials grant ----------------------------------------------------


def token_route(state: SandboxState, request: Request) -> Reply:
    config = state.config
    scheme, credentials = request.auth()
    if scheme != "basic" or not basic_matches(credentials, config.client_id, config.client_secret):
        challenge = ("WWW-Authenticate", 'Basic realm="sandbox"')
        return json_reply(401, {"error": "invalid_client"}, challenge)
    if request.media_type() != FORM_MEDIA_TYPE:
        description = f"Content-Type must be {FORM_MEDIA_TYPE}"
        return json_reply(400, {"error": "invalid_request", "error_description": description})
    form = parse_qs(request.body.decode("utf-8", errors="replace"), keep_blank_values=True)
    grant_type = form.get("grant_type", [""])[-1]
    if not grant_type:
        return json_reply(400, {"error": "invalid_request"})
    if grant_type != "client_credentials":
        return json_reply(400, {"error": "unsupported_grant_type"})
    grant = {
        "access_token": state.issue_token(),
        "token_type": "Bearer",
        "expires_in": config.token_ttl_seconds,
    }
    return json_reply(200, grant, ("Cache-Control", "no-store"))


# -- /api/accounts/... ------------------------------------------------------------------


def authenticate(state: SandboxState, request: Request) -> Reply | None:
    """None when the legacy Basic user or a live bearer token was presented."""
    config = state.config
    scheme, credentials = request.auth()
    if scheme == "basic" and basic_matches(
        credentials, config.basic_username, config.basic_password
    ):
        return None
    if scheme == "bearer" and state.token_valid(credentials):
        return None
    if scheme == "bearer":
        challenge = 'Bearer error="invalid_token"'
        description = "The access token is invalid or expired"
    else:
        challenge = 'Basic realm="sandbox", Bearer'
        description = "Authentication required"
    body = xmlshapes.error_document(ERROR_ROOT, description)
    return xml_reply(401, body, ("WWW-Authenticate", challenge))


def accounts_route(state: SandboxState, request: Request, segments: Sequence[str]) -> Reply:
    denied = authenticate(state, request)
    if denied is not None:
        return denied
    if not segments or not segments[0]:
        return not_found_route()
    account_id, rest = segments[0], list(segments[1:])
    if not state.has_account(account_id):
        description = f"Access to account {account_id} is denied"
        return xml_reply(403, xmlshapes.error_document(ERROR_ROOT, description))
    if rest == ["sipcredentials"]:
        return collection_route(state, request, account_id)
    if len(rest) == 2 and rest[0] == "sipcredentials" and rest[1]:
        return member_route(state, request, account_id, rest[1])
    if rest[:1] == ["realms"]:
        return realm_routes.route(state, request, rest[1:])
    return not_found_route()


def collection_route(state: SandboxState, request: Request, account_id: str) -> Reply:
    if request.method == "GET":
        return list_route(state, request, account_id)
    if request.method == "POST":
        return create_route(state, request, account_id)
    return method_not_allowed("GET, POST")


def member_route(state: SandboxState, request: Request, account_id: str, composite: str) -> Reply:
    if request.method == "GET":
        return get_route(state, account_id, composite)
    if request.method == "PUT":
        return update_route(state, request, account_id, composite)
    if request.method == "DELETE":
        return delete_route(state, account_id, composite)
    return method_not_allowed("GET, PUT, DELETE")


# -- create -----------------------------------------------------------------------------


def create_route(state: SandboxState, request: Request, account_id: str) -> Reply:
    unsupported = require_xml(request, LIST_ROOT)
    if unsupported is not None:
        return unsupported
    try:
        entries = xmlshapes.parse_create_body(request.body)
    except xmlshapes.BodyError as error:
        return xml_reply(400, xmlshapes.error_document(LIST_ROOT, str(error)))
    status, body = xmlshapes.create_response(state.create_many(account_id, entries))
    return xml_reply(status, state.shapes.reshape(body))


# -- list -------------------------------------------------------------------------------


def list_route(state: SandboxState, request: Request, account_id: str) -> Reply:
    paging = Paging(request)
    redirect = paging.first_page_redirect()
    if redirect is not None:
        return redirect
    try:
        page, size = paging.page_and_size()
    except ValueError as error:
        return xml_reply(400, xmlshapes.error_document(LIST_ROOT, str(error)))
    everything = state.list_credentials(account_id)
    if not everything:
        body = xmlshapes.error_document(LIST_ROOT, "No SipCredentials found", NONE_FOUND)
        return xml_reply(404, body)
    matching = _filter(everything, paging.given)
    start = (page - 1) * size
    links = paging.links(page, size, len(matching))
    body = xmlshapes.list_response(matching[start : start + size], links)
    return xml_reply(200, state.shapes.reshape(body))


def _filter(credentials: list[StoredCredential], given: dict[str, str]) -> list[StoredCredential]:
    """``userNamefragment`` / ``domainfragment``: case-insensitive substring filters."""
    user_fragment = given.get("userNamefragment", "").lower()
    domain_fragment = given.get("domainfragment", "").lower()
    return [
        c
        for c in credentials
        if user_fragment in c.user_name.lower() and domain_fragment in (c.domain or "").lower()
    ]


# -- one credential -----------------------------------------------------------------------


def _error_reply(root_tag: str, error: ApiError) -> Reply:
    status = 404 if error.code == NOT_FOUND else 400
    return xml_reply(status, xmlshapes.api_error_document(root_tag, error))


def get_route(state: SandboxState, account_id: str, composite: str) -> Reply:
    credential = state.get(account_id, composite)
    if credential is None:
        description = f"SipCredential with UserName {composite} not found"
        return _error_reply(ONE_ROOT, ApiError(NOT_FOUND, description))
    return xml_reply(200, state.shapes.reshape(xmlshapes.single_response(credential)))


def update_route(state: SandboxState, request: Request, account_id: str, composite: str) -> Reply:
    unsupported = require_xml(request, ONE_ROOT)
    if unsupported is not None:
        return unsupported
    try:
        entry = xmlshapes.parse_update_body(request.body)
    except xmlshapes.BodyError as error:
        return xml_reply(400, xmlshapes.error_document(ONE_ROOT, str(error)))
    try:
        updated = state.update(account_id, composite, entry)
    except ApiError as error:
        return _error_reply(ONE_ROOT, error)
    return xml_reply(200, state.shapes.reshape(xmlshapes.single_response(updated)))


def delete_route(state: SandboxState, account_id: str, composite: str) -> Reply:
    try:
        state.delete(account_id, composite)
    except ApiError as error:
        return _error_reply(ONE_ROOT, error)
    return Reply(200)


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
            record = RequestRecord(request.method, request.target, reply.status, kind)
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
            body = xmlshapes.error_document(ERROR_ROOT, "Sandbox internal error")
            return xml_reply(500, body)
        return reply

    def _read_body(self) -> bytes | Reply:
        """Read the whole body first, so keep-alive stays in sync whatever the route says."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return xml_reply(411, xmlshapes.error_document(ERROR_ROOT, "Content-Length required"))
        raw_length = self.headers.get("Content-Length") or "0"
        if not raw_length.isdecimal():
            self.close_connection = True
            return xml_reply(400, xmlshapes.error_document(ERROR_ROOT, "Bad Content-Length"))
        if int(raw_length) > MAX_BODY_BYTES:
            self.close_connection = True
            return xml_reply(413, xmlshapes.error_document(ERROR_ROOT, "Body too large"))
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
