"""The client against the sandbox's rate-limit mode (Bandwidth's documented 429): no
request reaches a limited endpoint before its reset, one limit pauses every thread and
every client of the process, and a reset beyond the budget fails at once.

The sandbox and the client share one injected epoch clock; a sleep moves it, so nothing
waits for real."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.fixtures import oauth_settings

from bw_pulumi import compute_hashes
from bw_pulumi.api.errors import BandwidthApiError
from bw_pulumi.api.rate_limit import RateLimited
from bw_pulumi.api.retry import RetryPolicy
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.sip_credential.models import Credential
from bw_pulumi.sandbox import DEFAULT_REALM, Fault, Sandbox

START = 1_800_000_000.8  # 2027-01-15 08:00:00.8 UTC: a 3 s window resets 3.2 s later


class SharedWall:
    """An epoch clock for the sandbox and the clients. A thread's sleep ends ``seconds``
    after the time that thread last read, as concurrent sleeps do; the clock never goes back."""

    def __init__(self, now: float = START) -> None:
        self.now = now
        self.slept: list[float] = []
        self._lock = threading.Lock()
        self._read = threading.local()

    def __call__(self) -> float:
        with self._lock:
            self._read.at = self.now
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now = max(self.now, getattr(self._read, "at", self.now) + seconds)


@pytest.fixture
def wall() -> SharedWall:
    return SharedWall()


@pytest.fixture
def box(wall: SharedWall) -> Iterator[Sandbox]:
    sandbox = Sandbox(wall_clock=wall)
    with sandbox.running():
        yield sandbox


def client_of(box: Sandbox, wall: SharedWall, wait_budget: float = 300.0) -> BandwidthClient:
    return BandwidthClient(
        oauth_settings(box),
        policy=RetryPolicy(rate_limit_wait=wait_budget),
        sleep=wall.sleep,
        wall_clock=wall,
        jitter=lambda: 0.0,
    )


def credential(username: str) -> Credential:
    hashes = compute_hashes(username, "pw-" + username, DEFAULT_REALM)
    return Credential(username, hashes.hash1, hashes.hash1b, realm=DEFAULT_REALM)


def api_statuses(box: Sandbox) -> list[tuple[str, int]]:
    return [(r.method, r.status) for r in box.drain_requests() if "/accounts/" in r.path]


def test_one_create_against_a_limit_sends_no_post_before_the_reset(
    box: Sandbox, wall: SharedWall
) -> None:
    client = client_of(box, wall)
    box.set_rate_limit(1, window_seconds=3)
    client.credentials.create_credential(credential("first"))  # the window's one request
    box.drain_requests()
    client.credentials.create_credential(credential("second"))
    assert api_statuses(box) == [("POST", 429), ("POST", 201)]
    assert wall.slept == [pytest.approx(3.2)]  # exactly until X-RateLimit-Reset
    assert wall.now == 1_800_000_004
    stats = box.rate_limit_stats
    assert (stats.limited, stats.early) == (1, 0)
    assert {c.user_name for c in box.credentials()} == {"first", "second"}


def test_every_kind_of_call_waits_for_its_endpoint(box: Sandbox, wall: SharedWall) -> None:
    client = client_of(box, wall)
    client.credentials.create_credential(credential("bob"))
    box.set_rate_limit(1, window_seconds=5)
    box.drain_requests()
    assert client.credentials.get_credential("bob") is not None
    assert client.credentials.get_credential("eve") is None  # 429, wait, then the answer
    client.credentials.update_credential(credential("bob"))
    client.credentials.update_credential(credential("bob"))  # PUT has its own budget: 429, wait
    assert client.credentials.delete_credential("bob")
    assert [status for _, status in api_statuses(box)] == [200, 429, 404, 200, 429, 200, 200]
    assert box.rate_limit_stats.early == 0


def test_parallel_threads_and_clients_share_one_pause(box: Sandbox, wall: SharedWall) -> None:
    """Another client finds the limit; eight threads of a second client then send nothing
    until its reset, and all of them fit in the next window."""
    box.set_rate_limit(8, window_seconds=10)
    finder, workers = client_of(box, wall, wait_budget=0), client_of(box, wall)
    for _ in range(8):
        finder.credentials.get_credential("nobody")
    with pytest.raises(RateLimited):
        finder.credentials.get_credential(
            "nobody"
        )  # the 429 that closes the gate; no budget to wait
    reset = 1_800_000_011
    box.drain_requests()
    barrier = threading.Barrier(8)

    def read(name: str) -> float:
        barrier.wait()
        assert workers.credentials.get_credential(name) is None
        return wall()

    with ThreadPoolExecutor(max_workers=8) as pool:
        done = list(pool.map(read, [f"user{i}" for i in range(8)]))
    assert api_statuses(box) == [("GET", 404)] * 8  # not one 429: none of them asked early
    assert min(done) >= reset
    assert wall.slept and max(wall.slept) <= reset - START  # each waiter: until the reset
    assert (box.rate_limit_stats.limited, box.rate_limit_stats.early) == (1, 0)


def test_parallel_threads_that_meet_the_limit_together_wait_for_one_reset(
    box: Sandbox, wall: SharedWall
) -> None:
    box.set_rate_limit(4, window_seconds=10)
    client = client_of(box, wall)
    barrier = threading.Barrier(12)

    def create(name: str) -> str:
        barrier.wait()
        return client.credentials.create_credential(credential(name)).user_name

    names = [f"user{i}" for i in range(12)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        created = list(pool.map(create, names))
    assert sorted(created) == sorted(names)
    assert len(box.credentials()) == 12
    assert box.rate_limit_stats.early == 0
    assert wall.now < START + 40  # three windows of four, not one pause per thread


def test_a_reset_beyond_the_budget_fails_at_once_naming_the_time(
    box: Sandbox, wall: SharedWall
) -> None:
    client = client_of(box, wall, wait_budget=60)
    box.set_rate_limit(1, window_seconds=600)
    client.credentials.create_credential(credential("first"))
    box.drain_requests()
    with pytest.raises(BandwidthApiError) as caught:
        client.credentials.create_credential(credential("second"))
    message = str(caught.value)
    assert "POST /api/accounts/9900000/sipcredentials: rate-limited by Bandwidth until" in message
    assert "08:10:01 UTC" in message  # X-RateLimit-Reset 1800000601
    assert "bandwidth:rateLimitWaitSeconds" in message
    assert caught.value.status == 429
    assert api_statuses(box) == [("POST", 429)]
    other = client_of(box, wall, wait_budget=60)
    for attempt in (client, other):
        with pytest.raises(BandwidthApiError, match="rate-limited by Bandwidth until 08:10:01"):
            attempt.credentials.create_credential(credential("third"))
    assert api_statuses(box) == []  # zero further requests
    assert wall.slept == []


def test_a_429_without_a_reset_is_retried_with_backoff_as_before(
    box: Sandbox, wall: SharedWall
) -> None:
    client = client_of(box, wall)
    box.inject(Fault(kind="status", status=429))
    assert client.credentials.get_credential("nobody") is None
    assert wall.slept == [0.25]  # the first backoff step, jitter 0
    assert box.rate_limit_stats.limited == 0
