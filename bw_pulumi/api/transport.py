"""The one module that speaks HTTP to Bandwidth: auth, retries, timeouts and errors.

Each resource's API module (``bw_pulumi.resources.<resource>.api`` and the like) builds
URLs and bodies; every request goes through :meth:`Transport.call`, which returns the response or
raises :class:`~bw_pulumi.api.errors.BandwidthApiError`, whose text never contains a password,
a hash or an API secret. Thread-safe: each thread gets its own ``requests.Session``.

What it logs (logger ``bw_pulumi``): every retry with the status and the wait, and every
rate-limit pause (WARNING); every OAuth2 token fetch (INFO). Log lines name methods and URL
paths only. Bandwidth's rate limits pause every thread of the process at once:
:mod:`bw_pulumi.api.rate_limit`.
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import quote, urlsplit

import requests
from requests.exceptions import ChunkedEncodingError

from bw_pulumi.api import xml as wire
from bw_pulumi.api.auth import Auth, basic_header
from bw_pulumi.api.errors import BandwidthApiError, InvalidInputError, scrub, scrub_entry
from bw_pulumi.api.http_guard import (
    ResponseDeadlineExceeded,
    is_redirect,
    mount,
    read_body,
    redirect_error,
    tls_error,
    watchdog,
)
from bw_pulumi.api.rate_limit import PROCESS_GATE, RateLimitGate, RateLimitWait, endpoint_of
from bw_pulumi.api.retry import (
    IDEMPOTENT_RETRY,
    RetryPolicy,
    is_retryable_status,
    may_retry,
    next_delay,
)

DEFAULT_API_URL = "https://api.bandwidth.com/api"
DEFAULT_TOKEN_URL = "https://api.bandwidth.com/api/v1/oauth2/token"  # noqa: S105 (a URL)

_USER_AGENT = "bw-pulumi"
#: URL path segments that HTTP clients resolve away (RFC 3986 5.2.4): ``requests`` sends
#: ``/sipcredentials/..`` as ``/accounts/{id}/``, so such a value must never be a segment.
DOT_SEGMENTS = ("", ".", "..")
_log = logging.getLogger("bw_pulumi")

T = TypeVar("T")


@dataclass(frozen=True)
class ClientSettings:
    account_id: str
    auth: Auth = field(repr=False)
    api_url: str = DEFAULT_API_URL


@dataclass(frozen=True)
class Absent:
    """When a 404 means "no such thing" (the call returns None) rather than an error.

    ``codes``: a 404 carrying one of these Bandwidth codes. ``envelope``: any 404 in
    Bandwidth's XML envelope (``ResponseStatus``), with or without a code: the live realms
    API answers so for a realm or credential that does not exist. A 404 that is not
    Bandwidth's XML (a proxy, a wrong API URL) is never "absent".
    """

    codes: tuple[str, ...] = ()
    envelope: bool = False

    def matches(self, error: BandwidthApiError) -> bool:
        return error.status == 404 and (
            error.has_code(*self.codes) or (self.envelope and error.has_envelope)
        )


NEVER_ABSENT = Absent()


class Transport:
    """Authenticated, retried XML requests to one Bandwidth account."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        policy: RetryPolicy | None = None,
        session_factory: Callable[[], requests.Session] = requests.Session,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
        wall_clock: Callable[[], float] = time.time,
        gate: RateLimitGate = PROCESS_GATE,
    ) -> None:
        """``clock`` (monotonic) times budgets; ``wall_clock`` (epoch seconds) reads
        Bandwidth's rate-limit resets; ``gate`` is shared by the whole process."""
        self.settings = settings
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.clock = clock
        self._session_factory = session_factory
        self._jitter = jitter
        self.wall_clock = wall_clock
        self.gate = gate
        self._local = threading.local()

    def account_url(self, *segments: str, safe: str = "") -> str:
        """``{api}/accounts/{account}/seg/...``; each segment percent-encoded, keeping the
        characters in ``safe`` (the account id keeps none). A dot-segment (``.``, ``..``)
        or an empty segment is refused here, the one place URLs are built, whatever its
        source (state, import, an API reply): ``requests`` would resolve it away."""
        validate_path_segment("bandwidth:accountId", self.settings.account_id)
        for segment in segments:
            validate_path_segment("id", segment)
        path = "/".join(
            [quote(self.settings.account_id, safe=""), *(quote(s, safe=safe) for s in segments)]
        )
        return f"{self.settings.api_url.rstrip('/')}/accounts/{path}"

    def call(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        retry_also: frozenset[int] = frozenset(),
        accept: tuple[int, ...] = (200, 201, 202, 204),
        absent: Absent = NEVER_ABSENT,
        hashes: tuple[str, ...] = (),
    ) -> requests.Response | None:
        """An authenticated API call under one time budget; a 401 renews the token once.

        Returns None for a 404 that ``absent`` recognises. A response in ``accept`` whose
        body still holds ``ResponseStatus/ErrorCode`` is a failure, not a result.
        """
        deadline = self.clock() + self.policy.total_budget
        headers = {"Accept": "application/xml", "User-Agent": _USER_AGENT}
        if body is not None:
            headers["Content-Type"] = wire.XML_CONTENT_TYPE
        response = self._send(method, url, headers, body, retry_also, deadline, authenticate=True)
        if response.status_code == 401 and self.settings.auth.invalidate(_sent_auth(response)):
            _log.info("%s %s: HTTP 401, fetching a new OAuth2 token once", method, _path(url))
            response = self._send(
                method, url, headers, body, retry_also, deadline, authenticate=True
            )
        if response.status_code in accept:
            if response.content and wire.holds_error_code(response.content):
                raise self.error(response, hashes)
            return response
        if is_redirect(response.status_code):
            raise redirect_error(response, "bandwidth:apiUrl")
        error = self.error(response, hashes)
        if absent.matches(error):
            return None
        raise error

    def decode(self, response: requests.Response, decoder: Callable[[bytes], T]) -> T:
        try:
            return decoder(response.content)
        except wire.WireFormatError as error:
            raise BandwidthApiError(
                f"{_where(response)}: unexpected response from Bandwidth: {error}",
                status=response.status_code,
            ) from None

    def error(self, response: requests.Response, hashes: tuple[str, ...]) -> BandwidthApiError:
        """The exception for a failed response. Only Bandwidth's own text is scrubbed: it
        may echo the hashes we sent; the rest of the message is built from non-secrets."""
        secrets = self.secrets(hashes)
        try:
            detail = wire.decode_error(response.content)
        except wire.WireFormatError:
            detail = wire.ApiErrorDetail((), "", (), has_envelope=False)
            description = f"the response body was not Bandwidth's XML ({_content_type(response)})"
        else:
            description = scrub(detail.description, secrets) or "no description"
        codes = f" [{', '.join(detail.codes)}]" if detail.codes else ""
        return BandwidthApiError(
            f"{_where(response)} failed with HTTP {response.status_code}{codes}: {description}"
            + _hint(response),
            status=response.status_code,
            codes=detail.codes,
            description=description,
            entries=tuple(scrub_entry(entry, secrets) for entry in detail.entries),
            has_envelope=detail.has_envelope,
        )

    def secrets(self, hashes: tuple[str, ...] = ()) -> tuple[str, ...]:
        """Every value that must be scrubbed from Bandwidth's text."""
        return (*hashes, *self.settings.auth.secrets())

    # -- HTTP core -------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes | None,
        retry_also: frozenset[int],
        deadline: float,
        *,
        authenticate: bool,
    ) -> requests.Response:
        """One logical request with bounded, jittered retries of the retry-safe outcomes."""
        attempt = 1
        limits = self._rate_limits(method, url)
        while True:
            deadline += limits.wait()  # time spent paused for a rate limit is not retrying
            if authenticate:
                headers = {**headers, "Authorization": self._authorization()}
            retry_after = None
            try:
                response = self._exchange(method, url, headers, body, deadline)
            except requests.exceptions.SSLError as error:
                raise tls_error(method, url, error) from None
            except _RETRYABLE_FAILURES as error:
                failure: requests.Response | str = _failure_name(error)
            except requests.RequestException as error:
                raise BandwidthApiError(
                    f"{method} {_path(url)}: request failed ({type(error).__name__})"
                ) from None
            else:
                if not is_retryable_status(response.status_code, retry_also):
                    return response
                if limits.hit(response):  # a 429 naming its reset: wait above, then resend
                    continue
                failure, retry_after = response, response.headers.get("Retry-After")
            delay = next_delay(attempt, retry_after, self.policy, self._jitter())
            remaining = deadline - self.clock()
            if not may_retry(attempt, remaining, delay, self.policy):
                if isinstance(failure, requests.Response):
                    return failure
                raise BandwidthApiError(
                    f"{method} {_path(url)}: no response from Bandwidth after {attempt}"
                    f" attempt(s) ({failure}); check the API URL and the network"
                )
            _log.warning(
                "%s %s: %s; retrying in %.1f s (attempt %d of %d)",
                method,
                _path(url),
                _outcome(failure),
                delay,
                attempt + 1,
                self.policy.max_attempts,
            )
            self.sleep(delay)
            attempt += 1

    def _exchange(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None, deadline: float
    ) -> requests.Response:
        """One HTTP request and its whole response, by the earlier of the call's deadline and
        ``read_timeout`` from now (so a stalled attempt leaves time for a retry), within the
        size cap, and with no redirect followed: see :mod:`bw_pulumi.api.http_guard`."""
        attempt_deadline = min(deadline, self.clock() + self.policy.read_timeout)
        remaining = attempt_deadline - self.clock()
        if remaining <= 0:
            raise ResponseDeadlineExceeded
        with watchdog(remaining) as exchange:
            try:
                response = self._session().request(
                    method,
                    url,
                    headers=headers,
                    data=body,
                    timeout=(min(self.policy.connect_timeout, remaining), remaining),
                    allow_redirects=False,
                    stream=True,
                )
                read_body(response, attempt_deadline, self.clock)
            except requests.RequestException:
                if not exchange.fired:
                    raise
            if exchange.fired:  # the socket was shut down: whatever was read is cut short
                raise ResponseDeadlineExceeded from None
        return response

    def _rate_limits(self, method: str, url: str) -> RateLimitWait:
        policy = self.policy
        return RateLimitWait(
            self.gate,
            method,
            endpoint_of(url),
            policy.rate_limit_wait,
            self.wall_clock,
            self.sleep,
            policy.max_rate_limit_rounds,
        )

    def _authorization(self) -> str:
        return self.settings.auth.header(self._fetch_token, self.clock())

    def _fetch_token(self, token_url: str, client_id: str, client_secret: str) -> tuple[str, float]:
        _log.info("fetching an OAuth2 token from %s", _path(token_url))
        headers = {
            "Authorization": basic_header(client_id, client_secret),
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "User-Agent": _USER_AGENT,
        }
        body = b"grant_type=client_credentials"
        deadline = self.clock() + self.policy.total_budget
        response = self._send(
            "POST", token_url, headers, body, frozenset(), deadline, authenticate=False
        )
        if is_redirect(response.status_code):
            raise redirect_error(response, "bandwidth:oauthUrl")
        if response.status_code != 200:
            raise BandwidthApiError(
                f"OAuth2 token request to {_path(token_url)} failed with HTTP"
                f" {response.status_code}; check bandwidth:clientId and bandwidth:clientSecret",
                status=response.status_code,
            )
        return _parse_token(response)

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = mount(self._session_factory())
            self._local.session = session
        return session


def strict_call(
    transport: Transport,
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    retry_also: frozenset[int] = frozenset(),
    accept: tuple[int, ...] = (200, 201, 202, 204),
    hashes: tuple[str, ...] = (),
) -> requests.Response:
    """A call whose every failure raises (no 404 counts as "absent"). A PUT also retries a
    500: it replaces, so sending it again is safe
    (:data:`~bw_pulumi.api.retry.IDEMPOTENT_RETRY`)."""
    if method == "PUT":
        retry_also = retry_also | IDEMPOTENT_RETRY
    response = transport.call(
        method, url, body=body, retry_also=retry_also, accept=accept, hashes=hashes
    )
    assert response is not None  # nothing is "absent": every failure raised
    return response


def validate_path_segment(field: str, value: str) -> None:
    """A value that becomes one segment of a URL path: never empty, ``.`` or ``..``, which
    a client would drop or climb (so a DELETE of ``..`` would reach the account's URL)."""
    if value in DOT_SEGMENTS:
        raise InvalidInputError(
            field,
            f"{value!r} cannot be part of a URL path (empty, '.' and '..' are dropped or"
            " climb a level); check the resource's id",
        )


_RETRYABLE_FAILURES = (requests.ConnectionError, requests.Timeout, ChunkedEncodingError)
_TOKEN = re.compile(r"[A-Za-z0-9._~+/=-]+")


def _failure_name(error: Exception) -> str:
    """How a retried failure is named in messages: ours say what happened."""
    return str(error) if isinstance(error, ResponseDeadlineExceeded) else type(error).__name__


def _parse_token(response: requests.Response) -> tuple[str, float]:
    """The access token and its lifetime; a malformed token is refused, never echoed."""
    try:
        payload = json.loads(response.content)
        token, expires_in = payload["access_token"], float(payload.get("expires_in", 3600))
    except (ValueError, KeyError, TypeError):
        raise BandwidthApiError("OAuth2 token response was not the expected JSON") from None
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise BandwidthApiError("OAuth2 token response carried a malformed access token")
    return token, expires_in


def _hint(response: requests.Response) -> str:
    """What a user can do about a failure, by status."""
    status = response.status_code
    if status == 401:
        return (
            "; check the API credentials (bandwidth:clientId/clientSecret, or"
            " bandwidth:apiUsername/apiPassword)"
        )
    if status == 403:
        return "; check bandwidth:accountId and that the API credentials may manage it"
    if status == 429:
        after = response.headers.get("Retry-After")
        return "; Bandwidth is rate limiting" + (f" (retry after {after} s)" if after else "")
    if status >= 500:
        return "; Bandwidth had a server error: try again later"
    return ""


def _outcome(failure: requests.Response | str) -> str:
    if isinstance(failure, str):
        return f"no response ({failure})"
    return f"HTTP {failure.status_code}"


def _sent_auth(response: requests.Response) -> str:
    return str(response.request.headers.get("Authorization", ""))


def _where(response: requests.Response) -> str:
    return f"{response.request.method} {_path(response.request.url or '')}"


def _path(url: str) -> str:
    """The URL's path only: no host, no query."""
    return urlsplit(url).path or url


def _content_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "no content type") or "no content type"
