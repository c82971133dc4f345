"""bench/set_report.py: issue 19's targets judged from measured rows (pure)."""

from __future__ import annotations

from bench.set_report import SetPhase, evaluate, resources_table, table, targets_text


def rows(**seconds: float) -> list[SetPhase]:
    requests = {
        "create": {"POST": 20},
        "rotate": {"PUT": 2000},
        "one-changed": {"PUT": 1},
        "refresh": {"GET": 4},
        "destroy": {"DELETE": 2000},
    }
    return [
        SetPhase(
            2000,
            "set",
            phase,
            ok=True,
            seconds=value,
            requests=requests[phase],
            largest_post=100 if phase == "create" else 0,
        )
        for phase, value in seconds.items()
    ]


def verdicts(measured: list[SetPhase]) -> dict[str, str]:
    return {target.name: target.verdict for target in evaluate(measured)}


def test_targets_are_met_at_their_bounds_and_missed_beyond() -> None:
    met = verdicts(rows(create=5.0, rotate=12.0, **{"one-changed": 3.0}, refresh=3.0, destroy=12.0))
    assert met["set create N=2000: at most 5 s"] == "met"
    assert met["set create N=2000: at most 20 POSTs"] == "met"
    assert met["set one-changed N=2000: 1 request"] == "met"
    assert met["set N=10000: every phase works; state size and peak memory"] == "not measured"
    missed = verdicts(
        rows(create=5.1, rotate=26.5, **{"one-changed": 19.1}, refresh=6.4, destroy=12.4)
    )
    assert [name for name, verdict in missed.items() if verdict == "MISSED"] == [
        "set create N=2000: at most 5 s",
        "set rotate N=2000: at most 12 s",
        "set one-changed N=2000: at most 3 s",
        "set refresh N=2000: at most 3 s",
        "set destroy N=2000: at most 12 s",
    ]


def test_more_posts_or_requests_than_allowed_are_missed() -> None:
    measured = rows(create=1.0, **{"one-changed": 1.0})
    measured[0].requests = {"POST": 21}
    measured[1].requests = {"PUT": 1, "GET": 1}
    judged = {t.name: t for t in evaluate(measured)}
    assert judged["set create N=2000: at most 20 POSTs"].verdict == "MISSED"
    assert judged["set one-changed N=2000: 1 request"].verdict == "MISSED"
    assert "2 API requests (1 GET, 1 PUT)" in judged["set one-changed N=2000: 1 request"].detail


def test_a_failed_phase_is_missed_and_an_absent_one_not_measured() -> None:
    measured = [SetPhase(2000, "set", "create", ok=False, error="pulumi up exited 255\nmore")]
    judged = {t.name: t for t in evaluate(measured)}
    assert judged["set create N=2000: at most 5 s"].verdict == "MISSED"
    assert judged["set create N=2000: at most 5 s"].detail == "failed: pulumi up exited 255"
    assert judged["set rotate N=2000: at most 12 s"].verdict == "not measured"


def test_the_large_run_needs_every_phase_and_reports_state_and_memory() -> None:
    phases = ("create", "rotate", "one-changed", "refresh", "destroy")
    large = [
        SetPhase(
            10_000,
            "set",
            phase,
            ok=True,
            seconds=1.0,
            peak_mib={"engine": 300.0},
            state_bytes=None if phase == "destroy" else 4 << 20,
        )
        for phase in phases
    ]
    target = evaluate(large)[-1]
    assert target.verdict == "met"
    assert target.detail == "state 4.0 MiB; peak engine 300 MiB"
    target = evaluate(large[:-1])[-1]
    assert target.verdict == "MISSED" and target.detail.startswith("failed: destroy")
    assert "| 10,000 | 4.00 MiB | 300 MiB | 0 MiB | 0 MiB |" in resources_table(large)
    assert "| 10,000 | create | 1.0 | - | - | none | - |" in table(large)
    assert "met" in targets_text(evaluate(large))
