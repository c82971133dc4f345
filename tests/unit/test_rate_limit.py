"""The process-wide rate-limit gate, pure: an injected epoch clock whose sleeps move it."""

from __future__ import annotations

import logging
import threading

import pytest
import requests

from bw_pulumi.api.rate_limit import (
    RateLimited,
    RateLimitGate,
    RateLimitWait,
    endpoint_of,
    utc_time,
)

START = 1_800_000_000.0  # 2027-01-15 08:00:00 UTC
ACCOUNT = "https://api.bandwidth.com/api/accounts/9900000"


class FakeWall:
    """An epoch clock; ``sleep`` moves it forward (never back: threads share it)."""

    def __init__(self, now: float = START) -> None:
        self.now = now
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now += seconds


def waiter(
    gate: RateLimitGate, wall: FakeWall, url: str, budget: float = 60.0, method: str = "POST"
) -> RateLimitWait:
    return RateLimitWait(gate, method, endpoint_of(url), budget, wall, wall.sleep, max_rounds=3)


def response_429(url: str, **headers: str) -> requests.Response:
    response = requests.Response()
    response.status_code = 429
    response.url = url
    response.headers.update(headers)
    return response


# -- endpoints ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "path"),
    [
        (f"{ACCOUNT}/sipcredentials", "/api/accounts/9900000/sipcredentials"),
        (f"{ACCOUNT}/sipcredentials?page=2&size=500", "/api/accounts/9900000/sipcredentials"),
        (f"{ACCOUNT}/sipcredentials/bob@x.com", "/api/accounts/9900000/sipcredentials/*"),
        (f"{ACCOUNT}/realms", "/api/accounts/9900000/realms"),
        (f"{ACCOUNT}/realms/101", "/api/accounts/9900000/realms/*"),
        (f"{ACCOUNT}/realms/101/sipcredentials", "/api/accounts/9900000/realms/*/sipcredentials"),
        (
            f"{ACCOUNT}/realms/101/sipcredentials/5",
            "/api/accounts/9900000/realms/*/sipcredentials/*",
        ),
        ("https://api.bandwidth.com/api/v1/oauth2/token", "/api/v1/oauth2/token"),
    ],
)
def test_an_endpoint_is_the_path_with_its_ids_replaced(url: str, path: str) -> None:
    assert endpoint_of(url).path == path


def test_endpoints_differ_by_origin_and_account_but_not_by_id_query_or_case() -> None:
    bob, eve = (
        endpoint_of(f"{ACCOUNT}/sipcredentials/bob"),
        endpoint_of(f"{ACCOUNT}/sipcredentials/eve"),
    )
    assert bob == eve
    assert endpoint_of(f"{ACCOUNT}/sipcredentials") == endpoint_of(
        "HTTPS://API.Bandwidth.com/api/accounts/9900000/sipcredentials?page=1"
    )
    assert endpoint_of(f"{ACCOUNT}/sipcredentials") != endpoint_of(f"{ACCOUNT}/sipcredentials/x")
    other_account = endpoint_of("https://api.bandwidth.com/api/accounts/9900001/sipcredentials")
    other_origin = endpoint_of("http://127.0.0.1:8080/api/accounts/9900000/sipcredentials")
    assert len({endpoint_of(f"{ACCOUNT}/sipcredentials"), other_account, other_origin}) == 3


# -- the gate ------------------------------------------------------------------------------


def test_an_open_gate_does_not_wait() -> None:
    wall = FakeWall()
    assert waiter(RateLimitGate(), wall, f"{ACCOUNT}/sipcredentials").wait() == 0.0
    assert wall.slept == []


def test_a_closed_gate_waits_exactly_until_the_reset() -> None:
    gate, wall = RateLimitGate(), FakeWall()
    gate.close(endpoint_of(f"{ACCOUNT}/sipcredentials"), START + 3.25)
    assert waiter(gate, wall, f"{ACCOUNT}/sipcredentials").wait() == 3.25
    assert wall.slept == [3.25]
    assert waiter(gate, wall, f"{ACCOUNT}/sipcredentials").wait() == 0.0  # reset passed


def test_the_gate_pauses_only_its_endpoint() -> None:
    gate, wall = RateLimitGate(), FakeWall()
    gate.close(endpoint_of(f"{ACCOUNT}/sipcredentials/bob"), START + 30)
    assert waiter(gate, wall, f"{ACCOUNT}/sipcredentials").wait() == 0.0
    assert waiter(gate, wall, f"{ACCOUNT}/realms/1/sipcredentials/2").wait() == 0.0
    assert waiter(gate, wall, f"{ACCOUNT}/sipcredentials/eve", method="DELETE").wait() == 30


def test_closing_never_moves_a_reset_earlier() -> None:
    gate, endpoint = RateLimitGate(), endpoint_of(f"{ACCOUNT}/realms")
    assert gate.close(endpoint, START + 10)
    assert not gate.close(endpoint, START + 5)
    assert not gate.close(endpoint, START + 10)
    assert gate.until(endpoint) == START + 10
    assert gate.close(endpoint, START + 11)


def test_a_reset_beyond_the_budget_fails_at_once_naming_the_utc_time() -> None:
    gate, wall = RateLimitGate(), FakeWall()
    gate.close(endpoint_of(f"{ACCOUNT}/sipcredentials"), START + 95)
    with pytest.raises(RateLimited) as caught:
        waiter(gate, wall, f"{ACCOUNT}/sipcredentials", budget=60).wait()
    message = str(caught.value)
    assert "rate-limited by Bandwidth until 08:01:35 UTC" in message
    assert "95 s from now" in message and "bandwidth:rateLimitWaitSeconds" in message
    assert "run the command again after that time" in message
    assert caught.value.status == 429
    assert wall.slept == []


def test_the_budget_counts_every_wait_of_one_request() -> None:
    gate, wall = RateLimitGate(), FakeWall()
    endpoint = endpoint_of(f"{ACCOUNT}/sipcredentials")
    wait = waiter(gate, wall, f"{ACCOUNT}/sipcredentials", budget=60)
    gate.close(endpoint, START + 40)
    wait.wait()
    gate.close(endpoint, wall() + 30)
    with pytest.raises(RateLimited, match="may wait 20 s more"):
        wait.wait()
    assert wall.slept == [40]


def test_a_zero_budget_never_waits() -> None:
    gate, wall = RateLimitGate(), FakeWall()
    gate.close(endpoint_of(f"{ACCOUNT}/realms/*"), START + 1)
    with pytest.raises(RateLimited):
        waiter(gate, wall, f"{ACCOUNT}/realms/7", budget=0).wait()


def test_a_sleeper_that_does_not_move_the_clock_cannot_loop() -> None:
    gate, slept = RateLimitGate(), []
    gate.close(endpoint_of(f"{ACCOUNT}/realms"), START + 5)
    wait = RateLimitWait(
        gate, "GET", endpoint_of(f"{ACCOUNT}/realms"), 60, lambda: START, slept.append, 3
    )
    assert wait.wait() == 5
    assert wait.wait() == 0  # the same reset is not slept for twice
    assert slept == [5]


def test_a_reset_on_another_day_names_the_date() -> None:
    assert utc_time(START + 3.2, START) == "08:00:04 UTC"  # rounded up: never early
    assert utc_time(START + 86_400, START) == "2027-01-16 08:00:00 UTC"


# -- a 429 closes the gate -----------------------------------------------------------------


def test_a_429_with_x_ratelimit_reset_closes_the_gate_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bw_pulumi")
    gate, wall = RateLimitGate(), FakeWall()
    url = f"{ACCOUNT}/sipcredentials"
    first, second = waiter(gate, wall, url), waiter(gate, wall, url)
    assert first.hit(response_429(url, **{"X-RateLimit-Reset": "1800000004"}))
    assert second.hit(response_429(url, **{"X-RateLimit-Reset": "1800000004"}))
    assert gate.until(endpoint_of(url)) == START + 4
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "POST /api/accounts/9900000/sipcredentials: HTTP 429, rate-limited by Bandwidth until"
        " 08:00:04 UTC; every request to /api/accounts/9900000/sipcredentials waits 4.0 s"
    ]
    assert first.wait() == 4.0
    assert second.wait() == 0.0  # the first wait moved the clock past the reset


def test_a_reset_in_milliseconds_and_a_retry_after_close_it_too() -> None:
    gate, wall = RateLimitGate(), FakeWall()
    url = f"{ACCOUNT}/realms"
    assert waiter(gate, wall, url).hit(response_429(url, **{"X-RateLimit-Reset": "1800000002500"}))
    assert gate.until(endpoint_of(url)) == START + 2.5
    assert waiter(gate, wall, url).hit(response_429(url, **{"Retry-After": "6"}))
    assert gate.until(endpoint_of(url)) == START + 6


def test_what_does_not_close_the_gate() -> None:
    gate, wall = RateLimitGate(), FakeWall()
    url = f"{ACCOUNT}/realms"
    ok = requests.Response()
    ok.status_code, ok.url = 503, url
    ok.headers["Retry-After"] = "5"
    assert not waiter(gate, wall, url).hit(ok)  # a 503's Retry-After is the retry's business
    assert not waiter(gate, wall, url).hit(response_429(url))  # no reset: backoff
    assert not waiter(gate, wall, url).hit(response_429(url, **{"X-RateLimit-Reset": "²"}))
    past = response_429(url, **{"X-RateLimit-Reset": "1799999990"})
    assert not waiter(gate, wall, url).hit(past)
    assert gate.until(endpoint_of(url)) is None


def test_429s_per_request_are_bounded() -> None:
    gate, wall = RateLimitGate(), FakeWall()
    url = f"{ACCOUNT}/realms"
    wait = waiter(gate, wall, url)  # max_rounds=3
    hits = [wait.hit(response_429(url, **{"Retry-After": "1"})) for _ in range(4)]
    assert hits == [True, True, True, False]


# -- threads -------------------------------------------------------------------------------


def test_threads_waiting_at_one_gate_all_wait_for_the_same_reset() -> None:
    gate, wall = RateLimitGate(), FakeWall()
    url = f"{ACCOUNT}/sipcredentials"
    waiters = [waiter(gate, wall, url) for _ in range(8)]
    assert waiters[0].hit(response_429(url, **{"X-RateLimit-Reset": "1800000009"}))
    released: list[float] = []
    barrier = threading.Barrier(8)

    def run(wait: RateLimitWait) -> None:
        barrier.wait()
        wait.wait()
        released.append(wall())

    threads = [threading.Thread(target=run, args=(w,)) for w in waiters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(released) == 8
    assert min(released) >= START + 9  # nobody went before the reset


def test_a_reset_moved_later_while_waiting_is_waited_for_too() -> None:
    gate, wall = RateLimitGate(), FakeWall()
    endpoint = endpoint_of(f"{ACCOUNT}/sipcredentials")
    gate.close(endpoint, START + 2)

    def sleep(seconds: float) -> None:
        wall.sleep(seconds)
        if wall() < START + 3:
            gate.close(endpoint, START + 5)  # another thread found the next window limited

    wait = RateLimitWait(gate, "POST", endpoint, 60, wall, sleep, 3)
    assert wait.wait() == 5
    assert wall() == START + 5
