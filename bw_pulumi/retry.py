"""Retry policy as small pure functions; the caller supplies the clock, sleeper and jitter.

Only outcomes where a retry is safe are retried: rate limiting (429), gateway errors
(502/503/504) and connection failures. Creates add 500 to that list because the layer above
makes them idempotent (an existing credential with identical hashes is adopted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 30.0
    total_budget: float = 60.0
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    #: Waits between re-reads of a realm-scoped credential that a read-after-write lag may
    #: still hide (Bandwidth: "reads may lag just after a write"); 7.5 s in all.
    read_lag_delays: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)


def is_retryable_status(status: int, extra: frozenset[int] = frozenset()) -> bool:
    return status in RETRYABLE_STATUSES or status in extra


def backoff_delay(attempt: int, policy: RetryPolicy, jitter: float) -> float:
    """Exponential backoff with "equal jitter": half fixed, half random.

    ``attempt`` counts from 1 (the first retry); ``jitter`` is a number in [0, 1).
    """
    ceiling = min(policy.max_delay, policy.base_delay * 2.0 ** (attempt - 1))
    return ceiling / 2 + ceiling / 2 * jitter


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def next_delay(attempt: int, retry_after: str | None, policy: RetryPolicy, jitter: float) -> float:
    """The server's ``Retry-After`` when it gave one; otherwise exponential backoff."""
    requested = parse_retry_after(retry_after)
    return requested if requested is not None else backoff_delay(attempt, policy, jitter)


def may_retry(attempt: int, remaining: float, delay: float, policy: RetryPolicy) -> bool:
    """Whether attempt ``attempt + 1`` may follow after ``delay`` seconds.

    Never sooner than the server asked: a ``Retry-After`` longer than ``max_retry_after``
    or than the ``remaining`` time budget ends the retries instead.
    """
    return attempt < policy.max_attempts and delay <= min(policy.max_retry_after, remaining)


#: Also retried for PUT and DELETE: a 500 may be a lost answer to a write that committed,
#: and sending a PUT (a full replace) or a DELETE (a second one finds nothing: "gone") again
#: is safe, so the write ends as wanted instead of failing with Bandwidth holding it.
IDEMPOTENT_RETRY = frozenset({500})
