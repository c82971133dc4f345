"""The fleet benchmark (issues 9 and 12): N SIP credentials against N no-op resources.

For each N it makes three stacks of one project: "dynamic" (N ``bw_pulumi.SipCredential``,
the dynamic provider), "native" (N ``pulumi_bandwidth.SipCredential``, the ``bandwidth``
package provider) and "floor" (N no-op dynamic resources with the same inputs: the
engine's own cost). It runs the phases below on each, alternating stacks phase by phase so
that a busy machine slows all alike. Everything goes through the real ``pulumi`` CLI
against an in-process sandbox that answers every API request after ``--latency-ms``. Per
phase it records the wall time of the CLI, the API requests by method, list and token
requests, committed writes, TCP connections opened, retries, and the peak memory of the
provider process; then it prints a Markdown table and the verdict on each target of the
issues, and writes ``fleet.json`` and ``fleet.png`` to ``--out``.

The phases (``--skip-preview`` throughout, so each command does one thing; preview is a
phase of its own): ``up`` creating everything; ``preview`` and ``up`` with no change
(``--expect-no-changes``); ``refresh`` (``--expect-no-changes``: reads must agree with the
state); ``up`` after rotating every password; ``destroy``. After each phase of a
provider's stack the hashes the sandbox holds are checked against the passwords, so a fast
phase that did not do its job is a failure, not a good number. The two providers' stacks
share the sandbox's account, each with usernames of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from bench.cli_stack import (
    REPO,
    BenchProject,
    CliFailed,
    init_stack,
    sandbox_settings,
    set_secret,
)
from bench.report import (
    PHASES,
    PROVIDERS,
    STACKS,
    TABLE_KEY,
    PhaseResult,
    Results,
    StackKind,
    Target,
    evaluate_targets,
    table,
    targets_text,
    traffic,
)
from bench.workload import USERNAME_PREFIXES, derive_password, sip_username
from bw_pulumi import compute_hashes
from bw_pulumi.native.provider import MAX_THREADS
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox
from bw_pulumi.sandbox.state import REQUEST_LOG_LIMIT

DEFAULT_SIZES = (10, 100, 500, 1500)
DEFAULT_LATENCY_MS = 50.0
DEFAULT_OUT = REPO / "bench" / "results"
#: The dynamic provider process serves at most this many gRPC calls at once (the
#: ThreadPoolExecutor in pulumi/dynamic/__main__.py); the package provider up to
#: MAX_THREADS. Pulumi's own --parallel default is 8.
PROVIDER_WORKERS: dict[StackKind, int] = {"dynamic": 4, "native": MAX_THREADS}
PULUMI_DEFAULT_PARALLEL = 8
MIB = 1 << 20

COMMANDS: dict[str, tuple[str, ...]] = {
    "create": ("up", "--yes", "--skip-preview"),
    "preview": ("preview", "--expect-no-changes"),
    "up-unchanged": ("up", "--yes", "--skip-preview", "--expect-no-changes"),
    "refresh": ("refresh", "--yes", "--skip-preview", "--expect-no-changes"),
    "rotate": ("up", "--yes", "--skip-preview"),
    "destroy": ("destroy", "--yes", "--skip-preview"),
}


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...]
    latency: float
    parallel: int | None
    out: Path
    skip_checkpoints: bool = False

    @property
    def concurrency(self) -> dict[StackKind, int]:
        """API calls in flight at once, by stack: the provider's workers, or fewer when
        the engine runs fewer steps at once (--parallel)."""
        steps = self.parallel or PULUMI_DEFAULT_PARALLEL
        return {stack: min(workers, steps) for stack, workers in PROVIDER_WORKERS.items()}

    @property
    def parallel_args(self) -> tuple[str, ...]:
        return () if self.parallel is None else ("--parallel", str(self.parallel))


def parse_args(argv: Sequence[str] | None) -> Settings:
    parser = argparse.ArgumentParser(
        prog="bench/run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="comma-separated stack sizes N (default %(default)s)",
    )
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=DEFAULT_LATENCY_MS,
        help="the sandbox answers every API request after this delay (default %(default)s)",
    )
    parser.add_argument(
        "--parallel", type=int, help="pass --parallel P to pulumi (default: Pulumi's own)"
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="where fleet.json and fleet.png go"
    )
    parser.add_argument(
        "--skip-checkpoints",
        action="store_true",
        help="set PULUMI_SKIP_CHECKPOINTS for every stack: the engine then writes the"
        " state once per update instead of after every step (which costs O(N^2))",
    )
    args = parser.parse_args(argv)
    try:
        sizes = tuple(int(part) for part in args.sizes.split(","))
    except ValueError:
        parser.error("--sizes: comma-separated whole numbers, e.g. 10,100,500")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes: every N must be at least 1")
    if not 0 <= args.latency_ms <= 60_000:
        parser.error("--latency-ms: from 0 to 60000")
    if args.parallel is not None and args.parallel < 1:
        parser.error("--parallel: at least 1")
    return Settings(sizes, args.latency_ms / 1000, args.parallel, args.out, args.skip_checkpoints)


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_args(argv)
    started, clock = datetime.now(timezone.utc), time.monotonic()
    rows: list[PhaseResult] = []
    sandbox = Sandbox(latency_seconds=settings.latency)
    with sandbox.running():
        for n in settings.sizes:
            rows.extend(SizeRun(sandbox, settings, n).run())
            # After every N, so that a long run stopped half way keeps what it measured.
            targets = _write_outputs(rows, settings, started, time.monotonic() - clock)
    print(table(Results(rows)))
    print(f"\n{TABLE_KEY}")
    conditions = f"API latency {settings.latency * 1000:g} ms"
    if settings.skip_checkpoints:
        conditions += ", PULUMI_SKIP_CHECKPOINTS"
    print(f"\nTargets (issues 9 and 12; {conditions}):")
    print(targets_text(targets))
    print(f"\nwrote {settings.out / 'fleet.json'}")
    if (settings.out / "fleet.png").exists():
        print(f"wrote {settings.out / 'fleet.png'}")
    failed = [f"N={r.n} {r.stack} {r.phase}" for r in rows if not r.ok]
    if failed:
        print(f"failed phases: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def _write_outputs(
    rows: list[PhaseResult], settings: Settings, started: datetime, seconds: float
) -> list[Target]:
    results = Results(rows)
    targets = evaluate_targets(results, settings.latency, settings.concurrency)
    settings.out.mkdir(parents=True, exist_ok=True)
    report = {
        "meta": _meta(settings, started, seconds),
        "phases": [row.to_json() for row in rows],
        "targets": [target.to_json() for target in targets],
    }
    (settings.out / "fleet.json").write_text(json.dumps(report, indent=2) + "\n")
    _plot(results, settings)
    return targets


class SizeRun:
    """Every stack at one N, in a throwaway project directory."""

    def __init__(self, sandbox: Sandbox, settings: Settings, n: int) -> None:
        self.sandbox = sandbox
        self.settings = settings
        self.n = n
        self.seeds = [secrets.token_urlsafe(24), secrets.token_urlsafe(24)]  # before/after

    def run(self) -> list[PhaseResult]:
        self.sandbox.reset()  # keeps the latency
        rows: list[PhaseResult] = []
        with tempfile.TemporaryDirectory(prefix=f"bw-bench-{self.n}-") as workdir:
            project = BenchProject(Path(workdir), skip_checkpoints=self.settings.skip_checkpoints)
            for stack in STACKS:
                self._init_stack(project, stack)
            broken: dict[StackKind, str] = {}
            for phase in PHASES:
                for stack in STACKS:
                    if stack in broken:
                        skipped = f"skipped: {broken[stack]} failed"
                        rows.append(PhaseResult(self.n, stack, phase, ok=False, error=skipped))
                        continue
                    row = self._phase(project, stack, phase)
                    _progress(row)
                    rows.append(row)
                    if not row.ok:
                        broken[stack] = phase
            for stack in broken:
                self._clean_up(project, stack)
        return rows

    def _init_stack(self, project: BenchProject, stack: StackKind) -> None:
        plain = {"kind": stack, "count": str(self.n), "realm": DEFAULT_REALM}
        plain.update(sandbox_settings(self.sandbox))
        secrets = {
            "bandwidth:clientSecret": self.sandbox.config.client_secret,
            "passwordSeed": self.seeds[0],
        }
        init_stack(project, stack, plain, secrets)

    def _phase(self, project: BenchProject, stack: StackKind, phase: str) -> PhaseResult:
        if phase == "rotate":
            set_secret(project, stack, "passwordSeed", self.seeds[1])
        sandbox = self.sandbox
        sandbox.drain_requests()
        connections, writes = sandbox.connections_accepted, sandbox.writes
        command = (*COMMANDS[phase], "--stack", stack, *self.settings.parallel_args)
        error: str | None = None
        seconds = provider = program = provider_cpu = None
        harness_cpu = _own_cpu_seconds()
        try:
            run = project.run(*command)
        except CliFailed as failure:
            error = str(failure)
        else:
            seconds = run.seconds
            provider, program = run.peaks.get("provider"), run.peaks.get("program")
            provider_cpu = run.cpu.get("provider")
        harness_cpu = _own_cpu_seconds() - harness_cpu
        records = sandbox.drain_requests()
        if len(records) >= REQUEST_LOG_LIMIT:
            error = error or f"over {REQUEST_LOG_LIMIT} requests: the counts may be short"
        if error is None and stack in PROVIDERS:
            error = self._check_sandbox(stack, phase)
        seen = traffic(records)
        return PhaseResult(
            n=self.n,
            stack=stack,
            phase=phase,
            ok=error is None,
            seconds=seconds,
            requests=seen.by_method,
            lists=seen.lists,
            tokens=seen.tokens,
            write_requests=seen.writes,
            writes_committed=sandbox.writes - writes,
            connections=sandbox.connections_accepted - connections,
            retries=seen.retries,
            provider_peak_mib=None if provider is None else provider / MIB,
            program_peak_mib=None if program is None else program / MIB,
            provider_cpu_seconds=provider_cpu,
            harness_cpu_seconds=harness_cpu,
            error=error,
        )

    def _check_sandbox(self, stack: StackKind, phase: str) -> str | None:
        """What the sandbox holds of ``stack``'s credentials after one of its phases: each
        with the hashes of its current password, or none after destroy. None when right."""
        if phase == "destroy":
            wanted: dict[str, tuple[str, str]] = {}
        else:
            seed = self.seeds[1] if phase == "rotate" else self.seeds[0]
            wanted = {}
            for index in range(self.n):
                name = sip_username(stack, index)
                hashes = compute_hashes(name, derive_password(seed, name), DEFAULT_REALM)
                wanted[hashes.composite_username] = (hashes.hash1, hashes.hash1b)
        held = {
            c.composite_username: (c.hash1, c.hash1b)
            for c in self.sandbox.credentials()
            if c.composite_username.startswith(USERNAME_PREFIXES[stack])
        }
        if held == wanted:
            return None
        wrong = sum(held.get(name) != hashes for name, hashes in wanted.items())
        extra = len(set(held) - set(wanted))
        return f"after {phase} the sandbox holds {wrong} wrong or missing, {extra} extra"

    def _clean_up(self, project: BenchProject, stack: StackKind) -> None:
        """Best effort after a failure, so the next N starts from an empty account."""
        try:
            project.run("destroy", "--yes", "--skip-preview", "--stack", stack)
        except CliFailed as failure:
            print(f"N={self.n} {stack}: clean-up failed: {failure}", file=sys.stderr)


def _own_cpu_seconds() -> float:
    """This process's CPU time: the in-process sandbox's, and the sampler's."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _progress(row: PhaseResult) -> None:
    outcome = f"{row.seconds:.1f} s" if row.seconds is not None else "FAILED"
    if row.error:
        outcome += f"\n{row.error}"
    print(f"bench: N={row.n} {row.stack} {row.phase}: {outcome}", file=sys.stderr, flush=True)


def _meta(settings: Settings, started: datetime, seconds: float) -> dict[str, object]:
    return {
        "started": started.isoformat(timespec="seconds"),
        "total_seconds": round(seconds, 1),
        "sizes": list(settings.sizes),
        "latency_seconds": settings.latency,
        "parallel": settings.parallel,
        "concurrency": settings.concurrency,
        "skip_checkpoints": settings.skip_checkpoints,
        "pulumi": _output("pulumi", "version"),
        "commit": _output("git", "-C", str(REPO), "rev-parse", "--short", "HEAD"),
        "python": platform.python_version(),
        "cpus": _cpus(),
    }


def _output(*command: str) -> str | None:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip()


def _cpus() -> int | None:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _plot(results: Results, settings: Settings) -> None:
    try:
        from bench.plot import plot
    except ImportError:  # matplotlib: the bench extra (bench/run installs it)
        print("no matplotlib: skipped fleet.png (pip install -e '.[bench]')", file=sys.stderr)
        return
    plot(
        results,
        settings.latency,
        settings.concurrency,
        settings.out / "fleet.png",
        skip_checkpoints=settings.skip_checkpoints,
    )


if __name__ == "__main__":
    sys.exit(main())
