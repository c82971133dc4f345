"""Retry policy functions (pure: no clock, no randomness of their own)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from bw_pulumi.api.retry import (
    EPOCH_MILLISECONDS_FROM,
    LATEST_EPOCH,
    RetryPolicy,
    backoff_delay,
    is_retryable_status,
    may_retry,
    next_delay,
    parse_rate_limit_reset,
    parse_retry_after,
    rate_limit_until,
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


NOW = 1_800_000_000.0  # an epoch time, 2027-01-15T08:00:00Z


def test_retry_after_is_parsed_strictly_and_never_raises() -> None:
    assert parse_retry_after(" 7 ") == 7.0
    for malformed in ("²", "٣", "7.5", "-1", "+3", "1e3", "0x10", "9" * 16, "\u00a0", "Mon², 1"):
        assert parse_retry_after(malformed) is None, malformed
    assert next_delay(1, "²", POLICY, 0.0) == 0.25  # ignored: backoff, not a traceback


def test_rate_limit_reset_in_epoch_seconds() -> None:
    assert parse_rate_limit_reset("1800000003", NOW) == 1_800_000_003.0
    assert parse_rate_limit_reset(" 1800000003 ", NOW) == 1_800_000_003.0
    assert parse_rate_limit_reset("1590033530", NOW) == 1_590_033_530.0  # in the past: as is


def test_rate_limit_reset_in_epoch_milliseconds_where_the_value_says_so() -> None:
    assert parse_rate_limit_reset("1800000003250", NOW) == 1_800_000_003.25
    assert parse_rate_limit_reset("1479308598680", NOW) == 1_479_308_598.68  # voice API sample
    assert parse_rate_limit_reset(str(EPOCH_MILLISECONDS_FROM - 1), NOW) == 99_999_999_999.0


def test_a_small_rate_limit_reset_is_delta_seconds_so_a_misreading_waits() -> None:
    assert parse_rate_limit_reset("30", NOW) == NOW + 30
    assert parse_rate_limit_reset("0", NOW) == NOW


def test_a_malformed_rate_limit_reset_is_ignored_never_raised() -> None:
    for malformed in (None, "", " ", "²", "1800000003.5", "-5", "soon", "1" * 16, "\uff11\uff12"):
        assert parse_rate_limit_reset(malformed, NOW) is None, malformed


def test_rate_limit_until_takes_the_later_of_both_headers() -> None:
    assert rate_limit_until("1800000010", None, NOW) == 1_800_000_010.0
    assert rate_limit_until(None, "4", NOW) == NOW + 4
    assert rate_limit_until("1800000010", "30", NOW) == NOW + 30
    http_date = format_datetime(datetime.fromtimestamp(NOW + 12, timezone.utc), usegmt=True)
    assert rate_limit_until("1800000003", http_date, NOW) == NOW + 12
    assert rate_limit_until("²", "x", NOW) is None
    assert rate_limit_until(None, None, NOW) is None


def test_a_reset_beyond_what_python_can_print_is_held_as_the_latest_time() -> None:
    assert rate_limit_until("9" * 15, None, NOW) == LATEST_EPOCH
    assert rate_limit_until(None, "9" * 15, NOW) == LATEST_EPOCH
