"""The set benchmark (bench/run-set) end to end at N=2 with no latency, so it cannot rot
unnoticed: the real CLI, the set, the per-resource stack and the floor, every phase, the
requests each phase sent, the tables and the targets (not judged here: timing goals belong
to the benchmark itself)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 900


@pytest.fixture(scope="module")
def bench(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("set-bench")
    command = [str(REPO / "bench" / "run-set"), "--sizes", "2", "--latency-ms", "0"]
    result = subprocess.run(
        [*command, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    return result, out


def test_every_phase_of_every_stack_ran_and_was_checked(
    bench: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, out = bench
    assert result.returncode == 0, result.stdout + result.stderr
    rows = {
        (r["stack"], r["phase"]): r for r in json.loads((out / "set.json").read_text())["phases"]
    }
    assert len(rows) == 15
    assert all(row["ok"] and row["seconds"] > 0 for row in rows.values()), rows
    assert all(row["state_bytes"] for (_, phase), row in rows.items() if phase != "destroy")
    assert all(row["peak_mib"].get("engine") for row in rows.values())


def test_the_requests_are_those_of_each_phase(
    bench: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, out = bench
    rows = {
        (r["stack"], r["phase"]): r for r in json.loads((out / "set.json").read_text())["phases"]
    }
    assert rows[("set", "create")]["requests"] == {"POST": 1}
    assert rows[("set", "create")]["largest_post"] == 2
    assert rows[("dynamic", "create")]["requests"] == {"POST": 2}
    assert rows[("dynamic", "create")]["largest_post"] == 1
    for stack in ("set", "dynamic"):
        assert rows[(stack, "rotate")]["requests"] == {"PUT": 2}
        assert rows[(stack, "one-changed")]["requests"] == {"PUT": 1}
        assert rows[(stack, "destroy")]["requests"] == {"DELETE": 2}
    assert all(rows[("floor", phase)]["requests"] == {} for phase in ("create", "rotate"))


def test_the_tables_and_targets_are_printed_and_written(
    bench: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, out = bench
    assert "| N | phase | set s | dynamic s | floor s |" in result.stdout
    assert "not measured set create N=2000: at most 5 s (not run)" in result.stdout
    assert "| target | verdict | measured |" in (out / "set.md").read_text()
