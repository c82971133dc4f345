"""A local stand-in for Twilio's Calls endpoint: records each request, answers like Twilio.

Bound to 127.0.0.1 on a free port, served from a thread. ``POST
/2010-04-01/Accounts/{AccountSid}/Calls.json`` with a form body and Basic auth answers 201
with a queued call, unless a test queued another answer (a Twilio error, a 5xx, a non-JSON
body). Anything else gets Twilio's JSON 404, and a request without Basic auth its 401.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

_CALLS_PATH = re.compile(r"/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/Calls\.json")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    form: list[tuple[str, str]]  # in the order sent, repeats kept

    @property
    def basic_auth(self) -> tuple[str, str] | None:
        scheme, _, encoded = self.headers.get("authorization", "").partition(" ")
        if scheme != "Basic":
            return None
        user, _, password = base64.b64decode(encoded).decode().partition(":")
        return user, password


@dataclass(frozen=True)
class CannedResponse:
    status: int
    body: str
    content_type: str = "application/json"


@dataclass
class FakeTwilio:
    url: str = ""
    requests: list[RecordedRequest] = field(default_factory=list)
    _queued: list[CannedResponse] = field(default_factory=list)
    _sids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer_next(self, status: int, body: object, content_type: str = "") -> None:
        """The next Calls request gets this answer (a dict is sent as JSON)."""
        text = body if isinstance(body, str) else json.dumps(body)
        kind = content_type or ("application/json" if not isinstance(body, str) else "text/html")
        self._queued.append(CannedResponse(status, text, kind))

    def answer_error(self, status: int, code: int, message: str) -> None:
        """Twilio's JSON error body for ``code``."""
        self.answer_next(
            status,
            {
                "code": code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
        )

    def _respond(self, request: RecordedRequest) -> CannedResponse:
        with self._lock:
            self.requests.append(request)
            match = _CALLS_PATH.fullmatch(request.path)
            if request.method != "POST" or match is None:
                return _error(404, 20404, f"The requested resource {request.path} was not found")
            if request.basic_auth is None:
                return _error(401, 20003, "Authenticate")
            if self._queued:
                return self._queued.pop(0)
            form = dict(request.form)
            sid = f"CA{next(self._sids):032x}"
            call = {
                "sid": sid,
                "account_sid": match.group(1),
                "to": form.get("To"),
                "from": form.get("From"),
                "status": "queued",
                "direction": "outbound-api",
                "uri": f"/2010-04-01/Accounts/{match.group(1)}/Calls/{sid}.json",
            }
            return CannedResponse(201, json.dumps(call))


def _error(status: int, code: int, message: str) -> CannedResponse:
    more_info = f"https://www.twilio.com/docs/errors/{code}"
    body = {"code": code, "message": message, "more_info": more_info, "status": status}
    return CannedResponse(status, json.dumps(body))


@contextmanager
def running_fake_twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self._handle()

        def do_GET(self) -> None:
            self._handle()

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8")
            request = RecordedRequest(
                method=self.command,
                path=self.path,
                headers={name.lower(): value for name, value in self.headers.items()},
                form=parse_qsl(body, keep_blank_values=True),
            )
            answer = fake._respond(request)
            payload = answer.body.encode("utf-8")
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="fake-twilio", daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
