"""The sandbox's per-request latency, its connection count, its drainable request log and
its prompt replies: what the benchmark (bench/) measures the provider with.

The latency tests inject the sandbox's sleeper: they check who waits and for how long
without waiting (one test checks that the default sleeper really waits, for 0.2 s)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests
from conftest import RecordingSleeper
from sandbox_http import BASIC, CLIENT, JSON, creds_url, web

from bw_pulumi.sandbox import Fault, Sandbox
from bw_pulumi.sandbox.http_server import SandboxRequestHandler

BARRIER_TIMEOUT = 5.0


@pytest.fixture
def slow_box(sleeper: RecordingSleeper) -> Iterator[Sandbox]:
    box = Sandbox(latency_seconds=0.05, sleep=sleeper)
    with box.running():
        yield box


def control(sb: Sandbox, route: str) -> str:
    return sb.base_url.removesuffix("/api") + "/_sandbox/" + route


def test_every_api_request_waits_the_latency(slow_box: Sandbox, sleeper: RecordingSleeper) -> None:
    assert slow_box.latency_seconds == 0.05
    assert web("GET", creds_url(slow_box, "bob"), auth=BASIC).status_code == 404
    assert web("GET", creds_url(slow_box, "bob")).status_code == 401  # unauthenticated too
    token = web(
        "POST",
        slow_box.token_url,
        data={"grant_type": "client_credentials"},
        auth=CLIENT,
    )
    assert token.status_code == 200
    assert sleeper.delays == [0.05, 0.05, 0.05]


def test_the_control_endpoint_never_waits(slow_box: Sandbox, sleeper: RecordingSleeper) -> None:
    assert web("GET", control(slow_box, "state")).status_code == 200
    assert sleeper.delays == []


def test_latency_zero_waits_for_nothing(slow_box: Sandbox, sleeper: RecordingSleeper) -> None:
    slow_box.set_latency(0)
    web("GET", creds_url(slow_box, "bob"), auth=BASIC)
    assert sleeper.delays == []


def test_a_delay_fault_adds_to_the_latency(slow_box: Sandbox, sleeper: RecordingSleeper) -> None:
    slow_box.inject(Fault(kind="delay", seconds=0.3))
    web("GET", creds_url(slow_box, "bob"), auth=BASIC)
    web("GET", creds_url(slow_box, "bob"), auth=BASIC)
    assert sleeper.delays == [0.05, 0.3, 0.05]


def test_requests_on_two_connections_wait_at_the_same_time() -> None:
    """Each request waits in its own handler thread: a sleeper that only returns once two
    requests are inside it at once proves the waits overlap (a serial server would time
    out the barrier)."""
    both_waiting = threading.Barrier(2, timeout=BARRIER_TIMEOUT)
    box = Sandbox(latency_seconds=1.0, sleep=lambda _seconds: both_waiting.wait())
    statuses: list[int] = []

    def get() -> None:
        statuses.append(web("GET", creds_url(box, "bob"), auth=BASIC).status_code)

    with box.running():
        threads = [threading.Thread(target=get) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=BARRIER_TIMEOUT + 5)
    assert statuses == [404, 404]
    assert not both_waiting.broken


def test_the_default_sleeper_really_waits() -> None:
    box = Sandbox(latency_seconds=0.2)
    with box.running():
        started = time.monotonic()
        web("GET", creds_url(box, "bob"), auth=BASIC)
        assert time.monotonic() - started >= 0.2


@pytest.mark.parametrize("seconds", [-0.1, 60.5, float("inf"), float("nan")])
def test_a_bad_latency_is_refused(seconds: float) -> None:
    with pytest.raises(ValueError, match="latency seconds must be between 0 and 60"):
        Sandbox(latency_seconds=seconds)


def test_latency_through_the_control_endpoint(slow_box: Sandbox, sleeper: RecordingSleeper) -> None:
    assert web("GET", control(slow_box, "latency")).json() == {"seconds": 0.05}
    reply = web("PUT", control(slow_box, "latency"), json={"seconds": 0.2})
    assert (reply.status_code, reply.json()) == (200, {"seconds": 0.2})
    assert slow_box.latency_seconds == 0.2
    assert web("GET", control(slow_box, "state")).json()["latency_seconds"] == 0.2
    web("GET", creds_url(slow_box, "bob"), auth=BASIC)
    assert sleeper.delays == [0.2]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"seconds": -1}, "between 0 and 60"),
        ({"seconds": 61}, "between 0 and 60"),
        ({"seconds": "0.1"}, "must be a number"),
        ({"seconds": True}, "must be a number"),
        ({}, "must be a number"),
        ([0.1], "a JSON object is required"),
    ],
)
def test_control_refuses_a_bad_latency(slow_box: Sandbox, body: object, message: str) -> None:
    reply = web("PUT", control(slow_box, "latency"), json=body)
    assert reply.status_code == 400
    assert message in reply.json()["error"]
    assert slow_box.latency_seconds == 0.05


def test_reset_keeps_the_latency(slow_box: Sandbox) -> None:
    slow_box.set_latency(0.1)
    slow_box.reset()
    assert slow_box.latency_seconds == 0.1
    web("POST", control(slow_box, "reset"), headers=JSON)
    assert slow_box.latency_seconds == 0.1


def test_connections_are_counted_not_requests(sandbox: Sandbox) -> None:
    assert sandbox.connections_accepted == 0
    with requests.Session() as first:
        for _ in range(3):  # keep-alive: one connection
            first.get(creds_url(sandbox, "bob"), auth=BASIC, timeout=10)
    with requests.Session() as second:
        second.get(creds_url(sandbox, "bob"), auth=BASIC, timeout=10)
    web("GET", control(sandbox, "state"))  # the control endpoint's connections count too
    assert sandbox.connections_accepted == 3
    assert web("GET", control(sandbox, "state")).json()["connections_accepted"] == 4
    sandbox.reset()
    assert sandbox.connections_accepted == 0


def test_drain_returns_the_log_and_empties_it(sandbox: Sandbox) -> None:
    web("GET", creds_url(sandbox, "bob"), auth=BASIC)
    drained = sandbox.drain_requests()
    assert [(r.method, r.status) for r in drained] == [("GET", 404)]
    assert sandbox.requests == []
    assert sandbox.drain_requests() == []
    web("DELETE", creds_url(sandbox, "bob"), auth=BASIC)
    assert [r.method for r in sandbox.drain_requests()] == ["DELETE"]


def test_replies_are_not_held_back_by_nagle(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every accepted connection has TCP_NODELAY. Without it a reply's body (its second
    write) waited for the client's delayed ACK of the headers: 40 ms more per reply with a
    body on a keep-alive connection, which the benchmark charged to the client."""
    seen: list[int] = []
    original = SandboxRequestHandler.setup

    def recording_setup(handler: SandboxRequestHandler) -> None:
        original(handler)
        seen.append(handler.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    monkeypatch.setattr(SandboxRequestHandler, "setup", recording_setup)
    with requests.Session() as session:
        for _ in range(2):
            session.get(creds_url(sandbox, "bob"), auth=BASIC, timeout=10)
    web("GET", control(sandbox, "state"))
    assert len(seen) == 2
    assert all(seen), seen
