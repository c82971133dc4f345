"""Bandwidth's documented rate limits, modelled: per endpoint, a request budget per window.

Bandwidth's page "Rate Limits for Number & Account Management" (docs/bandwidth-api.md §6):
a rate-limited request on the Dashboard API gets ``429`` with an empty body and
``X-RateLimit-Reset: <epoch seconds>``, no ``Retry-After``, and the client is to send
nothing more to that endpoint until then. The page lists its endpoints as a method and a
path template, so an endpoint here is ``METHOD /accounts/{account}/<template>`` with every
id replaced by ``*``.

The mode is off until switched on (:meth:`Sandbox.set_rate_limit`, ``PUT
/_sandbox/rate-limit``). Each endpoint then admits ``limit`` requests per window; a window
opens with the first request after the last one ended and ends at a whole epoch second
(``window_seconds`` later, rounded up), the time the header names. Later requests in the
window are answered 429.

*Early* requests are what a client must never send: ones that reach an endpoint after the
sandbox announced its limit (its first 429 of the window) and before the reset. Requests
that were already on their way when the limit was announced cannot know it: those arriving
within ``grace_seconds`` of the announcement are answered 429 but not counted as early.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from .http import Reply

ACCOUNTS_PREFIX: Final = "/api/accounts/"
DEFAULT_GRACE_SECONDS: Final = 0.25
MAX_WINDOW_SECONDS: Final = 3600.0
#: How many early requests are kept for inspection (the count is exact).
EARLY_LOG_LIMIT: Final = 100


@dataclass(frozen=True)
class RateLimitMode:
    limit: int
    window_seconds: float
    grace_seconds: float = DEFAULT_GRACE_SECONDS

    def __post_init__(self) -> None:
        if isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 1:
            raise ValueError("limit must be a whole number of requests, at least 1")
        if not _seconds_in(self.window_seconds, 0.0, MAX_WINDOW_SECONDS) or not self.window_seconds:
            raise ValueError(f"window_seconds must be above 0 and at most {MAX_WINDOW_SECONDS}")
        if not _seconds_in(self.grace_seconds, 0.0, self.window_seconds):
            raise ValueError("grace_seconds must be from 0 to window_seconds")


@dataclass(frozen=True)
class EarlyRequest:
    """A request that reached a limited endpoint before its reset."""

    endpoint: str
    seconds_before_reset: float

    def to_json(self) -> dict[str, object]:
        return {"endpoint": self.endpoint, "seconds_before_reset": self.seconds_before_reset}


@dataclass(frozen=True)
class RateLimitStats:
    """``limited``: requests answered 429 by the mode; ``early``: of those, the ones that
    arrived after the limit was announced (beyond the grace) and before the reset."""

    limited: int
    early: int
    early_requests: tuple[EarlyRequest, ...]


@dataclass
class _Window:
    ends: float  # a whole epoch second: what X-RateLimit-Reset says
    admitted: int = 1
    announced: float | None = None


class RateLimiter:
    """Thread-safe; ``wall`` is the epoch clock (tests inject one)."""

    def __init__(self, wall: Callable[[], float] = time.time) -> None:
        self._wall = wall
        self._lock = threading.Lock()
        self._mode: RateLimitMode | None = None
        self._windows: dict[str, _Window] = {}
        self._limited = 0
        self._early: deque[EarlyRequest] = deque(maxlen=EARLY_LOG_LIMIT)
        self._early_count = 0

    @property
    def mode(self) -> RateLimitMode | None:
        with self._lock:
            return self._mode

    def switch_on(self, mode: RateLimitMode) -> None:
        """Limit every endpoint from now on; windows and counters start afresh."""
        with self._lock:
            self._mode = mode
            self._clear()

    def switch_off(self) -> None:
        """No limits; the counters are kept for inspection."""
        with self._lock:
            self._mode = None
            self._windows.clear()

    def clear(self) -> None:
        """Forget windows and counters; keep the mode (as the sandbox's reset does)."""
        with self._lock:
            self._clear()

    def check(self, method: str, path: str) -> Reply | None:
        """None when the request may proceed; else the 429 to answer it with."""
        endpoint = endpoint_of(method, path)
        with self._lock:
            if self._mode is None or endpoint is None:
                return None
            now = self._wall()
            window = self._windows.get(endpoint)
            if window is None or now >= window.ends:
                ends = float(math.ceil(now + self._mode.window_seconds))
                self._windows[endpoint] = _Window(ends)
                return None
            if window.admitted < self._mode.limit:
                window.admitted += 1
                return None
            self._limited += 1
            if window.announced is None:
                window.announced = now
            elif now >= window.announced + self._mode.grace_seconds:
                self._early_count += 1
                self._early.append(EarlyRequest(endpoint, window.ends - now))
            return limited_reply(window.ends)

    def stats(self) -> RateLimitStats:
        with self._lock:
            return RateLimitStats(self._limited, self._early_count, tuple(self._early))

    def to_json(self) -> dict[str, object]:
        with self._lock:
            mode = self._mode
            return {
                "enabled": mode is not None,
                "limit": None if mode is None else mode.limit,
                "window_seconds": None if mode is None else mode.window_seconds,
                "grace_seconds": None if mode is None else mode.grace_seconds,
                "limited": self._limited,
                "early": self._early_count,
                "early_requests": [early.to_json() for early in self._early],
            }

    def _clear(self) -> None:
        self._windows.clear()
        self._limited = 0
        self._early.clear()
        self._early_count = 0


def limited_reply(reset: float) -> Reply:
    """Bandwidth's documented 429: empty body, the reset in epoch seconds, no Retry-After,
    and the connection closed (its sample response says ``Connection: close``)."""
    return Reply(429, b"", None, (("X-RateLimit-Reset", str(int(reset))), ("Connection", "close")))


def endpoint_of(method: str, path: str) -> str | None:
    """``POST /accounts/9900000/sipcredentials``, ``GET /accounts/9900000/realms/*`` ...;
    None for a path outside an account (the token endpoint is not limited)."""
    if not path.startswith(ACCOUNTS_PREFIX):
        return None
    account, *rest = path[len(ACCOUNTS_PREFIX) :].split("/")
    template = ["*" if index % 2 == 1 and part else part for index, part in enumerate(rest)]
    return " ".join([method.upper(), "/".join(["/accounts", account, *template])])


def mode_from_json(data: dict[str, object]) -> RateLimitMode | None:
    """The control endpoint's body: ``{"limit": 20, "window_seconds": 2}`` (and optionally
    ``grace_seconds``) switches the mode on, ``{"enabled": false}`` off."""
    unknown = sorted(set(data) - {"enabled", "limit", "window_seconds", "grace_seconds"})
    if unknown:
        raise ValueError(f"unknown rate-limit fields: {', '.join(unknown)}")
    if data.get("enabled", True) is False:
        return None
    limit, window = data.get("limit"), data.get("window_seconds")
    grace = data.get("grace_seconds", DEFAULT_GRACE_SECONDS)
    if not isinstance(limit, int) or isinstance(limit, bool):
        raise ValueError("limit must be a whole number of requests")
    if not all(_number(value) for value in (window, grace)):
        raise ValueError("window_seconds and grace_seconds must be numbers")
    assert isinstance(window, (int, float)) and isinstance(grace, (int, float))
    return RateLimitMode(limit, float(window), float(grace))


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _seconds_in(value: float, low: float, high: float) -> bool:
    return _number(value) and math.isfinite(value) and low <= value <= high
