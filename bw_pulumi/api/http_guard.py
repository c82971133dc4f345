"""Limits on one HTTP exchange with Bandwidth, used by :mod:`bw_pulumi.api.transport`.

Why each exists (all found by an adversarial review, each reproduced):

* **A deadline for the whole response.** ``requests``' read timeout bounds each socket
  read, not the response: a server sending one byte a second held a call for 42 s against a
  5 s budget. A :func:`watchdog` shuts the connection's socket down at the deadline, which
  ends a read blocked anywhere (status line, headers or body); the body is streamed here
  and the clock checked between reads too.
* **A size cap.** Nothing Bandwidth sends for one page comes near 10 MiB; a larger body is
  a wrong URL or a hostile server, and is refused while reading, not after buffering it.
* **No redirect but Bandwidth's 303, and only to the same origin.** ``requests`` follows a
  307 or 308 with the same method and body: a create's POST, hashes and all, went to
  whatever host the ``Location`` named. Only the documented 303 of a list GET is followed
  (by the paging code), and only to the scheme, host and port the request went to.
* **No retry of a TLS failure.** ``requests.exceptions.SSLError`` is a ``ConnectionError``,
  so it was retried as a network blip; a certificate that does not verify will not start
  verifying in the next second.

Messages name the method and the URL path (or, for TLS, the host), never a ``Location``,
a body or a query.
"""

from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError, SSLError

from bw_pulumi.api.errors import BandwidthApiError

MAX_RESPONSE_BYTES = 10 * 1024 * 1024
_READ_SIZE = 64 * 1024
#: The shortest socket timeout set for one read: a zero timeout would mean non-blocking.
_MIN_READ_TIMEOUT = 0.01


class ResponseDeadlineExceeded(requests.exceptions.ReadTimeout):
    """The response was not complete by its deadline. A ``Timeout``, so the transport retries
    it as it retries any timeout, within the call's time budget."""

    def __init__(self) -> None:
        super().__init__("the response did not complete within the time limit")


def read_body(
    response: requests.Response,
    deadline: float,
    clock: Callable[[], float],
    limit: int = MAX_RESPONSE_BYTES,
) -> None:
    """Read a streamed response's body into ``response.content`` by ``deadline`` (on
    ``clock``), at most ``limit`` bytes after decoding. Closes the response on a breach, so
    its connection is not reused half read. A response with no stream, or whose body was
    already read (a test double's), is left as it is."""
    if response.raw is None or response._content_consumed:  # type: ignore[attr-defined]
        return
    try:
        response._content = _read_limited(response, deadline, clock, limit)
    except BaseException:
        response.close()
        raise
    response.raw.release_conn()  # read to the end: the connection may serve the next call


def _read_limited(
    response: requests.Response, deadline: float, clock: Callable[[], float], limit: int
) -> bytes:
    """``read1`` returns what one socket read brings, so a dripping server cannot make one
    call block past the deadline, whose remainder is each read's socket timeout."""
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - clock()
        if remaining <= 0:
            raise ResponseDeadlineExceeded
        _limit_next_read(response, remaining)
        chunk = _read1(response)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise response_too_large(response, limit)
        chunks.append(chunk)


def _read1(response: requests.Response) -> bytes:
    """One read of the body, with urllib3's failures turned into ``requests``' own, as
    ``Response.iter_content`` does."""
    try:
        return bytes(response.raw.read1(_READ_SIZE, decode_content=True))
    except ReadTimeoutError:
        raise ResponseDeadlineExceeded from None
    except ProtocolError as error:
        raise requests.exceptions.ChunkedEncodingError(error) from None
    except DecodeError as error:
        raise requests.exceptions.ContentDecodingError(error) from None
    except SSLError as error:
        raise requests.exceptions.SSLError(error) from None


def _limit_next_read(response: requests.Response, remaining: float) -> None:
    """Bound the next socket read by the time left (a read timeout resets on every byte)."""
    connection = getattr(response.raw, "connection", None)
    sock = getattr(connection, "sock", None)
    if sock is not None:
        sock.settimeout(max(_MIN_READ_TIMEOUT, remaining))


# -- the watchdog ------------------------------------------------------------------------------


class Exchange:
    """One HTTP exchange under a watchdog: the connection it runs on, once known, and
    whether the watchdog fired."""

    def __init__(self) -> None:
        self.connection: HTTPConnection | None = None
        self.fired = False
        self.done = False
        self._lock = threading.Lock()

    def attach(self, connection: HTTPConnection) -> None:
        with self._lock:
            self.connection = connection
            if self.fired:  # the deadline passed before the response was even awaited
                _shut_down(connection)

    def abort(self) -> None:
        with self._lock:
            if self.done:
                return
            self.fired = True
            if self.connection is not None:
                _shut_down(self.connection)

    def finish(self) -> None:
        with self._lock:
            self.done = True


class _Watchdog:
    """One thread for the whole process that aborts exchanges past their deadline. A timer
    thread per request cost about 5 ms a call in start-up and GIL hand-offs; here a request
    costs a heap push, and the thread wakes only when the earliest deadline comes.
    Finished exchanges stay in the heap until they reach its top (lazy deletion)."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._heap: list[tuple[float, int, Exchange]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, exchange: Exchange, seconds: float) -> None:
        entry = (time.monotonic() + seconds, next(self._order), exchange)
        with self._wake:
            heapq.heappush(self._heap, entry)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="bw-pulumi-watchdog", daemon=True
                )
                self._thread.start()
            elif self._heap[0] is entry:
                self._wake.notify()

    def _run(self) -> None:
        with self._wake:
            while True:
                now = time.monotonic()
                while self._heap and (self._heap[0][0] <= now or self._heap[0][2].done):
                    heapq.heappop(self._heap)[2].abort()
                self._wake.wait(self._heap[0][0] - now if self._heap else None)


_WATCHDOG = _Watchdog()
_current = threading.local()


@contextmanager
def watchdog(seconds: float) -> Iterator[Exchange]:
    """Run one exchange on this thread; after ``seconds`` (real time) its socket is shut
    down, so whatever read is blocked ends at once. Needs a session with :func:`mount`."""
    exchange = Exchange()
    _current.exchange = exchange
    _WATCHDOG.watch(exchange, seconds)
    try:
        yield exchange
    finally:
        exchange.finish()
        _current.exchange = None


def _shut_down(connection: HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        with suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _attach(connection: HTTPConnection) -> None:
    exchange: Exchange | None = getattr(_current, "exchange", None)
    if exchange is not None:
        exchange.attach(connection)


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        _attach(self)
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        _attach(self)
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _WatchedAdapter(HTTPAdapter):
    """requests' adapter, with connections that tell the :func:`watchdog` about themselves."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:
        """The same through a proxy (``HTTPS_PROXY``): its manager makes its own pools."""
        manager = super().proxy_manager_for(*args, **kwargs)
        manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager


_WATCHED_POOLS: dict[str, type[HTTPConnectionPool]] = {
    "http": _WatchedHTTPPool,
    "https": _WatchedHTTPSPool,
}


def mount(session: requests.Session) -> requests.Session:
    """``session``, with its http and https connections watched (see :func:`watchdog`)."""
    session.mount("http://", _WatchedAdapter())
    session.mount("https://", _WatchedAdapter())
    return session


def response_too_large(response: requests.Response, limit: int) -> BandwidthApiError:
    return BandwidthApiError(
        f"{_where(response)}: the response was larger than {limit // (1024 * 1024)} MiB and was"
        " refused; check bandwidth:apiUrl (it should be Bandwidth's API)",
        status=response.status_code,
    )


def is_redirect(status: int) -> bool:
    return 300 <= status < 400


def redirect_error(response: requests.Response, setting: str) -> BandwidthApiError:
    """A redirect the client does not follow. The ``Location`` is not shown: it may carry a
    query with anything in it, and the user's fix is the URL they configured anyway."""
    return BandwidthApiError(
        f"{_where(response)} answered HTTP {response.status_code}, a redirect, which bw-pulumi"
        f" does not follow; {setting} may be wrong (it should be Bandwidth's API URL)",
        status=response.status_code,
    )


def see_other(response: requests.Response) -> str:
    """Where Bandwidth's 303 on a list GET points, resolved against the request's URL; only
    the same origin (scheme, host, port), so the credentials it carries go nowhere else."""
    asked = response.request.url or ""
    target = urljoin(asked, response.headers.get("Location", ""))
    if not response.headers.get("Location") or _origin(target) != _origin(asked):
        raise BandwidthApiError(
            f"{_where(response)} answered HTTP 303 to another origin, which bw-pulumi does not"
            " follow; check bandwidth:apiUrl",
            status=response.status_code,
        )
    return target


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    except ValueError:
        port = -1
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def tls_error(method: str, url: str, error: requests.exceptions.SSLError) -> BandwidthApiError:
    """A TLS failure, told once and not retried: what failed, for which host, what to check."""
    host = urlsplit(url).hostname or "?"
    if "CERTIFICATE_VERIFY_FAILED" in str(error):
        what = f"TLS certificate verification failed for {host}"
    else:
        what = f"the TLS handshake with {host} failed"
    return BandwidthApiError(
        f"{method} {_path(url)}: {what}; check that bandwidth:apiUrl/oauthUrl name Bandwidth's"
        " API, that no proxy intercepts TLS, and that the system's CA certificates (or"
        " REQUESTS_CA_BUNDLE) are current"
    )


def _where(response: requests.Response) -> str:
    return f"{response.request.method} {_path(response.request.url or '')}"


def _path(url: str) -> str:
    return urlsplit(url).path or url
