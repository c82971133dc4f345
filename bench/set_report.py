"""What the set benchmark (issue 19) makes of its measurements: the targets at N=2,000,
the 10,000-entry run, and the tables. Pure functions over plain data, tested without the
CLI (``tests/unit/test_set_bench_report.py``).

Three stacks: "set" (one ``bw_pulumi.SipCredentialSet`` of N entries), "dynamic" (N
``bw_pulumi.SipCredential``, one resource per credential) and "floor" (N no-op dynamic
resources with the same inputs: the engine's own cost per resource).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SetStack = Literal["set", "dynamic", "floor"]
SET_STACKS: tuple[SetStack, ...] = ("set", "dynamic", "floor")
#: The stacks that call the API (their hashes are checked after every phase).
API_STACKS: tuple[SetStack, ...] = ("set", "dynamic")
SET_PHASES: tuple[str, ...] = ("create", "rotate", "one-changed", "refresh", "destroy")
METHODS: tuple[str, ...] = ("GET", "POST", "PUT", "DELETE")

#: Issue 19's reference size, and its fleet size for "every phase works".
TARGET_N = 2000
LARGE_N = 10_000
#: (phase, most seconds) at TARGET_N.
SECONDS_TARGETS: tuple[tuple[str, float], ...] = (
    ("create", 5.0),
    ("rotate", 12.0),
    ("one-changed", 3.0),
    ("refresh", 3.0),
    ("destroy", 12.0),
)
MAX_CREATE_POSTS = 20
MAX_ONE_CHANGED_REQUESTS = 1
MIB = 1 << 20


@dataclass
class SetPhase:
    """One phase of one stack at one N, as measured."""

    n: int
    stack: SetStack
    phase: str
    ok: bool
    seconds: float | None = None
    #: API requests by method; the OAuth2 token requests apart (one per provider process).
    requests: dict[str, int] = field(default_factory=dict)
    tokens: int = 0
    #: The most credentials one POST carried (the request log's ``entries``).
    largest_post: int = 0
    #: Replies our client retries (429, 5xx) plus requests repeated for the same path.
    retries: int = 0
    #: The machine's 1-minute load average when the phase ended (2 cores, shared).
    load: float | None = None
    #: Peak resident memory (VmHWM) by role: "engine" (the pulumi CLI), "provider",
    #: "program"; in MiB.
    peak_mib: dict[str, float] = field(default_factory=dict)
    #: Bytes of ``pulumi stack export`` after the phase (None after destroy).
    state_bytes: int | None = None
    error: str | None = None

    @property
    def api_requests(self) -> int:
        return sum(self.requests.values())

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> SetPhase:
        return cls(**row)


@dataclass(frozen=True)
class SetTarget:
    name: str
    met: bool | None  # None: not measured
    detail: str

    @property
    def verdict(self) -> str:
        return "not measured" if self.met is None else ("met" if self.met else "MISSED")

    def to_json(self) -> dict[str, object]:
        return {**asdict(self), "verdict": self.verdict}


def find(rows: Sequence[SetPhase], n: int, stack: SetStack, phase: str) -> SetPhase | None:
    return next((r for r in rows if (r.n, r.stack, r.phase) == (n, stack, phase)), None)


def evaluate(rows: Sequence[SetPhase]) -> list[SetTarget]:
    """Each of issue 19's targets, judged on the set's rows."""
    targets: list[SetTarget] = []
    for phase, most in SECONDS_TARGETS:
        targets.append(_seconds_target(rows, phase, most))
        if phase == "create":
            targets.append(_posts_target(rows))
        if phase == "one-changed":
            targets.append(_one_request_target(rows))
    targets.append(_large_target(rows))
    return targets


def _seconds_target(rows: Sequence[SetPhase], phase: str, most: float) -> SetTarget:
    name = f"set {phase} N={TARGET_N}: at most {most:g} s"
    row = find(rows, TARGET_N, "set", phase)
    if row is None or row.seconds is None:
        return SetTarget(name, None if row is None else False, _missing(row))
    return SetTarget(name, row.ok and row.seconds <= most, f"{row.seconds:.1f} s")


def _posts_target(rows: Sequence[SetPhase]) -> SetTarget:
    name = f"set create N={TARGET_N}: at most {MAX_CREATE_POSTS} POSTs"
    row = find(rows, TARGET_N, "set", "create")
    if row is None or not row.ok:
        return SetTarget(name, None if row is None else False, _missing(row))
    posts = row.requests.get("POST", 0)
    detail = f"{posts} POSTs (at most {row.largest_post} entries each)"
    return SetTarget(name, posts <= MAX_CREATE_POSTS, detail)


def _one_request_target(rows: Sequence[SetPhase]) -> SetTarget:
    name = f"set one-changed N={TARGET_N}: {MAX_ONE_CHANGED_REQUESTS} request"
    row = find(rows, TARGET_N, "set", "one-changed")
    if row is None or not row.ok:
        return SetTarget(name, None if row is None else False, _missing(row))
    detail = f"{row.api_requests} API requests ({_methods(row)}), {row.tokens} token"
    return SetTarget(name, row.api_requests <= MAX_ONE_CHANGED_REQUESTS, detail)


def _large_target(rows: Sequence[SetPhase]) -> SetTarget:
    name = f"set N={LARGE_N}: every phase works; state size and peak memory"
    large = [r for r in rows if r.n == LARGE_N and r.stack == "set"]
    if not large:
        return SetTarget(name, None, "not run")
    failed = [r.phase for r in large if not r.ok]
    ran = {r.phase for r in large}
    missing = [phase for phase in SET_PHASES if phase not in ran]
    state = max((r.state_bytes or 0 for r in large), default=0)
    peaks = {role: max(r.peak_mib.get(role, 0.0) for r in large) for role in _roles(large)}
    memory = ", ".join(f"{role} {mib:.0f} MiB" for role, mib in sorted(peaks.items()))
    detail = f"state {state / MIB:.1f} MiB; peak {memory}"
    if failed or missing:
        detail = f"failed: {', '.join(failed + missing)}; {detail}"
    return SetTarget(name, not failed and not missing and state > 0 and bool(peaks), detail)


def _roles(rows: Sequence[SetPhase]) -> list[str]:
    return sorted({role for row in rows for role in row.peak_mib})


def _missing(row: SetPhase | None) -> str:
    if row is None:
        return "not run"
    return f"failed: {(row.error or '').splitlines()[0] if row.error else 'no time'}"


def _methods(row: SetPhase) -> str:
    parts = [f"{row.requests[m]} {m}" for m in METHODS if row.requests.get(m)]
    return ", ".join(parts) or "none"


def targets_text(targets: Sequence[SetTarget]) -> str:
    width = max(len(t.verdict) for t in targets)
    return "\n".join(f"{t.verdict:<{width}} {t.name} ({t.detail})" for t in targets)


def targets_table(targets: Sequence[SetTarget]) -> str:
    lines = ["| target | verdict | measured |", "|---|---|---|"]
    lines += [f"| {t.name} | {t.verdict} | {t.detail} |" for t in targets]
    return "\n".join(lines)


def table(rows: Sequence[SetPhase]) -> str:
    """Seconds per phase: the set, the per-resource stack and the floor, side by side,
    with each stack's API requests."""
    lines = [
        "| N | phase | set s | dynamic s | floor s | set requests | dynamic requests |",
        "|---|---|---|---|---|---|---|",
    ]
    for n in sorted({r.n for r in rows}):
        for phase in SET_PHASES:
            cells = [find(rows, n, stack, phase) for stack in SET_STACKS]
            if all(cell is None for cell in cells):
                continue
            seconds = [_seconds(cell) for cell in cells]
            lines.append(
                f"| {n:,} | {phase} | {' | '.join(seconds)} | "
                f"{_traffic(cells[0])} | {_traffic(cells[1])} |"
            )
    return "\n".join(lines)


def _seconds(row: SetPhase | None) -> str:
    if row is None:
        return "-"
    if not row.ok or row.seconds is None:
        return "FAILED"
    return f"{row.seconds:.1f}"


def _traffic(row: SetPhase | None) -> str:
    return "-" if row is None or not row.ok else _methods(row)


def resources_table(rows: Sequence[SetPhase]) -> str:
    """The set's state size and peak memory per N (after create; peaks over all phases)."""
    lines = [
        "| N | state after create | engine peak | provider peak | program peak |",
        "|---|---|---|---|---|",
    ]
    for n in sorted({r.n for r in rows if r.stack == "set"}):
        mine = [r for r in rows if r.n == n and r.stack == "set"]
        created = find(rows, n, "set", "create")
        size = "-" if created is None or created.state_bytes is None else _size(created.state_bytes)
        peaks = [max((r.peak_mib.get(role, 0.0) for r in mine), default=0.0) for role in ROLES]
        lines.append(f"| {n:,} | {size} | " + " | ".join(f"{p:.0f} MiB" for p in peaks) + " |")
    return "\n".join(lines)


ROLES: tuple[str, ...] = ("engine", "provider", "program")


def _size(size: int) -> str:
    return f"{size / MIB:.2f} MiB" if size >= MIB else f"{size / 1024:.0f} KiB"
