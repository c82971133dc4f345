"""Retry policy as small pure functions; the caller supplies the clock, sleeper and jitter.

Only outcomes where a retry is safe are retried: rate limiting (429), gateway errors
(502/503/504) and connection failures. Creates add 500 to that list because the layer above
makes them idempotent (an existing credential with identical hashes is adopted).

Headers from a server are parsed strictly: a value that is not exactly what the standard
or Bandwidth's documentation describes (``'²'`` is a digit to ``str.isdigit``) is ignored,
never an exception.
"""

from __future__ import annotations

import re
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
    #: How long one call may wait, in all, for Bandwidth's rate limits to reset
    #: (``bandwidth:rateLimitWaitSeconds``); a reset further away fails the call at once.
    rate_limit_wait: float = 300.0
    #: At most this many 429s naming their reset per call (each waits for the reset, and
    #: the waits together stay within the rate-limit wait budget); then the 429 is the answer.
    max_rate_limit_rounds: int = 30
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
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date); None
    when absent or malformed."""
    if value is None or not value.strip() or not value.isascii():
        return None
    value = value.strip()
    if _DIGITS.fullmatch(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
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

_DIGITS = re.compile(r"[0-9]{1,15}")
#: An ``X-RateLimit-Reset`` at or above this is epoch milliseconds (as seconds it would be
#: the year 5138; as milliseconds it is 1973): Bandwidth's voice API sends milliseconds.
EPOCH_MILLISECONDS_FROM = 10**11
#: One below this is not an epoch time at all (before 2001-09-09): read as delta-seconds,
#: the way the IETF ``RateLimit-Reset`` draft sends it, so a misreading waits, not storms.
EPOCH_SECONDS_FROM = 10**9
#: 9999-12-31T23:59:59Z: a later reset is held as this one (a time Python can print).
LATEST_EPOCH = 253_402_300_799.0


def parse_rate_limit_reset(value: str | None, now: float) -> float | None:
    """The epoch time (seconds) an ``X-RateLimit-Reset`` header names; None when absent or
    malformed. ``now``: the current epoch time, for a value that is delta-seconds.

    Bandwidth's Dashboard API sends epoch seconds, its voice API epoch milliseconds; the
    size of the value tells which. Only ASCII digits are accepted (15 at most).
    """
    if value is None or not value.isascii() or not _DIGITS.fullmatch(value.strip()):
        return None
    number = int(value.strip())
    if number >= EPOCH_MILLISECONDS_FROM:
        return number / 1000.0
    if number >= EPOCH_SECONDS_FROM:
        return float(number)
    return now + number


def rate_limit_until(reset: str | None, retry_after: str | None, now: float) -> float | None:
    """Until when (epoch seconds) a 429 asks the client to send nothing more to the
    endpoint: the later of ``X-RateLimit-Reset`` and ``Retry-After``; None when neither
    header is usable. ``now``: the current epoch time."""
    after = parse_retry_after(retry_after, datetime.fromtimestamp(now, timezone.utc))
    found = [parse_rate_limit_reset(reset, now), None if after is None else now + after]
    until = max((t for t in found if t is not None), default=None)
    return None if until is None else min(until, LATEST_EPOCH)
