"""The one module that speaks HTTP to Bandwidth: auth, retries, timeouts and errors.

Every operation returns records from :mod:`bw_pulumi.models` or raises
:class:`~bw_pulumi.errors.BandwidthApiError`, whose text never contains a password, a hash
or an API secret. Thread-safe: each thread gets its own ``requests.Session``.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar
from urllib.parse import quote, urlencode, urlsplit

import requests
from requests.exceptions import ChunkedEncodingError

from bw_pulumi import wire
from bw_pulumi.auth import Auth, basic_header
from bw_pulumi.domain import same_composite
from bw_pulumi.errors import BandwidthApiError, scrub
from bw_pulumi.models import BulkCreateResult, Credential, EntryError
from bw_pulumi.retry import RetryPolicy, is_retryable_status, may_retry, next_delay

DEFAULT_API_URL = "https://api.bandwidth.com/api"
DEFAULT_TOKEN_URL = "https://api.bandwidth.com/api/v1/oauth2/token"  # noqa: S105 (a URL)

CODE_ALREADY_EXISTS = "23009"
CODE_NOT_FOUND = "23007"
CODE_NO_CREDENTIALS = "23008"

# Characters a composite username may carry that are safe unescaped in a path segment.
_PATH_SAFE = "@!$&*+=~"
_MAX_PAGES = 10_000
_USER_AGENT = "bw-pulumi"

T = TypeVar("T")


@dataclass(frozen=True)
class ClientSettings:
    account_id: str
    auth: Auth = field(repr=False)
    api_url: str = DEFAULT_API_URL


class BandwidthClient:
    """Account-level SIP credential operations."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        policy: RetryPolicy | None = None,
        session_factory: Callable[[], requests.Session] = requests.Session,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._settings = settings
        self._policy = policy or RetryPolicy()
        self._session_factory = session_factory
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._local = threading.local()

    # -- credential operations -------------------------------------------------------------

    def create_credentials(self, credentials: Sequence[Credential]) -> BulkCreateResult:
        """Bulk create. Entries refused as duplicates are adopted when the existing credential
        already holds exactly the hashes we sent: that is our own earlier create whose
        response was lost, so the retry must not surface as an error."""
        hashes = _hashes_of(credentials)
        response = self._call(
            "POST",
            self._credentials_url(),
            body=wire.encode_create(credentials),
            retry_also=frozenset({500}),
            accept=(200, 201, 400),
            hashes=hashes,
        )
        assert response is not None  # no absent_codes: every failure raised
        result = self._decode(response, wire.decode_bulk_create)
        if response.status_code == 400 and not result.errors:
            raise self._error(response, hashes)
        result = replace(result, http_status=response.status_code)
        return self._adopt_duplicates(credentials, result)

    def create_credential(self, credential: Credential) -> Credential:
        """Create one credential; raise with Bandwidth's reason when it is refused."""
        result = self.create_credentials([credential])
        for created in result.created:
            if same_composite(created.composite_username, credential.composite_username):
                return created
        missing = EntryError("", "not in the API's list of created entries", None)
        reasons = result.errors or (missing,)
        codes = tuple(error.code for error in reasons if error.code)
        description = "; ".join(error.description for error in reasons)
        raise BandwidthApiError(
            f"Bandwidth refused to create SIP credential {credential.composite_username!r}"
            f" [{', '.join(codes) or 'no code'}]: {description}",
            status=result.http_status,
            codes=codes,
            description=description,
            entries=reasons,
        )

    def get_credential(self, composite_username: str) -> Credential | None:
        """The credential, or None when Bandwidth says it has none by that name (23007)."""
        response = self._call(
            "GET", self._credential_url(composite_username), absent_codes=(CODE_NOT_FOUND,)
        )
        return None if response is None else self._decode(response, wire.decode_credential)

    def list_credentials(
        self, *, user_name_fragment: str | None = None, domain_fragment: str | None = None
    ) -> list[Credential]:
        """Every credential on the account, following Bandwidth's 303 and ``Links/next``."""
        return list(self._iter_credentials(user_name_fragment, domain_fragment))

    def update_credential(self, credential: Credential) -> None:
        """Replace hashes, realm and voice app id. The composite username is the key."""
        self._call(
            "PUT",
            self._credential_url(credential.composite_username),
            body=wire.encode_update(credential),
            hashes=_hashes_of([credential]),
        )

    def delete_credential(self, composite_username: str) -> bool:
        """Delete; False when it was already gone (which is what the caller wanted)."""
        response = self._call(
            "DELETE", self._credential_url(composite_username), absent_codes=(CODE_NOT_FOUND,)
        )
        return response is not None

    # -- helpers for the operations ------------------------------------------------------------

    def _adopt_duplicates(
        self, sent: Sequence[Credential], result: BulkCreateResult
    ) -> BulkCreateResult:
        created = list(result.created)
        errors = []
        for error in result.errors:
            adopted = self._adoptable(sent, error)
            if adopted is None:
                errors.append(_scrub_entry(error, _hashes_of(sent)))
            else:
                created.append(adopted)
        return replace(result, created=tuple(created), errors=tuple(errors))

    def _adoptable(self, sent: Sequence[Credential], error: EntryError) -> Credential | None:
        if error.code != CODE_ALREADY_EXISTS or error.composite_username is None:
            return None
        wanted = next(
            (c for c in sent if same_composite(c.composite_username, error.composite_username)),
            None,
        )
        if wanted is None:
            return None
        existing = self.get_credential(wanted.composite_username)
        if existing is not None and existing.same_hashes(wanted):
            return existing
        return None

    def _iter_credentials(
        self, user_name_fragment: str | None, domain_fragment: str | None
    ) -> Iterator[Credential]:
        filters = [
            (key, value)
            for key, value in (
                ("userNamefragment", user_name_fragment),
                ("domainfragment", domain_fragment),
            )
            if value
        ]
        query: str | None = urlencode(filters)
        seen: set[str] = set()
        while query is not None and query not in seen and len(seen) < _MAX_PAGES:
            seen.add(query)
            url = self._credentials_url() + (f"?{query}" if query else "")
            response = self._call("GET", url, absent_codes=(CODE_NO_CREDENTIALS,))
            if response is None:
                return
            page = self._decode(response, wire.decode_page)
            yield from page.credentials
            query = urlsplit(page.next_url).query if page.next_url else None

    def _credentials_url(self) -> str:
        account = quote(self._settings.account_id, safe="")
        return f"{self._settings.api_url.rstrip('/')}/accounts/{account}/sipcredentials"

    def _credential_url(self, composite_username: str) -> str:
        return f"{self._credentials_url()}/{quote(composite_username, safe=_PATH_SAFE)}"

    # -- HTTP core -------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        retry_also: frozenset[int] = frozenset(),
        accept: tuple[int, ...] = (200, 201, 202, 204),
        absent_codes: tuple[str, ...] = (),
        hashes: tuple[str, ...] = (),
    ) -> requests.Response | None:
        """An authenticated API call under one time budget; a 401 renews the token once.

        A 404 carrying one of ``absent_codes`` means "no such thing" and returns None; any
        other 404 (a wrong API URL, a proxy) is an error, never mistaken for a deletion.
        """
        deadline = self._clock() + self._policy.total_budget
        headers = {"Accept": "application/xml", "User-Agent": _USER_AGENT}
        if body is not None:
            headers["Content-Type"] = wire.XML_CONTENT_TYPE
        response = self._send(method, url, headers, body, retry_also, deadline, authenticate=True)
        if response.status_code == 401 and self._settings.auth.invalidate(_sent_auth(response)):
            response = self._send(
                method, url, headers, body, retry_also, deadline, authenticate=True
            )
        if response.status_code in accept:
            return response
        error = self._error(response, hashes)
        if response.status_code == 404 and any(code in error.codes for code in absent_codes):
            return None
        raise error

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
        while True:
            if authenticate:
                headers = {**headers, "Authorization": self._authorization()}
            retry_after = None
            try:
                response = self._session().request(
                    method,
                    url,
                    headers=headers,
                    data=body,
                    timeout=(self._policy.connect_timeout, self._policy.read_timeout),
                )
            except _RETRYABLE_FAILURES as error:
                failure: requests.Response | str = type(error).__name__
            except requests.RequestException as error:
                raise BandwidthApiError(
                    f"{method} {_path(url)}: request failed ({type(error).__name__})"
                ) from None
            else:
                if not is_retryable_status(response.status_code, retry_also):
                    return response
                failure, retry_after = response, response.headers.get("Retry-After")
            delay = next_delay(attempt, retry_after, self._policy, self._jitter())
            remaining = deadline - self._clock()
            if not may_retry(attempt, remaining, delay, self._policy):
                if isinstance(failure, requests.Response):
                    return failure
                raise BandwidthApiError(
                    f"{method} {_path(url)}: no response from Bandwidth after {attempt}"
                    f" attempt(s) ({failure}); check the API URL and the network"
                )
            self._sleep(delay)
            attempt += 1

    def _authorization(self) -> str:
        return self._settings.auth.header(self._fetch_token, self._clock())

    def _fetch_token(self, token_url: str, client_id: str, client_secret: str) -> tuple[str, float]:
        headers = {
            "Authorization": basic_header(client_id, client_secret),
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "User-Agent": _USER_AGENT,
        }
        body = b"grant_type=client_credentials"
        deadline = self._clock() + self._policy.total_budget
        response = self._send(
            "POST", token_url, headers, body, frozenset(), deadline, authenticate=False
        )
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
            session = self._session_factory()
            self._local.session = session
        return session

    def _decode(self, response: requests.Response, decoder: Callable[[bytes], T]) -> T:
        try:
            return decoder(response.content)
        except wire.WireFormatError as error:
            raise BandwidthApiError(
                f"{_where(response)}: unexpected response from Bandwidth: {error}",
                status=response.status_code,
            ) from None

    def _error(self, response: requests.Response, hashes: tuple[str, ...]) -> BandwidthApiError:
        """The exception for a failed response. Only Bandwidth's own text is scrubbed: it
        may echo the hashes we sent; the rest of the message is built from non-secrets."""
        secrets = (*hashes, *self._settings.auth.secrets())
        try:
            detail = wire.decode_error(response.content)
        except wire.WireFormatError:
            detail = wire.ApiErrorDetail((), "", ())
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
            entries=tuple(_scrub_entry(entry, secrets) for entry in detail.entries),
        )


_RETRYABLE_FAILURES = (requests.ConnectionError, requests.Timeout, ChunkedEncodingError)
_TOKEN = re.compile(r"[A-Za-z0-9._~+/=-]+")


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


def _hashes_of(credentials: Sequence[Credential]) -> tuple[str, ...]:
    return tuple(h for c in credentials for h in (c.hash1, c.hash1b))


def _scrub_entry(entry: EntryError, secrets: tuple[str, ...]) -> EntryError:
    return replace(entry, description=scrub(entry.description, secrets))


def _sent_auth(response: requests.Response) -> str:
    return str(response.request.headers.get("Authorization", ""))


def _where(response: requests.Response) -> str:
    return f"{response.request.method} {_path(response.request.url or '')}"


def _path(url: str) -> str:
    """The URL's path only: no host, no query."""
    return urlsplit(url).path or url


def _content_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "no content type") or "no content type"
