"""What the ``live`` tests share: a session that records each exchange, a clean-up list that
runs even when a test fails, and a bounded wait.

The recording keeps methods, URLs, statuses and only the bodies of failed reads (Bandwidth's
404 envelope): a write's body holds hashes, and a test must never print one."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest
import requests

from tests.support.fixtures import RecordingSleeper
from tests.support.live import LiveApi

from bw_pulumi.api.errors import BandwidthApiError
from bw_pulumi.resources.client import BandwidthClient

T = TypeVar("T")

#: Against Bandwidth: the most a test waits for a realm to become ACTIVE or to go away
#: (the provider's own default, ``bandwidth:realmWaitSeconds``), and how often it asks.
LIVE_WAIT_SECONDS = 300.0
LIVE_POLL_SECONDS = 2.0
#: Optional: the Network Bridge realm FQDN account-level credentials are created in.
REALM_VARIABLE = "BW_LIVE_REALM"


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its answer, without anything secret."""

    method: str
    url: str
    status: int
    location: str | None
    content_type: str
    #: The answer to a failed GET (an error envelope), else None: never a write's or a read's.
    failed_read: requests.Response | None = field(default=None, repr=False, compare=False)
    #: Whether the request body carried these elements (the body itself is not kept).
    sent_elements: frozenset[str] = frozenset()

    @property
    def error_body(self) -> bytes:
        """The failed read's body (read by the client by now), else empty."""
        return b"" if self.failed_read is None else self.failed_read.content

    @property
    def path_and_query(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")


_WATCHED_ELEMENTS = ("UserName", "RealmId", "Domain", "Hash1", "Hash1b")


class RecordingSession(requests.Session):
    """A ``requests.Session`` that notes each API exchange in ``log`` (the token endpoint's
    too: its body is never kept)."""

    def __init__(self, log: list[Exchange]) -> None:
        super().__init__()
        self._log = log

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        response = super().request(method, url, *args, **kwargs)
        data = kwargs.get("data")
        sent = data if isinstance(data, bytes) else b""
        elements = frozenset(e for e in _WATCHED_ELEMENTS if f"<{e}>".encode() in sent)
        failed_read = str(method).upper() == "GET" and response.status_code >= 400
        self._log.append(
            Exchange(
                method=str(method).upper(),
                url=str(url),
                status=response.status_code,
                location=response.headers.get("Location"),
                content_type=response.headers.get("Content-Type", ""),
                failed_read=response if failed_read else None,
                sent_elements=elements,
            )
        )
        return response


@dataclass
class LiveClient:
    """A client of ``live_api`` and what it saw: the exchanges, the waits."""

    api: BandwidthClient
    exchanges: list[Exchange]
    #: How the test waits: recorded (never slept) against the sandbox, real against Bandwidth.
    sleep: Callable[[float], None]

    def last(self, method: str, path_part: str = "") -> Exchange:
        """The most recent exchange of ``method`` whose URL contains ``path_part``."""
        for exchange in reversed(self.exchanges):
            if exchange.method == method and path_part in exchange.url:
                return exchange
        raise AssertionError(f"no {method} request to a URL containing {path_part!r} was sent")


def live_client(live_api: LiveApi) -> LiveClient:
    """Against the sandbox every wait (the client's retries, the test's polls) is recorded,
    never slept; against Bandwidth the waits are real, and bounded."""
    exchanges: list[Exchange] = []
    sleep: Callable[[float], None] = time.sleep if live_api.is_live else RecordingSleeper()
    api = BandwidthClient(
        live_api.settings, session_factory=lambda: RecordingSession(exchanges), sleep=sleep
    )
    return LiveClient(api=api, exchanges=exchanges, sleep=sleep)


def wait_for(
    read: Callable[[], T],
    done: Callable[[T], bool],
    *,
    what: str,
    sleep: Callable[[float], None],
    limit_seconds: float = LIVE_WAIT_SECONDS,
    every_seconds: float = LIVE_POLL_SECONDS,
) -> T:
    """Read until ``done``, sleeping ``every_seconds`` between reads, for at most
    ``limit_seconds`` of sleep; the last read is returned or the test fails naming ``what``."""
    waited = 0.0
    value = read()
    while not done(value):
        if waited >= limit_seconds:
            pytest.fail(f"{what}: still not so after {limit_seconds:.0f} s")
        sleep(every_seconds)
        waited += every_seconds
        value = read()
    return value


class Cleanup:
    """What a test created, deleted at teardown in reverse order whatever the test did:
    credentials before their realm (a realm with credentials is refused, 12666). Already
    gone is fine; any other failure is reported after every deletion was tried."""

    def __init__(self, client: LiveClient) -> None:
        self._client = client
        self._steps: list[tuple[str, Callable[[], object]]] = []

    def account_credential(self, composite_username: str) -> None:
        credentials = self._client.api.credentials
        self._steps.append(
            (
                f"account-level credential {composite_username!r}",
                lambda: credentials.delete_credential(composite_username),
            )
        )

    def realm_credential(self, realm_id: str, credential_id: str) -> None:
        realm_credentials = self._client.api.realm_credentials
        self._steps.append(
            (
                f"credential {credential_id} in realm {realm_id}",
                lambda: realm_credentials.delete_credential(realm_id, credential_id),
            )
        )

    def realm(self, realm_id: str) -> None:
        realms = self._client.api.realms
        self._steps.append((f"realm {realm_id}", lambda: realms.delete_realm(realm_id)))

    def run(self) -> None:
        failures = []
        for what, delete in reversed(self._steps):
            try:
                delete()
            except BandwidthApiError as error:  # scrubbed by the client: safe to show
                failures.append(f"{what}: {error}")
        self._steps.clear()
        if failures:
            pytest.fail("clean-up left things behind: " + "; ".join(failures))


def cleanup_list(client: LiveClient) -> Iterator[Cleanup]:
    """The body of a ``cleanup`` fixture."""
    cleanup = Cleanup(client)
    try:
        yield cleanup
    finally:
        cleanup.run()


def account_realm(live_api: LiveApi) -> str | None:
    """The realm FQDN account-level credentials are created in: the sandbox's default
    realm; against Bandwidth ``BW_LIVE_REALM`` if set, else None (the account's default)."""
    if live_api.sandbox is not None:
        return live_api.sandbox.config.realms[0]
    return os.environ.get(REALM_VARIABLE) or None
