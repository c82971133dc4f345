"""The one module that speaks HTTP to Bandwidth: auth, retries, timeouts and errors.

Every operation returns records from :mod:`bw_pulumi.models` or raises
:class:`~bw_pulumi.errors.BandwidthApiError`, whose text never contains a password, a hash
or an API secret. Thread-safe: each thread gets its own ``requests.Session``.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar
from urllib.parse import quote, urlencode, urlsplit

import requests

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
        response = self._call(
            "POST",
            self._credentials_url(),
            body=wire.encode_create(credentials),
            retry_also=frozenset({500}),
            accept=(200, 201, 400),
            hashes=_hashes_of(credentials),
        )
        try:
            result = wire.decode_bulk_create(response.content)
        except wire.WireFormatError as error:
            raise self._error(response, str(error), _hashes_of(credentials)) from None
        if response.status_code == 400 and not result.errors:
            raise self._error(response, "create refused", _hashes_of(credentials))
        return self._adopt_duplicates(credentials, result)

    def create_credential(self, credential: Credential) -> Credential:
        """Create one credential; raise with Bandwidth's reason when it is refused."""
        result = self.create_credentials([credential])
        for created in result.created:
            if same_composite(created.composite_username, credential.composite_username):
                return created
        reasons = result.errors or (
            EntryError("", "not in the API's list of created entries", None),
        )
        codes = tuple(error.code for error in reasons if error.code)
        description = "; ".join(error.description for error in reasons)
        secrets = (credential.hash1, credential.hash1b)
        raise BandwidthApiError(
            scrub(
                f"Bandwidth refused to create SIP credential {credential.composite_username!r}"
                f" [{', '.join(codes) or 'no code'}]: {description}",
                secrets,
            ),
            status=201 if result.created else 400,
            codes=codes,
            description=scrub(description, secrets),
            entries=tuple(_scrub_entry(error, secrets) for error in reasons),
        )

    def get_credential(self, composite_username: str) -> Credential | None:
        """The credential, or None when Bandwidth has no credential by that name."""
        response = self._call("GET", self._credential_url(composite_username), accept=(200, 404))
        if response.status_code == 404:
            return None
        return self._decode(response, wire.decode_credential)

    def list_credentials(
        self, *, user_name_fragment: str | None = None, domain_fragment: str | None = None
    ) -> list[Credential]:
        """Every credential on the account, following Bandwidth's 303 and ``Links/next``."""
        return list(self._iter_credentials(user_name_fragment, domain_fragment))

    def update_credential(self, credential: Credential) -> None:
        """Replace hashes, realm and voice app id. The composite username is the key."""
        secrets = (credential.hash1, credential.hash1b)
        self._call(
            "PUT",
            self._credential_url(credential.composite_username),
            body=wire.encode_update(credential),
            hashes=secrets,
        )

    def delete_credential(self, composite_username: str) -> bool:
        """Delete; False when it was already gone (which is what the caller wanted)."""
        response = self._call(
            "DELETE", self._credential_url(composite_username), accept=(200, 202, 204, 404)
        )
        return response.status_code != 404

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
        return BulkCreateResult(created=tuple(created), errors=tuple(errors))

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
        query = {
            key: value
            for key, value in (
                ("userNamefragment", user_name_fragment),
                ("domainfragment", domain_fragment),
            )
            if value
        }
        url: str | None = self._credentials_url() + (f"?{urlencode(query)}" if query else "")
        seen: set[str] = set()
        while url is not None and len(seen) < _MAX_PAGES:
            seen.add(url)
            response = self._call("GET", url, accept=(200, 404))
            if response.status_code == 404:
                self._raise_unless_code(response, CODE_NO_CREDENTIALS)
                return
            page = self._decode(response, wire.decode_page)
            yield from page.credentials
            url = self._checked_next(page.next_url, seen)

    def _checked_next(self, next_url: str | None, seen: set[str]) -> str | None:
        """Follow a next link only to our own API host (it carries our credentials)."""
        if next_url is None or next_url in seen:
            return None
        if urlsplit(next_url).netloc != urlsplit(self._settings.api_url).netloc:
            raise BandwidthApiError(
                f"refusing to follow a pagination link to another host: "
                f"{urlsplit(next_url).netloc!r}"
            )
        return next_url

    def _raise_unless_code(self, response: requests.Response, code: str) -> None:
        error = self._error(response, "request failed", ())
        if code not in error.codes:
            raise error

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
        hashes: tuple[str, ...] = (),
    ) -> requests.Response:
        """An authenticated API call; a 401 fetches a new OAuth token once."""
        headers = {"Accept": "application/xml", "User-Agent": _USER_AGENT}
        if body is not None:
            headers["Content-Type"] = wire.XML_CONTENT_TYPE
        response = self._send(method, url, headers, body, retry_also, authenticate=True)
        if response.status_code == 401 and self._settings.auth.invalidate():
            response = self._send(method, url, headers, body, retry_also, authenticate=True)
        if response.status_code not in accept:
            raise self._error(response, "request failed", hashes)
        return response

    def _send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes | str | None,
        retry_also: frozenset[int],
        *,
        authenticate: bool,
    ) -> requests.Response:
        """One logical request with bounded, jittered retries of the retry-safe outcomes."""
        started = self._clock()
        attempt = 1
        while True:
            if authenticate:
                headers = {**headers, "Authorization": self._authorization()}
            try:
                response = self._session().request(
                    method,
                    url,
                    headers=headers,
                    data=body,
                    timeout=(self._policy.connect_timeout, self._policy.read_timeout),
                )
            except (requests.ConnectionError, requests.Timeout) as error:
                failure: requests.Response | str = type(error).__name__
                retry_after = None
            else:
                if not is_retryable_status(response.status_code, retry_also):
                    return response
                failure, retry_after = response, response.headers.get("Retry-After")
            delay = next_delay(attempt, retry_after, self._policy, self._jitter())
            if not may_retry(attempt, self._clock() - started, delay, self._policy):
                return self._give_up(method, url, failure, attempt)
            self._sleep(delay)
            attempt += 1

    def _give_up(
        self, method: str, url: str, failure: requests.Response | str, attempts: int
    ) -> requests.Response:
        if isinstance(failure, requests.Response):
            return failure
        raise BandwidthApiError(
            f"{method} {_path(url)}: no response from Bandwidth after {attempts} attempt(s)"
            f" ({failure}); check the API URL and the network"
        )

    def _authorization(self) -> str:
        return self._settings.auth.header(self._fetch_token, self._clock())

    def _fetch_token(self, token_url: str, client_id: str, client_secret: str) -> tuple[str, float]:
        headers = {
            "Authorization": basic_header(client_id, client_secret),
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "User-Agent": _USER_AGENT,
        }
        response = self._send(
            "POST",
            token_url,
            headers,
            "grant_type=client_credentials",
            frozenset(),
            authenticate=False,
        )
        if response.status_code != 200:
            raise BandwidthApiError(
                f"OAuth2 token request to {_path(token_url)} failed with HTTP"
                f" {response.status_code}; check the client id and client secret",
                status=response.status_code,
            )
        try:
            payload = json.loads(response.content)
            return str(payload["access_token"]), float(payload.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise BandwidthApiError(
                "OAuth2 token response was not the expected JSON", status=response.status_code
            ) from None

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
            raise self._error(response, f"unexpected response: {error}", ()) from None

    def _error(
        self, response: requests.Response, summary: str, hashes: tuple[str, ...]
    ) -> BandwidthApiError:
        """Build the scrubbed exception for a failed response."""
        secrets = (*hashes, *self._settings.auth.secrets())
        request = response.request
        where = f"{request.method} {_path(request.url or '')}"
        try:
            detail = wire.decode_error(response.content)
        except wire.WireFormatError:
            detail = wire.ApiErrorDetail((), "", ())
            description = f"the response body was not Bandwidth's XML ({_content_type(response)})"
        else:
            description = detail.description or summary
        message = f"{where} failed with HTTP {response.status_code}"
        if detail.codes:
            message += f" [{', '.join(detail.codes)}]"
        return BandwidthApiError(
            scrub(f"{message}: {description}", secrets),
            status=response.status_code,
            codes=detail.codes,
            description=scrub(description, secrets),
            entries=tuple(_scrub_entry(entry, secrets) for entry in detail.entries),
        )


def _hashes_of(credentials: Sequence[Credential]) -> tuple[str, ...]:
    return tuple(h for c in credentials for h in (c.hash1, c.hash1b))


def _scrub_entry(entry: EntryError, secrets: tuple[str, ...]) -> EntryError:
    return replace(entry, description=scrub(entry.description, secrets))


def _path(url: str) -> str:
    """The URL's path only: no host, no query (a query never carries secrets, but be terse)."""
    return urlsplit(url).path or url


def _content_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "no content type") or "no content type"
