"""Retry policy functions (pure: no clock, no randomness of their own)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from bw_pulumi.retry import (
    RetryPolicy,
    backoff_delay,
    is_retryable_status,
    may_retry,
    next_delay,
    parse_retry_after,
)

POLICY = RetryPolicy(base_delay=0.5, max_delay=8.0, max_retry_after=30.0, max_attempts=4)


def test_retryable_statuses() -> None:
    assert all(is_retryable_status(s) for s in (429, 502, 503, 504))
    assert not any(is_retryable_status(s) for s in (200, 400, 401, 404, 409, 500))
    assert is_retryable_status(500, frozenset({500}))


def test_backoff_grows_exponentially_within_jitter_bounds_and_is_capped() -> None:
    assert backoff_delay(1, POLICY, 0.0) == 0.25
    assert backoff_delay(1, POLICY, 0.999) < 0.5
    assert backoff_delay(3, POLICY, 0.0) == 1.0
    assert backoff_delay(10, POLICY, 0.0) == 4.0
    assert backoff_delay(10, POLICY, 0.999) < 8.0


def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2026, 11, 26, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=12), usegmt=True), now) == 12
    assert parse_retry_after(format_datetime(now - timedelta(seconds=5), usegmt=True), now) == 0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None


def test_next_delay_is_the_servers_retry_after_else_backoff() -> None:
    assert next_delay(1, "3", POLICY, 0.0) == 3.0
    assert next_delay(1, "3600", POLICY, 0.0) == 3600.0
    assert next_delay(2, None, POLICY, 0.0) == 0.5


def test_attempt_and_time_budgets() -> None:
    assert may_retry(1, remaining=60.0, delay=1.0, policy=POLICY)
    assert not may_retry(4, remaining=60.0, delay=1.0, policy=POLICY)
    assert not may_retry(1, remaining=0.5, delay=1.0, policy=POLICY)


def test_a_retry_after_beyond_the_cap_ends_retries_rather_than_retrying_early() -> None:
    assert may_retry(1, remaining=60.0, delay=30.0, policy=POLICY)
    assert not may_retry(1, remaining=60.0, delay=31.0, policy=POLICY)
