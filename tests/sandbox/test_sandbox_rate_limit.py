"""The sandbox's rate-limit mode: Bandwidth's documented 429 (empty body, X-RateLimit-Reset
in epoch seconds, no Retry-After), per endpoint, a request budget per window, and the
count of requests that reached a limited endpoint before its reset. Plain HTTP, an
injected epoch clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.support.sandbox_http import BASIC, CLIENT, FakeClock, creds_url, realms_url, web

from bw_pulumi.sandbox import Sandbox

START = 1_800_000_000.2  # epoch seconds; the first window's reset is a whole second


@pytest.fixture
def wall() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def box(wall: FakeClock) -> Iterator[Sandbox]:
    sandbox = Sandbox(wall_clock=wall)
    with sandbox.running():
        yield sandbox


def control(sb: Sandbox, route: str) -> str:
    return sb.base_url.removesuffix("/api") + "/_sandbox/" + route


def get(url: str) -> requests.Response:
    return web("GET", url, auth=BASIC)


def test_off_by_default(box: Sandbox) -> None:
    assert box.state.rate_limits.mode is None
    assert {get(creds_url(box, "bob")).status_code for _ in range(30)} == {404}
    assert box.rate_limit_stats.limited == 0


def test_over_the_budget_answers_bandwidths_documented_429(box: Sandbox) -> None:
    box.set_rate_limit(2, window_seconds=3)
    assert [get(creds_url(box, "bob")).status_code for _ in range(2)] == [404, 404]
    limited = get(creds_url(box, "bob"))
    assert limited.status_code == 429
    assert limited.content == b""
    assert limited.headers["X-RateLimit-Reset"] == "1800000004"  # ceil(START + 3)
    assert "Retry-After" not in limited.headers
    assert "Content-Type" not in limited.headers
    assert limited.headers["Connection"] == "close"
    assert box.rate_limit_stats.limited == 1


def test_an_endpoint_is_a_method_and_a_path_template(box: Sandbox) -> None:
    box.set_rate_limit(1, window_seconds=10)
    assert get(creds_url(box, "bob")).status_code == 404
    assert get(creds_url(box, "eve")).status_code == 429  # the same template
    assert web("DELETE", creds_url(box, "bob"), auth=BASIC).status_code == 404  # another method
    assert get(creds_url(box) + "?page=1&size=500").status_code == 404  # another template
    assert get(realms_url(box, "7")).status_code == 404
    assert get(realms_url(box, "8")).status_code == 429
    assert get(realms_url(box, "7", "sipcredentials", "1")).status_code == 404


def test_the_token_endpoint_and_the_controls_are_not_limited(box: Sandbox) -> None:
    box.set_rate_limit(1, window_seconds=10)
    form = {"grant_type": "client_credentials"}
    statuses = {web("POST", box.token_url, data=form, auth=CLIENT).status_code for _ in range(3)}
    assert statuses == {200}
    assert {web("GET", control(box, "state")).status_code for _ in range(3)} == {200}


def test_the_window_ends_at_the_reset_it_announced(box: Sandbox, wall: FakeClock) -> None:
    box.set_rate_limit(1, window_seconds=3)
    get(creds_url(box, "bob"))
    reset = int(get(creds_url(box, "bob")).headers["X-RateLimit-Reset"])
    wall.now = reset - 0.01
    assert get(creds_url(box, "bob")).status_code == 429
    wall.now = reset
    assert get(creds_url(box, "bob")).status_code == 404  # a new window
    assert get(creds_url(box, "bob")).headers["X-RateLimit-Reset"] == str(reset + 3)


def test_requests_after_the_announcement_and_before_the_reset_are_counted_early(
    box: Sandbox, wall: FakeClock
) -> None:
    box.set_rate_limit(1, window_seconds=5, grace_seconds=0.25)
    get(creds_url(box, "bob"))
    get(creds_url(box, "bob"))  # announced: the client could not have known before
    wall.advance(0.2)
    get(creds_url(box, "bob"))  # was on its way when the limit was announced
    assert (box.rate_limit_stats.limited, box.rate_limit_stats.early) == (3 - 1, 0)
    wall.advance(0.1)
    get(creds_url(box, "bob"))  # 0.3 s after the announcement: early
    stats = box.rate_limit_stats
    assert (stats.limited, stats.early) == (3, 1)
    [early] = stats.early_requests
    assert early.endpoint == "GET /accounts/9900000/sipcredentials/*"
    assert early.seconds_before_reset == pytest.approx(1_800_000_006 - wall.now)


def test_reset_keeps_the_mode_and_clears_the_windows_and_counters(box: Sandbox) -> None:
    box.set_rate_limit(1, window_seconds=10)
    get(creds_url(box, "bob"))
    get(creds_url(box, "bob"))
    box.reset()
    assert box.rate_limit_stats.limited == 0
    assert get(creds_url(box, "bob")).status_code == 404
    assert get(creds_url(box, "bob")).status_code == 429


def test_switched_off_answers_at_once_and_keeps_the_counters(box: Sandbox) -> None:
    box.set_rate_limit(1, window_seconds=10)
    get(creds_url(box, "bob"))
    get(creds_url(box, "bob"))
    box.clear_rate_limit()
    assert get(creds_url(box, "bob")).status_code == 404
    assert box.rate_limit_stats.limited == 1


def test_the_control_route_switches_it_and_reports_the_counters(box: Sandbox) -> None:
    url = control(box, "rate-limit")
    assert web("GET", url).json()["enabled"] is False
    on = web("PUT", url, json={"limit": 1, "window_seconds": 2, "grace_seconds": 0.1})
    assert on.status_code == 200
    assert on.json() == {
        "enabled": True,
        "limit": 1,
        "window_seconds": 2.0,
        "grace_seconds": 0.1,
        "limited": 0,
        "early": 0,
        "early_requests": [],
    }
    get(creds_url(box, "bob"))
    assert get(creds_url(box, "bob")).status_code == 429
    assert web("GET", url).json()["limited"] == 1
    assert web("GET", control(box, "state")).json()["rate_limit"]["limited"] == 1
    off = web("PUT", url, json={"enabled": False})
    assert (off.status_code, off.json()["enabled"]) == (200, False)
    assert get(creds_url(box, "bob")).status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"limit": 0, "window_seconds": 2}, "limit must be"),
        ({"limit": 1.5, "window_seconds": 2}, "limit must be"),
        ({"limit": True, "window_seconds": 2}, "limit must be"),
        ({"limit": 1, "window_seconds": 0}, "window_seconds must be"),
        ({"limit": 1, "window_seconds": "2"}, "must be numbers"),
        ({"limit": 1, "window_seconds": 2, "grace_seconds": 3}, "grace_seconds must be"),
        ({"limit": 1, "window": 2}, "unknown rate-limit fields: window"),
        ([1], "a JSON object is required"),
    ],
)
def test_the_control_route_refuses_a_bad_mode(box: Sandbox, body: object, message: str) -> None:
    response = web("PUT", control(box, "rate-limit"), json=body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert box.state.rate_limits.mode is None
