"""Bandwidth's rate limits: one pause per endpoint for the whole provider process.

When Bandwidth rate-limits a request it answers 429 with ``X-RateLimit-Reset`` (epoch
seconds) and asks the client to send nothing more *to that endpoint* until then
(docs/bandwidth-api.md §6). The engine runs many provider calls at once; if each call
found the limit for itself, every one of them would send a request into it. So the first
429 closes a process-wide :class:`RateLimitGate` for its endpoint, and every request to
that endpoint, from any thread and any :class:`~bw_pulumi.api.transport.Transport` of the
process (both dynamic providers, the package provider, a re-configured client), waits at
the gate until the reset.

An *endpoint* here is the origin, the account and the path with its ids replaced by ``*``
(:func:`endpoint_of`): ``sipcredentials``, ``sipcredentials/*``, ``realms``, ``realms/*``,
``realms/*/sipcredentials`` and ``realms/*/sipcredentials/*``, whatever the method.
Bandwidth's page lists its limited endpoints as method and path template; pausing every
method of a template is wider than that, which is the safe side: a pause narrower than
Bandwidth's endpoint would let requests storm into the limit.

Waiting is bounded by a budget (``bandwidth:rateLimitWaitSeconds``): a call whose endpoint
is limited until later than its budget allows fails at once, before any request, naming
the time in UTC. The gate keeps only the reset times; the clock and the sleeper belong to
each :class:`RateLimitWait`, so tests inject both.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

import requests

from bw_pulumi.api.errors import BandwidthApiError
from bw_pulumi.api.retry import rate_limit_until

_log = logging.getLogger("bw_pulumi")
WAIT_SETTING = "bandwidth:rateLimitWaitSeconds"


@dataclass(frozen=True)
class Endpoint:
    """``key``: what the gate is keyed by (origin, account, template); ``path``: the
    template's URL path, for messages (``/api/accounts/9900000/sipcredentials/*``)."""

    key: str
    path: str


def endpoint_of(url: str) -> Endpoint:
    """The endpoint a URL belongs to: below ``accounts/{account}``, every second segment
    (an id: a username, a realm id, a credential id) becomes ``*``; the query is dropped.
    A URL outside an account (the OAuth2 token URL) is its own endpoint."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    if "accounts" in segments:
        start = segments.index("accounts") + 2  # keep "accounts" and the account id
        segments = [
            "*" if index >= start and (index - start) % 2 == 1 and segment else segment
            for index, segment in enumerate(segments)
        ]
    path = "/".join(segments)
    origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
    return Endpoint(origin + path, path)


class RateLimitGate:
    """Per endpoint, the epoch time before which nothing may be sent. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until: dict[str, float] = {}

    def close(self, endpoint: Endpoint, until: float) -> bool:
        """Hold ``endpoint`` until ``until`` (epoch seconds); True when that moved its reset
        later (so the caller announces it), False when it was already held as long."""
        with self._lock:
            if until <= self._until.get(endpoint.key, float("-inf")):
                return False
            self._until[endpoint.key] = until
            return True

    def until(self, endpoint: Endpoint) -> float | None:
        with self._lock:
            return self._until.get(endpoint.key)

    def clear(self) -> None:
        with self._lock:
            self._until.clear()


#: The gate every Transport of this process shares unless given another one.
PROCESS_GATE = RateLimitGate()


class RateLimited(BandwidthApiError):
    """A request not sent: its endpoint is rate-limited beyond the wait budget."""


@dataclass
class RateLimitWait:
    """The rate-limit side of one logical request (:meth:`Transport._send`): wait at the
    gate before each attempt, close it on a 429 that names its reset. ``budget`` is what
    this request may still spend waiting, in seconds; ``wall`` is the epoch clock."""

    gate: RateLimitGate
    method: str
    endpoint: Endpoint
    budget: float
    wall: Callable[[], float]
    sleep: Callable[[float], None]
    max_rounds: int
    rounds: int = 0
    _waited_for: float | None = field(default=None, repr=False)

    def wait(self) -> float:
        """Wait until the endpoint's reset, if it has one in the future; return the seconds
        waited. Raise :class:`RateLimited`, sending nothing, when the reset is further away
        than what is left of the budget. A reset already slept for is not slept for again,
        so a sleeper that does not move the clock (a test's) cannot loop."""
        waited = 0.0
        while True:
            until = self.gate.until(self.endpoint)
            if until is None or until == self._waited_for:
                return waited
            remaining = until - self.wall()
            if remaining <= 0:
                return waited
            if remaining > self.budget:
                raise RateLimited(self._too_long(until, remaining), status=429)
            _log.info(
                "%s %s: waiting %.1f s for Bandwidth's rate limit (until %s)",
                self.method,
                self.endpoint.path,
                remaining,
                utc_time(until, self.wall()),
            )
            self.sleep(remaining)
            self.budget -= remaining
            waited += remaining
            self._waited_for = until

    def hit(self, response: requests.Response) -> bool:
        """For a 429 naming a reset still ahead (``X-RateLimit-Reset`` or ``Retry-After``):
        close the gate until then and return True, so the caller asks again after
        :meth:`wait`. False for any other response, and once ``max_rounds`` 429s were
        waited for: then the usual retries (or the 429 as the answer) follow."""
        if response.status_code != 429 or self.rounds >= self.max_rounds:
            return False
        now = self.wall()
        headers = response.headers
        until = rate_limit_until(headers.get("X-RateLimit-Reset"), headers.get("Retry-After"), now)
        if until is None or until <= now:
            return False
        self.rounds += 1
        if self.gate.close(self.endpoint, until) and until - now <= self.budget:
            _log.warning(
                "%s %s: HTTP 429, rate-limited by Bandwidth until %s; every request to %s"
                " waits %.1f s",
                self.method,
                urlsplit(response.url or "").path or self.endpoint.path,
                utc_time(until, now),
                self.endpoint.path,
                until - now,
            )
        return True

    def _too_long(self, until: float, remaining: float) -> str:
        return (
            f"{self.method} {self.endpoint.path}: rate-limited by Bandwidth until"
            f" {utc_time(until, self.wall())} ({remaining:.0f} s from now; this request may"
            f" wait {max(self.budget, 0.0):.0f} s more under {WAIT_SETTING}): run the"
            f" command again after that time, or raise {WAIT_SETTING}"
        )


def utc_time(epoch: float, now: float) -> str:
    """``14:03:20 UTC``; with the date when it is not today's (UTC)."""
    when = datetime.fromtimestamp(math.ceil(epoch), timezone.utc)
    today = datetime.fromtimestamp(now, timezone.utc).date()
    text = when.strftime("%H:%M:%S UTC")
    return text if when.date() == today else when.strftime("%Y-%m-%d ") + text
