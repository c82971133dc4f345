"""The set benchmark (issue 19): one ``SipCredentialSet`` of N entries against N
``SipCredential`` resources and N no-op resources (the engine's floor), with the real
``pulumi`` CLI on the default (file) backend and an in-process sandbox answering every API
request after ``--latency-ms``.

Phases, each stack in turn (``--skip-preview`` throughout): ``create`` (``up``),
``rotate`` (``up`` after a new password seed: every password changes), ``one-changed``
(``up`` with the first entry's password changed), ``refresh``
(``--expect-no-changes``) and ``destroy``. After each phase of the set and the
per-resource stack, the hashes the sandbox holds are checked against the passwords, so a
fast phase that did not do its job fails instead of giving a good number. Per phase it
records the CLI's wall time, the API requests by method (a background thread drains the
sandbox's request log, so 10,000 requests are all counted), the most entries one POST
carried, the peak memory of the pulumi CLI (the engine), the provider and the program, and
after each phase but destroy the bytes of ``pulumi stack export``.

``--set-only N,...`` runs only the set at those sizes (issue 19's 10,000: "every phase
works; state size and peak memory measured"). Writes ``set.json`` and ``set.md`` (the
tables and the targets) to ``--out`` after every size, so a long run stopped half way keeps
what it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
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
from bench.report import traffic
from bench.set_report import (
    API_STACKS,
    MIB,
    SET_PHASES,
    SET_STACKS,
    SetPhase,
    SetStack,
    evaluate,
    resources_table,
    table,
    targets_table,
    targets_text,
)
from bench.workload import USERNAME_PREFIXES, password_at, sip_username
from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, RequestRecord, Sandbox

DEFAULT_SIZES = (100, 500, 2000)
DEFAULT_LATENCY_MS = 50.0
DEFAULT_OUT = REPO / "bench" / "results" / "set-latency-50ms"
DRAIN_SECONDS = 0.25

COMMANDS: dict[str, tuple[str, ...]] = {
    "create": ("up", "--yes", "--skip-preview"),
    "rotate": ("up", "--yes", "--skip-preview"),
    "one-changed": ("up", "--yes", "--skip-preview"),
    "refresh": ("refresh", "--yes", "--skip-preview", "--expect-no-changes"),
    "destroy": ("destroy", "--yes", "--skip-preview"),
}


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...]
    set_only: tuple[int, ...]
    latency: float
    out: Path
    write_concurrency: int | None
    stacks: tuple[SetStack, ...] = SET_STACKS


def _sizes(text: str, parser: argparse.ArgumentParser, flag: str) -> tuple[int, ...]:
    if not text:
        return ()
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        parser.error(f"{flag}: comma-separated whole numbers, e.g. 100,500")
    if min(sizes) < 1:
        parser.error(f"{flag}: every N must be at least 1")
    return sizes


def parse_args(argv: Sequence[str] | None) -> Settings:
    parser = argparse.ArgumentParser(
        prog="bench/run-set",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="sizes N for all three stacks (default %(default)s; '' for none)",
    )
    parser.add_argument(
        "--set-only", default="", help="further sizes N for the set alone, e.g. 10000"
    )
    parser.add_argument(
        "--stacks",
        default=",".join(SET_STACKS),
        help="which of set,dynamic,floor run at --sizes (default all)",
    )
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=DEFAULT_LATENCY_MS,
        help="the sandbox answers every API request after this delay",
    )
    parser.add_argument(
        "--write-concurrency",
        type=int,
        help="bandwidth:writeConcurrency for the set (default: the provider's)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="where set.json and set.md go (default %(default)s)",
    )
    args = parser.parse_args(argv)
    stacks = tuple(part for part in args.stacks.split(",") if part)
    unknown = [stack for stack in stacks if stack not in SET_STACKS]
    if unknown or not stacks:
        parser.error(f"--stacks: some of {','.join(SET_STACKS)}")
    if not 0 <= args.latency_ms <= 60_000:
        parser.error("--latency-ms: from 0 to 60000")
    if args.write_concurrency is not None and args.write_concurrency < 1:
        parser.error("--write-concurrency: at least 1")
    return Settings(
        sizes=_sizes(args.sizes, parser, "--sizes"),
        set_only=_sizes(args.set_only, parser, "--set-only"),
        latency=args.latency_ms / 1000,
        out=args.out,
        write_concurrency=args.write_concurrency,
        stacks=tuple(s for s in SET_STACKS if s in stacks),
    )


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_args(argv)
    started = datetime.now(timezone.utc)
    rows: list[SetPhase] = []
    sandbox = Sandbox(latency_seconds=settings.latency)
    # The set alone first: its runs are short, and hold the targets.
    runs: list[tuple[int, tuple[SetStack, ...]]] = [(n, ("set",)) for n in settings.set_only]
    runs += [(n, settings.stacks) for n in settings.sizes]
    with sandbox.running(), RequestLog(sandbox) as log:
        for n, stacks in runs:
            rows.extend(SizeRun(sandbox, log, settings, n, stacks).run())
            write_outputs(rows, settings, started)
    targets = evaluate(rows)
    print(table(rows))
    print()
    print(resources_table(rows))
    print(f"\nTargets (issue 19; API latency {settings.latency * 1000:g} ms):")
    print(targets_text(targets))
    print(f"\nwrote {settings.out / 'set.json'} and set.md")
    failed = [f"N={r.n} {r.stack} {r.phase}" for r in rows if not r.ok]
    if failed:
        print(f"failed phases: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def write_outputs(rows: Sequence[SetPhase], settings: Settings, started: datetime) -> None:
    targets = evaluate(rows)
    settings.out.mkdir(parents=True, exist_ok=True)
    meta = {
        "started": started.isoformat(timespec="seconds"),
        "latency_seconds": settings.latency,
        "write_concurrency": settings.write_concurrency,
        "commit": _output("git", "-C", str(REPO), "rev-parse", "--short", "HEAD"),
        "pulumi": _output("pulumi", "version"),
    }
    report = {
        "meta": meta,
        "phases": [row.to_json() for row in rows],
        "targets": [target.to_json() for target in targets],
    }
    (settings.out / "set.json").write_text(json.dumps(report, indent=2) + "\n")
    markdown = [
        f"# The set benchmark (issue 19), API latency {settings.latency * 1000:g} ms",
        "",
        f"Run {meta['started']} at commit {meta['commit']}, {meta['pulumi']}, default (file)"
        " backend; `bandwidth:writeConcurrency` "
        f"{settings.write_concurrency or 'default (16)'}.",
        "",
        table(rows),
        "",
        resources_table(rows),
        "",
        targets_table(targets),
        "",
    ]
    (settings.out / "set.md").write_text("\n".join(markdown))


class RequestLog:
    """Drains the sandbox's bounded request log from a thread, so no record is lost."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="request-log", daemon=True)

    def __enter__(self) -> RequestLog:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stopping.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stopping.wait(DRAIN_SECONDS):
            self._drain()

    def _drain(self) -> None:
        records = self._sandbox.drain_requests()
        with self._lock:
            self._records.extend(records)

    def take(self) -> list[RequestRecord]:
        """Every record since the last call."""
        self._drain()
        with self._lock:
            records, self._records = self._records, []
        return records


class SizeRun:
    """The chosen stacks at one N, in a throwaway project directory."""

    def __init__(
        self,
        sandbox: Sandbox,
        log: RequestLog,
        settings: Settings,
        n: int,
        stacks: tuple[SetStack, ...],
    ) -> None:
        self.sandbox = sandbox
        self.log = log
        self.settings = settings
        self.n = n
        self.stacks = stacks
        self.seeds = [secrets.token_urlsafe(24), secrets.token_urlsafe(24)]  # before/after

    def run(self) -> list[SetPhase]:
        self.sandbox.reset()  # keeps the latency
        rows: list[SetPhase] = []
        with tempfile.TemporaryDirectory(prefix=f"bw-set-bench-{self.n}-") as workdir:
            project = BenchProject(Path(workdir))
            for stack in self.stacks:
                self._init_stack(project, stack)
            broken: dict[SetStack, str] = {}
            for phase in SET_PHASES:
                for stack in self.stacks:
                    if stack in broken:
                        skipped = f"skipped: {broken[stack]} failed"
                        rows.append(SetPhase(self.n, stack, phase, ok=False, error=skipped))
                        continue
                    row = self._phase(project, stack, phase)
                    _progress(row)
                    rows.append(row)
                    if not row.ok:
                        broken[stack] = phase
            for stack in broken:
                _clean_up(project, stack, self.n)
        return rows

    def _init_stack(self, project: BenchProject, stack: SetStack) -> None:
        plain = {"kind": stack, "count": str(self.n), "realm": DEFAULT_REALM}
        plain.update(sandbox_settings(self.sandbox))
        if self.settings.write_concurrency is not None:
            plain["bandwidth:writeConcurrency"] = str(self.settings.write_concurrency)
        secrets = {
            "bandwidth:clientSecret": self.sandbox.config.client_secret,
            "passwordSeed": self.seeds[0],
        }
        init_stack(project, stack, plain, secrets)

    def _phase(self, project: BenchProject, stack: SetStack, phase: str) -> SetPhase:
        if phase == "rotate":
            set_secret(project, stack, "passwordSeed", self.seeds[1])
        if phase == "one-changed":
            project.run("config", "set", "--stack", stack, "changeFirst", "true")
        self.log.take()
        error: str | None = None
        seconds: float | None = None
        peaks: dict[str, float] = {}
        try:
            run = project.run(*COMMANDS[phase], "--stack", stack)
        except CliFailed as failure:
            error = str(failure)
        else:
            seconds = run.seconds
            peaks = {role: peak / MIB for role, peak in run.peaks.items()}
        records = self.log.take()
        if error is None and stack in API_STACKS:
            error = self._check_sandbox(stack, phase)
        state_bytes = None
        if error is None and phase != "destroy":
            state_bytes = _state_bytes(project, stack)
        seen = traffic(records)
        return SetPhase(
            n=self.n,
            stack=stack,
            phase=phase,
            ok=error is None,
            seconds=seconds,
            requests=seen.by_method,
            tokens=seen.tokens,
            largest_post=max((r.entries for r in records if r.method == "POST"), default=0),
            retries=seen.retries,
            load=round(os.getloadavg()[0], 2),
            peak_mib=peaks,
            state_bytes=state_bytes,
            error=error,
        )

    def _check_sandbox(self, stack: SetStack, phase: str) -> str | None:
        """What the sandbox holds of ``stack``'s credentials after one of its phases: each
        with the hashes of its current password, or none after destroy. None when right."""
        wanted: dict[str, tuple[str, str]] = {}
        if phase != "destroy":
            seed = self.seeds[0] if phase == "create" else self.seeds[1]
            change_first = phase in ("one-changed", "refresh")
            for index in range(self.n):
                name = sip_username(stack, index)
                password = password_at(seed, name, index, change_first)
                hashes = compute_hashes(name, password, DEFAULT_REALM)
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


def _state_bytes(project: BenchProject, stack: str) -> int:
    """The size of the stack's state as ``pulumi stack export`` writes it."""
    exported = subprocess.run(
        [project.cli, "stack", "export", "--stack", stack, "--non-interactive"],
        cwd=project.project_dir,
        env=project.env,
        capture_output=True,
        check=True,
        timeout=600,
    )
    return len(exported.stdout)


def _clean_up(project: BenchProject, stack: str, n: int) -> None:
    """Best effort after a failure, so the next N starts from an empty account."""
    try:
        project.run("destroy", "--yes", "--skip-preview", "--stack", stack)
    except CliFailed as failure:
        print(f"N={n} {stack}: clean-up failed: {failure}", file=sys.stderr)


def _progress(row: SetPhase) -> None:
    outcome = f"{row.seconds:.1f} s" if row.seconds is not None else "FAILED"
    outcome += f", {sum(row.requests.values())} requests {row.requests}"
    if row.error:
        outcome += f"\n{row.error}"
    print(f"bench: N={row.n} {row.stack} {row.phase}: {outcome}", file=sys.stderr, flush=True)


def _output(*command: str) -> str | None:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
