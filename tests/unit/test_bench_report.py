"""The benchmark's bookkeeping, without the CLI: how a phase's requests are counted, how
the issue's targets are judged, and how the provider's peak memory is sampled (on real
processes: tests/cli/test_bench_report.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bench.cli_stack import (
    CLOCK_TICKS,
    cpu_seconds,
    high_water_mark,
    process_role,
)
from bench.report import (
    PHASES,
    PhaseResult,
    Results,
    StackKind,
    Target,
    evaluate_targets,
    table,
    traffic,
)
from bench.workload import derive_password
from bw_pulumi.sandbox import RequestRecord

ACCOUNT = "/api/accounts/9900000/sipcredentials"
LATENCY = 0.05


def record(method: str, path: str, status: int = 200) -> RequestRecord:
    return RequestRecord(method, path, status, "bearer")


def test_traffic_counts_methods_lists_tokens_and_writes() -> None:
    seen = traffic(
        [
            record("POST", "/api/v1/oauth2/token"),
            record("GET", ACCOUNT, 303),
            record("GET", ACCOUNT + "?page=1&size=500"),
            record("GET", ACCOUNT + "?page=2&size=500"),
            record("GET", ACCOUNT + "/bench00001"),
            record("POST", ACCOUNT, 201),
            record("PUT", ACCOUNT + "/bench00002"),
            record("DELETE", ACCOUNT + "/bench00003"),
        ]
    )
    assert seen.by_method == {"GET": 4, "POST": 1, "PUT": 1, "DELETE": 1}
    assert (seen.lists, seen.tokens, seen.writes, seen.total) == (3, 1, 3, 8)
    assert seen.retries == 0


def test_traffic_counts_retried_replies_and_repeated_requests() -> None:
    seen = traffic(
        [
            record("PUT", ACCOUNT + "/a", 503),  # retried: a reply our client retries
            record("PUT", ACCOUNT + "/a"),  # ... and the repeat of that PUT
            record("POST", ACCOUNT, 500),  # creates are retried after a 500
            record("GET", ACCOUNT + "/b", 500),  # a GET is not
            record("DELETE", ACCOUNT + "/c"),
            record("DELETE", ACCOUNT + "/c", 404),  # a repeat the server saw succeed first
            record("POST", "/api/v1/oauth2/token", 429),
        ]
    )
    assert (seen.retried_replies, seen.repeats, seen.retries) == (3, 2, 5)


def phase_row(
    n: int, stack: StackKind, phase: str, seconds: float, **fields: object
) -> PhaseResult:
    return replace(PhaseResult(n, stack, phase, ok=True, seconds=seconds), **fields)


#: API calls at once: the dynamic provider's 4 workers; the engine's 8 steps for the native.
CONCURRENCY: dict[StackKind, int] = {"dynamic": 4, "native": 8}
#: Write phase seconds that meet issues 9 and 12 with a 20 s floor: 500 x 0.05 / 4 = 6.25 s
#: over the floor for the dynamic provider; within 1.2x (and 3.125 s) for the native one.
WRITE_SECONDS: dict[StackKind, float] = {"dynamic": 26.0, "native": 23.0}


def good_run(n: int = 500) -> list[PhaseResult]:
    """What issues 9 and 12 ask for at N=500 with 50 ms latency: floor 20 s per phase."""
    rows = [phase_row(n, "floor", phase, 20.0) for phase in PHASES]
    writes = {"create": "POST", "rotate": "PUT", "destroy": "DELETE"}
    for stack in ("dynamic", "native"):
        for phase in PHASES:
            if phase in writes:
                fields = {"requests": {writes[phase]: n}, "write_requests": n, "tokens": 1}
                rows.append(
                    phase_row(n, stack, phase, WRITE_SECONDS[stack], connections=4, **fields)
                )
            elif phase == "refresh":
                rows.append(phase_row(n, stack, phase, 25.0, requests={"GET": 2}, lists=2))
            else:
                rows.append(phase_row(n, stack, phase, 20.0))
    return rows


def verdicts(rows: list[PhaseResult]) -> dict[str, bool | None]:
    return {t.name: t.met for t in evaluate_targets(Results(rows), LATENCY, CONCURRENCY)}


def test_every_target_met() -> None:
    judged = verdicts(good_run())
    assert judged.pop("N=1500: every phase succeeds") is None  # not in this run
    assert len(judged) == 2 * 16 + 3
    assert all(judged.values()), judged


@pytest.mark.parametrize(
    ("stack", "phase", "fields", "target"),
    [
        ("dynamic", "preview", {"requests": {"GET": 1}}, "preview: zero API requests"),
        ("native", "up-unchanged", {"tokens": 1}, "up-unchanged: zero API requests"),
        ("dynamic", "refresh", {"lists": 4}, "refresh N=500: at most 3 list requests"),
        ("native", "refresh", {"seconds": 30.5}, "refresh N=500: within 1.5x of the floor"),
        (
            "dynamic",
            "create",
            {"seconds": 29.0},
            "create N=500: within 10% of floor + N x latency / 4",
        ),
        ("native", "rotate", {"write_requests": 501}, "rotate N=500: exactly N write requests"),
        ("dynamic", "destroy", {"retries": 1}, "destroy N=500: no retries"),
        (
            "native",
            "create",
            {"connections": 9},
            "create N=500: at most one TCP connection per concurrent call (8)",
        ),
    ],
)
def test_each_target_can_fail(
    stack: StackKind, phase: str, fields: dict[str, object], target: str
) -> None:
    rows = [
        replace(row, **fields) if (row.stack, row.phase) == (stack, phase) else row
        for row in good_run()
    ]
    judged = verdicts(rows)
    assert judged.pop(f"{stack} {target}") is False
    assert all(met is not False for met in judged.values()), judged


@pytest.mark.parametrize("phase", ["create", "rotate", "destroy"])
def test_native_writes_over_1_2_times_the_floor_fail_issue_12s_target(phase: str) -> None:
    """24.5 s is within floor + N x latency / 8 + 10% (26.1 s) but over 1.2 x 20 s."""
    rows = [
        replace(row, seconds=24.5) if (row.stack, row.phase) == ("native", phase) else row
        for row in good_run()
    ]
    judged = verdicts(rows)
    assert judged.pop(f"native {phase} N=500: within 1.2x of the floor") is False
    assert all(met is not False for met in judged.values()), judged


def test_targets_are_not_measured_without_their_n() -> None:
    judged = verdicts(good_run(n=100))
    no_change = {
        f"{stack} {phase}: zero API requests"
        for stack in ("dynamic", "native")
        for phase in ("preview", "up-unchanged")
    }
    assert {name for name, met in judged.items() if met is not None} == no_change


def test_targets_of_a_stack_not_in_the_run_are_not_measured() -> None:
    """Results written before the native stack existed (stack "ours"), read back."""
    legacy = [
        PhaseResult.from_json({**row.to_json(), "stack": "ours"})
        for row in good_run()
        if row.stack == "dynamic"
    ]
    floor = [row for row in good_run() if row.stack == "floor"]
    judged = verdicts([*legacy, *floor])
    assert judged.pop("dynamic create N=500: exactly N write requests") is True
    native = {name: met for name, met in judged.items() if name.startswith("native")}
    assert len(native) == 19
    assert set(native.values()) == {None}


def test_a_failed_phase_at_1500_fails_the_fleet_target() -> None:
    rows = [*good_run(), *(replace(row, n=1500) for row in good_run())]
    assert verdicts(rows)["N=1500: every phase succeeds"] is True
    rows[-1] = replace(rows[-1], ok=False, seconds=None, error="boom")
    assert verdicts(rows)["N=1500: every phase succeeds"] is False


def test_target_verdicts_read_plainly() -> None:
    assert [Target("t", met, "").verdict for met in (True, False, None)] == [
        "met",
        "NOT MET",
        "not measured",
    ]


def test_table_has_a_row_per_size_and_phase_with_the_stacks_side_by_side() -> None:
    rows = good_run()
    rows = [
        replace(r, ok=False, seconds=None, error="x")
        if (r.stack, r.phase) == ("dynamic", "destroy")
        else r
        for r in rows
    ]
    lines = table(Results(rows)).splitlines()
    assert len(lines) == 2 + len(PHASES)
    header = lines[0].split(" | ")
    create = dict(zip(header, lines[2].split(" | "), strict=True))
    assert list(create.values())[:7] == ["| 500", "create", "26.0", "23.0", "20.0", "1.30", "1.15"]
    assert (create["POST"], create["token"], create["conns"]) == ("500 / 500", "1 / 1", "4 / 4")
    destroy = dict(zip(header, lines[-1].split(" | "), strict=True))
    assert (destroy["dynamic s"], destroy["native s"]) == ("FAILED", "23.0")
    assert destroy["DELETE"] == "- / 500"


def test_derived_passwords_are_stable_and_distinct() -> None:
    assert derive_password("seed", "bench00001") == derive_password("seed", "bench00001")
    assert derive_password("seed", "bench00001") != derive_password("seed", "bench00002")
    assert derive_password("seed", "bench00001") != derive_password("other", "bench00001")
    assert len(derive_password("seed", "bench00001")) == 24


# -- process sampling ---------------------------------------------------------------------


def test_process_roles() -> None:
    assert process_role(["/venv/bin/python", "-u", "-m", "pulumi.dynamic", "127.0.0.1:1"]) == (
        "provider"
    )
    native = ["/venv/bin/python", "/venv/bin/pulumi-resource-bandwidth", "127.0.0.1:1"]
    assert process_role(native) == "provider"
    program = ["/venv/bin/python", "-u", "/cache/bin/pulumi-language-python-exec", "--monitor"]
    assert process_role(program) == "program"
    assert process_role(["/bin/sh", "/cache/bin/pulumi-resource-pulumi-python"]) is None


def test_high_water_mark() -> None:
    assert high_water_mark("Name:\tpython\nVmHWM:\t  61440 kB\nVmRSS:\t 1 kB\n") == 61440 * 1024
    assert high_water_mark("Name:\tkthreadd\n") is None


def test_cpu_seconds_from_a_stat_line_whose_name_has_spaces_and_parentheses() -> None:
    # pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    stat = "4242 (python (x) y) S 1 4242 4242 0 -1 4194304 10 0 0 0 250 50 0 0 20 0 1 0"
    assert cpu_seconds(stat) == 300 / CLOCK_TICKS
    assert cpu_seconds("") is None
