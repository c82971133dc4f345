"""In-memory, thread-safe state of the sandbox: credentials, realms, tokens, logs."""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from ..credentials import rules
from ..credentials.models import DEFAULT_REALM, RequestRecord, StoredCredential, credential_key
from ..realms.store import RealmStore
from .deleter import ConcurrentDeleter
from .faults import MAX_DELAY_SECONDS
from .rate_limits import RateLimiter
from .spec_shapes import ResponseShapes

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


@dataclass(frozen=True)
class CreateOutcome:
    """One entry of a bulk create: either ``created`` or ``error`` is set."""

    submitted: rules.Submitted
    created: StoredCredential | None = None
    error: rules.ApiError | None = None


class SandboxState:
    """Everything the emulated API reads or writes, guarded by one lock.

    Each public method is atomic, so a bulk create validates duplicates against the
    account and the earlier entries of the same request without races."""

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
        self._accounts: dict[str, dict[str, StoredCredential]] = {}
        self._realms: list[str] = []
        self._tokens: dict[str, float] = {}
        self._requests: deque[RequestRecord] = deque(maxlen=REQUEST_LOG_LIMIT)
        self._writes = 0
        self._token_grants = 0
        #: Bandwidth's rate limits, when switched on (see ``rate_limits.py``).
        self.rate_limits = RateLimiter(wall_clock)
        #: The realms API and realm-scoped credentials (see ``realms.py``).
        self.realm_api = RealmStore(config.account_id, self._lock, clock, self._count_write)
        #: Answers in the spec's shapes (``spec_shapes.py``); ``reset()`` turns them off.
        self.shapes = ResponseShapes()
        #: Someone else deleting credentials while clients read (see ``deleter.py``).
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
            self.realm_api.reset()
            self.shapes = ResponseShapes()
            self._accounts = {self.config.account_id: {}}
            self._realms = _dedupe(self.config.realms)
            self._tokens.clear()
            self._requests.clear()
            self._writes = 0
            self._token_grants = 0

    # -- realms and accounts -------------------------------------------------------

    @property
    def realms(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._realms)

    def add_realm(self, realm: str) -> None:
        if not realm or any(ch.isspace() for ch in realm):
            raise ValueError("a realm is a non-empty FQDN")
        with self._lock:
            self._realms = _dedupe([*self._realms, realm])

    def has_account(self, account_id: str) -> bool:
        with self._lock:
            return account_id in self._accounts

    # -- credentials through the API ----------------------------------------------

    def list_credentials(self, account_id: str) -> list[StoredCredential]:
        """All credentials of the account, sorted by (lowercased) composite username."""
        with self._lock:
            stored = self._accounts[account_id]
            return [stored[key] for key in sorted(stored)]

    def get(self, account_id: str, composite: str) -> StoredCredential | None:
        with self._lock:
            return self._accounts[account_id].get(credential_key(composite))

    def create_many(
        self, account_id: str, entries: Iterable[rules.Submitted]
    ) -> list[CreateOutcome]:
        with self._lock:
            outcomes = [self._create_one(account_id, entry) for entry in entries]
            if any(outcome.created for outcome in outcomes):
                self._writes += 1
            return outcomes

    def _create_one(self, account_id: str, entry: rules.Submitted) -> CreateOutcome:
        stored = self._accounts[account_id]
        try:
            credential = rules.new_credential(entry, self._realms)
            if credential.key in stored:
                raise rules.duplicate(credential.composite_username)
        except rules.ApiError as error:
            return CreateOutcome(entry, error=error)
        stored[credential.key] = credential
        return CreateOutcome(entry, created=credential)

    def update(self, account_id: str, composite: str, entry: rules.Submitted) -> StoredCredential:
        with self._lock:
            stored = self._accounts[account_id]
            existing = stored.get(credential_key(composite))
            if existing is None:
                raise rules.not_found(composite)
            updated = rules.updated_credential(existing, entry, self._realms)
            stored[existing.key] = updated
            self._writes += 1
            return updated

    def delete(self, account_id: str, composite: str) -> None:
        with self._lock:
            if self._accounts[account_id].pop(credential_key(composite), None) is None:
                raise rules.not_found(composite)
            self._writes += 1

    # -- out-of-band changes (a human in the dashboard): validated, not counted ----

    def put_out_of_band(self, credential: StoredCredential) -> StoredCredential:
        with self._lock:
            checked = rules.checked_stored(credential, self._realms)
            self._accounts[self.config.account_id][checked.key] = checked
            return checked

    def delete_out_of_band(self, composite: str) -> bool:
        with self._lock:
            stored = self._accounts[self.config.account_id]
            return stored.pop(credential_key(composite), None) is not None

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
            accounts = {
                account_id: {"credentials": [c.to_json() for _, c in sorted(creds.items())]}
                for account_id, creds in self._accounts.items()
            }
            return {
                "accounts": accounts,
                "realms": list(self._realms),
                **self.realm_api.snapshot(),
                "writes": self._writes,
                "token_requests": self._token_grants,
                "latency_seconds": self._latency_seconds,
                "rate_limit": self.rate_limits.to_json(),
                "connections_accepted": self._connections_accepted,
                "requests": [r.to_json() for r in self._requests],
            }


def _dedupe(realms: Iterable[str]) -> list[str]:
    """Keep the first spelling of each realm (realms compare case-insensitively)."""
    seen: dict[str, str] = {}
    for realm in realms:
        seen.setdefault(realm.lower(), realm)
    return list(seen.values())
