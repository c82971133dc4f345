"""In-memory, thread-safe state of the sandbox: one lock over the resources' stores
(``credentials/store.py``, ``realms/store.py``), tokens, latency, logs and counters."""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from .core.faults import MAX_DELAY_SECONDS
from .core.http import RequestRecord
from .core.rate_limits import RateLimiter
from .core.refusals import EntryRefusals
from .core.spec_shapes import ResponseShapes
from .credentials import rules
from .credentials.models import DEFAULT_REALM, StoredCredential
from .credentials.store import CreateOutcome, CredentialStore
from .deleter import ConcurrentDeleter
from .realms.store import RealmStore

# Well-known sandbox-only credentials (the CLI prints them); never real secrets.
DEFAULT_ACCOUNT_ID: Final = "9900000"
DEFAULT_BASIC_USERNAME: Final = "sandbox-user"
DEFAULT_BASIC_PASSWORD: Final = "sandbox-password"  # noqa: S105
DEFAULT_CLIENT_ID: Final = "sandbox-client"
DEFAULT_CLIENT_SECRET: Final = "sandbox-secret"  # noqa: S105
DEFAULT_TOKEN_TTL_SECONDS: Final = 3600
#: The request log keeps only the most recent records, so a long-running sandbox (the
#: ``bw-pulumi sandbox`` command) does not grow without limit.
REQUEST_LOG_LIMIT: Final = 10_000
#: The most a per-request latency may be: as much as one ``delay`` fault.
MAX_LATENCY_SECONDS: Final = MAX_DELAY_SECONDS


@dataclass(frozen=True)
class SandboxConfig:
    """What a sandbox is configured with; survives :meth:`SandboxState.reset`."""

    account_id: str = DEFAULT_ACCOUNT_ID
    realms: tuple[str, ...] = (DEFAULT_REALM,)
    basic_username: str = DEFAULT_BASIC_USERNAME
    basic_password: str = DEFAULT_BASIC_PASSWORD
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    token_ttl_seconds: int = DEFAULT_TOKEN_TTL_SECONDS

    def __post_init__(self) -> None:
        if not self.realms:
            raise ValueError("at least one realm is required (the first is the default)")
        if self.token_ttl_seconds < 0:
            raise ValueError("token_ttl_seconds must not be negative")


class SandboxState:
    """Everything the emulated API reads or writes, guarded by one lock.

    Each public method is atomic. The credential methods hand over to
    :attr:`credentials` (tests may wrap them here, on the state)."""

    def __init__(
        self,
        config: SandboxConfig,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        wall_clock: Callable[[], float] = time.time,
    ):
        self.config = config
        self._clock = clock
        #: How the API waits (latency, ``delay`` faults): tests inject one that records.
        self.sleep = sleep
        self._lock = threading.RLock()
        self._latency_seconds = 0.0
        self._connections_accepted = 0
        self._tokens: dict[str, float] = {}
        self._requests: deque[RequestRecord] = deque(maxlen=REQUEST_LOG_LIMIT)
        self._writes = 0
        self._token_grants = 0
        #: Bandwidth's rate limits, when switched on (``core/rate_limits.py``).
        self.rate_limits = RateLimiter(wall_clock)
        #: Bulk-create entries refused with a chosen code (``core/refusals.py``).
        self.refusals = EntryRefusals()
        #: Account-level credentials and the configured realms (``credentials/store.py``).
        self.credentials = CredentialStore(
            config.account_id, config.realms, self._lock, self._count_write, self.refusals
        )
        #: The realms API and realm-scoped credentials (``realms/store.py``).
        self.realm_api = RealmStore(
            config.account_id, self._lock, clock, self._count_write, self.refusals
        )
        #: Answers in the spec's shapes (``core/spec_shapes.py``); ``reset()`` turns them off.
        self.shapes = ResponseShapes()
        #: Someone else deleting credentials while clients read (``deleter.py``).
        self.deleter = ConcurrentDeleter(
            lambda: self.list_credentials(config.account_id),
            self.delete_out_of_band,
            self.realm_api,
        )
        self.reset()

    def reset(self) -> None:
        """Forget credentials, tokens, logs, realms added at run time, realms of the
        realms API with their credentials, and realm settings. The latency stays: like
        the config, it describes the network, not the account."""
        self.deleter.stop()  # outside the lock: its thread may be waiting for it
        with self._lock:
            self._connections_accepted = 0
            self.rate_limits.clear()
            self.refusals.clear()
            self.credentials.reset()
            self.realm_api.reset()
            self.shapes = ResponseShapes()
            self._tokens.clear()
            self._requests.clear()
            self._writes = 0
            self._token_grants = 0

    # -- realms and accounts -------------------------------------------------------

    @property
    def realms(self) -> tuple[str, ...]:
        return self.credentials.realms

    def add_realm(self, realm: str) -> None:
        self.credentials.add_realm(realm)

    def has_account(self, account_id: str) -> bool:
        return self.credentials.has_account(account_id)

    # -- credentials through the API ----------------------------------------------

    def list_credentials(self, account_id: str) -> list[StoredCredential]:
        """All credentials of the account, sorted by (lowercased) composite username."""
        return self.credentials.list_credentials(account_id)

    def get(self, account_id: str, composite: str) -> StoredCredential | None:
        return self.credentials.get(account_id, composite)

    def create_many(
        self, account_id: str, entries: Iterable[rules.Submitted]
    ) -> list[CreateOutcome]:
        return self.credentials.create_many(account_id, entries)

    def update(self, account_id: str, composite: str, entry: rules.Submitted) -> StoredCredential:
        return self.credentials.update(account_id, composite, entry)

    def delete(self, account_id: str, composite: str) -> None:
        self.credentials.delete(account_id, composite)

    # -- out-of-band changes (a human in the dashboard): validated, not counted ----

    def put_out_of_band(self, credential: StoredCredential) -> StoredCredential:
        return self.credentials.put_out_of_band(credential)

    def delete_out_of_band(self, composite: str) -> bool:
        return self.credentials.delete_out_of_band(composite)

    def _count_write(self) -> None:
        with self._lock:
            self._writes += 1

    # -- OAuth2 tokens ---------------------------------------------------------------

    def issue_token(self) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            now = self._clock()
            self._tokens = {t: exp for t, exp in self._tokens.items() if exp > now}
            self._tokens[token] = now + self.config.token_ttl_seconds
            self._token_grants += 1
        return token

    def token_valid(self, token: str) -> bool:
        with self._lock:
            expiry = self._tokens.get(token)
            return expiry is not None and self._clock() < expiry

    def revoke_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    # -- latency -----------------------------------------------------------------------

    @property
    def latency_seconds(self) -> float:
        with self._lock:
            return self._latency_seconds

    def set_latency(self, seconds: object) -> None:
        """Answer every later ``/api`` request ``seconds`` after it arrives (0: at once);
        ``ValueError`` for anything but a number from 0 to ``MAX_LATENCY_SECONDS``."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise ValueError("latency seconds must be a number")
        if not (math.isfinite(seconds) and 0 <= seconds <= MAX_LATENCY_SECONDS):
            raise ValueError(f"latency seconds must be between 0 and {MAX_LATENCY_SECONDS}")
        with self._lock:
            self._latency_seconds = float(seconds)

    # -- observation -----------------------------------------------------------------

    def record(self, entry: RequestRecord) -> None:
        with self._lock:
            self._requests.append(entry)

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._requests)

    def drain_requests(self) -> list[RequestRecord]:
        """The log, oldest first, emptied in the same step: a caller that drains before
        and after some work gets exactly that work's requests (while they number fewer
        than ``REQUEST_LOG_LIMIT``), however many came before."""
        with self._lock:
            drained = list(self._requests)
            self._requests.clear()
            return drained

    def count_connection(self) -> None:
        with self._lock:
            self._connections_accepted += 1

    @property
    def connections_accepted(self) -> int:
        """TCP connections the server accepted (API and control alike) since the last
        reset."""
        with self._lock:
            return self._connections_accepted

    @property
    def writes(self) -> int:
        with self._lock:
            return self._writes

    @property
    def token_grants(self) -> int:
        with self._lock:
            return self._token_grants

    def snapshot(self) -> dict[str, object]:
        """JSON-ready view for ``GET /_sandbox/state`` (hashes included: sandbox only)."""
        with self._lock:
            return {
                **self.credentials.snapshot(),
                **self.realm_api.snapshot(),
                "writes": self._writes,
                "token_requests": self._token_grants,
                "latency_seconds": self._latency_seconds,
                "rate_limit": self.rate_limits.to_json(),
                "connections_accepted": self._connections_accepted,
                "requests": [r.to_json() for r in self._requests],
            }
