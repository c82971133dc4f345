"""What the benchmark makes of its measurements: the traffic of a phase, the targets of
issues 9 and 12, and the table. Pure functions over plain data, so they are tested without
the CLI.

Three stacks: "dynamic" (``bw_pulumi.SipCredential``, the dynamic provider), "native"
(``pulumi_bandwidth.SipCredential``, the ``bandwidth`` package provider) and "floor" (no-op
dynamic resources with the same inputs: the engine's own cost).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, TypeGuard

from bw_pulumi.sandbox import RequestRecord

PHASES: tuple[str, ...] = ("create", "preview", "up-unchanged", "refresh", "rotate", "destroy")
WRITE_PHASES: tuple[str, ...] = ("create", "rotate", "destroy")
NO_CHANGE_PHASES: tuple[str, ...] = ("preview", "up-unchanged")
StackKind = Literal["dynamic", "native", "floor"]
STACKS: tuple[StackKind, ...] = ("dynamic", "native", "floor")
#: The stacks that call the API.
PROVIDERS: tuple[StackKind, ...] = ("dynamic", "native")
#: What results written before the native stack existed call the dynamic stack.
LEGACY_STACK_NAMES: dict[str, StackKind] = {"ours": "dynamic"}
METHODS: tuple[str, ...] = ("GET", "POST", "PUT", "DELETE")

TOKEN_PATH = "/api/v1/oauth2/token"  # noqa: S105 - a URL path
#: Replies our client retries (bw_pulumi/api/retry.py): 429 and gateway errors; 500 for creates.
RETRIED_STATUSES = frozenset({429, 502, 503, 504})

#: Issue 9's reference size and bounds.
TARGET_N = 500
MAX_REFRESH_LISTS = 3
REFRESH_FLOOR_RATIO = 1.5
WRITE_SLACK = 1.10
FLEET_N = 1500
#: Issue 12: the native provider's writes at N=500 within this factor of the floor.
NATIVE_FLOOR_RATIO = 1.2


@dataclass(frozen=True)
class Traffic:
    """The API requests of one phase, as the sandbox saw them."""

    by_method: dict[str, int]
    lists: int
    tokens: int
    #: Replies our client answers with a retry (so one retry follows each).
    retried_replies: int
    #: GET/PUT/DELETE requests for a path already requested in the phase: a retry after a
    #: lost connection shows up here even though the server saw no error.
    repeats: int

    @property
    def total(self) -> int:
        return sum(self.by_method.values()) + self.tokens

    @property
    def writes(self) -> int:
        return sum(self.by_method.get(method, 0) for method in ("POST", "PUT", "DELETE"))

    @property
    def retries(self) -> int:
        return self.retried_replies + self.repeats


def traffic(records: Iterable[RequestRecord]) -> Traffic:
    by_method: Counter[str] = Counter()
    seen: Counter[tuple[str, str]] = Counter()
    lists = tokens = retried = 0
    for record in records:
        path = record.path.split("?", 1)[0]
        if path == TOKEN_PATH:
            tokens += 1
        else:
            by_method[record.method] += 1
        if record.method == "GET" and path.endswith("/sipcredentials"):
            lists += 1
        if record.status in RETRIED_STATUSES or (record.status == 500 and record.method == "POST"):
            retried += 1
        if record.method in ("GET", "PUT", "DELETE"):
            seen[(record.method, record.path)] += 1
    repeats = sum(count - 1 for count in seen.values())
    return Traffic(dict(by_method), lists, tokens, retried, repeats)


@dataclass
class PhaseResult:
    n: int
    stack: StackKind
    phase: str
    ok: bool
    seconds: float | None = None
    requests: dict[str, int] = field(default_factory=dict)
    lists: int = 0
    tokens: int = 0
    write_requests: int = 0
    writes_committed: int = 0
    connections: int = 0
    retries: int = 0
    provider_peak_mib: float | None = None
    program_peak_mib: float | None = None
    #: CPU time of the provider process(es) and of the harness process (the in-process
    #: sandbox, plus the sampler's small share): the sandbox competes with the CLI for
    #: the same cores here, as a real Bandwidth API would not.
    provider_cpu_seconds: float | None = None
    harness_cpu_seconds: float | None = None
    error: str | None = None

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> PhaseResult:
        stack = LEGACY_STACK_NAMES.get(row["stack"], row["stack"])
        return cls(**{**row, "stack": stack})


@dataclass(frozen=True)
class Target:
    name: str
    met: bool | None  # None: not measured in this run
    detail: str

    @property
    def verdict(self) -> str:
        return {True: "met", False: "NOT MET", None: "not measured"}[self.met]

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "met": self.met, "verdict": self.verdict, "detail": self.detail}


class Results:
    """All phase results of a run, looked up by (N, stack, phase)."""

    def __init__(self, rows: Sequence[PhaseResult]) -> None:
        self.rows = list(rows)
        self._index = {(r.n, r.stack, r.phase): r for r in self.rows}

    def get(self, n: int, stack: StackKind, phase: str) -> PhaseResult | None:
        return self._index.get((n, stack, phase))

    def sizes(self) -> list[int]:
        return sorted({r.n for r in self.rows})

    def ratio(self, n: int, stack: StackKind, phase: str) -> float | None:
        """Wall time of ``stack`` over the floor's, when both succeeded."""
        ours, floor = self.get(n, stack, phase), self.get(n, "floor", phase)
        if ours is None or floor is None or not (ours.ok and floor.ok):
            return None
        if ours.seconds is None or not floor.seconds:
            return None
        return ours.seconds / floor.seconds


def evaluate_targets(
    results: Results, latency: float, concurrency: dict[StackKind, int]
) -> list[Target]:
    """The targets of issue 9 (for both providers) and of issue 12 (the native provider's
    writes), each met, not met, or not measured (its N or its stack not in this run).

    ``concurrency``: API calls each provider makes at once."""
    targets: list[Target] = []
    for stack in PROVIDERS:
        targets += _no_change_targets(results, stack)
        targets += _refresh_targets(results, stack)
        for phase in WRITE_PHASES:
            targets += _write_targets(results, stack, phase, latency, concurrency[stack])
    targets += [_native_floor_target(results, phase) for phase in WRITE_PHASES]
    targets.append(_fleet_target(results))
    return targets


def _no_change_targets(results: Results, stack: StackKind) -> list[Target]:
    targets = []
    for phase in NO_CHANGE_PHASES:
        rows = [r for n in results.sizes() if (r := results.get(n, stack, phase)) is not None]
        measured = [r for r in rows if r.ok]
        name = f"{stack} {phase}: zero API requests"
        if not measured:
            targets.append(Target(name, None, "no successful run"))
            continue
        counts = ", ".join(f"N={r.n}: {sum(r.requests.values()) + r.tokens}" for r in measured)
        met = all(sum(r.requests.values()) + r.tokens == 0 for r in measured)
        targets.append(Target(name, met, counts))
    return targets


def _pair(results: Results, stack: StackKind, phase: str) -> tuple[PhaseResult, PhaseResult] | str:
    ours, floor = results.get(TARGET_N, stack, phase), results.get(TARGET_N, "floor", phase)
    if ours is None and floor is None:
        return f"N={TARGET_N} not in this run"
    if ours is None or floor is None:
        return f"no {stack if ours is None else 'floor'} stack at N={TARGET_N}"
    if not (ours.ok and floor.ok) or ours.seconds is None or floor.seconds is None:
        return f"N={TARGET_N} {phase} failed"
    return ours, floor


def _refresh_targets(results: Results, stack: StackKind) -> list[Target]:
    lists_name = f"{stack} refresh N={TARGET_N}: at most {MAX_REFRESH_LISTS} list requests"
    time_name = f"{stack} refresh N={TARGET_N}: within {REFRESH_FLOOR_RATIO}x of the floor"
    pair = _pair(results, stack, "refresh")
    if isinstance(pair, str):
        return [Target(lists_name, None, pair), Target(time_name, None, pair)]
    ours, floor = pair
    assert ours.seconds is not None and floor.seconds is not None
    ratio = ours.seconds / floor.seconds
    reads = ours.requests.get("GET", 0)
    return [
        Target(lists_name, ours.lists <= MAX_REFRESH_LISTS, f"{ours.lists} lists, {reads} GETs"),
        Target(
            time_name,
            ratio <= REFRESH_FLOOR_RATIO,
            f"{ours.seconds:.1f} s vs floor {floor.seconds:.1f} s ({ratio:.2f}x)",
        ),
    ]


def _write_targets(
    results: Results, stack: StackKind, phase: str, latency: float, concurrency: int
) -> list[Target]:
    n = TARGET_N
    names = (
        f"{stack} {phase} N={n}: within {WRITE_SLACK - 1:.0%} of floor"
        f" + N x latency / {concurrency}",
        f"{stack} {phase} N={n}: exactly N write requests",
        f"{stack} {phase} N={n}: no retries",
        f"{stack} {phase} N={n}: at most one TCP connection per concurrent call ({concurrency})",
    )
    pair = _pair(results, stack, phase)
    if isinstance(pair, str):
        return [Target(name, None, pair) for name in names]
    ours, floor = pair
    assert ours.seconds is not None and floor.seconds is not None
    bound = floor.seconds + n * latency / concurrency
    return [
        Target(
            names[0],
            ours.seconds <= WRITE_SLACK * bound,
            f"{ours.seconds:.1f} s vs {bound:.1f} s (x{ours.seconds / bound:.2f})",
        ),
        Target(names[1], ours.write_requests == n, f"{ours.write_requests} writes"),
        Target(names[2], ours.retries == 0, f"{ours.retries} retries"),
        Target(names[3], ours.connections <= concurrency, f"{ours.connections} connections"),
    ]


def _native_floor_target(results: Results, phase: str) -> Target:
    name = f"native {phase} N={TARGET_N}: within {NATIVE_FLOOR_RATIO}x of the floor"
    pair = _pair(results, "native", phase)
    if isinstance(pair, str):
        return Target(name, None, pair)
    native, floor = pair
    assert native.seconds is not None and floor.seconds is not None
    ratio = native.seconds / floor.seconds
    detail = f"{native.seconds:.1f} s vs floor {floor.seconds:.1f} s ({ratio:.2f}x)"
    return Target(name, ratio <= NATIVE_FLOOR_RATIO, detail)


def _fleet_target(results: Results) -> Target:
    name = f"N={FLEET_N}: every phase succeeds"
    rows = [results.get(FLEET_N, stack, phase) for stack in STACKS for phase in PHASES]
    if all(row is None for row in rows):
        return Target(name, None, f"N={FLEET_N} not in this run")
    failed = [f"{r.stack} {r.phase}" for r in rows if r is not None and not r.ok]
    missing = sum(row is None for row in rows)
    met = not failed and not missing
    return Target(name, met, "all succeeded" if met else f"failed: {', '.join(failed) or '-'}")


# -- the table ----------------------------------------------------------------------------

COLUMNS = (
    "N",
    "phase",
    "dynamic s",
    "native s",
    "floor s",
    "dynamic/floor",
    "native/floor",
    "GET",
    "POST",
    "PUT",
    "DELETE",
    "lists",
    "token",
    "conns",
    "retries",
    "provider MiB",
    "provider CPU s",
    "sandbox CPU s",
)
#: What the table's cells after the ratios hold, for the note under it.
TABLE_KEY = (
    "Requests, lists, tokens, connections, retries and the sandbox's CPU read"
    ' "dynamic / native"; the provider process\'s peak memory and CPU read'
    ' "dynamic / native / floor".'
)


def table(results: Results) -> str:
    """A Markdown table: one row per (N, phase), the three stacks side by side."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---" for _ in COLUMNS) + "|"]
    for n in results.sizes():
        for phase in PHASES:
            rows = {stack: results.get(n, stack, phase) for stack in STACKS}
            if all(row is None for row in rows.values()):
                continue
            lines.append("| " + " | ".join(_cells(results, n, phase, rows)) + " |")
    return "\n".join(lines)


def _cells(
    results: Results, n: int, phase: str, rows: dict[StackKind, PhaseResult | None]
) -> list[str]:
    ratios = [results.ratio(n, stack, phase) for stack in PROVIDERS]
    cells = [str(n), phase, *(_seconds(rows[stack]) for stack in STACKS)]
    cells += [f"{ratio:.2f}" if ratio else "-" for ratio in ratios]
    providers = [rows[stack] for stack in PROVIDERS]
    counts = [
        *(_requests(providers, method) for method in METHODS),
        _each(providers, lambda r: r.lists),
        _each(providers, lambda r: r.tokens),
        _each(providers, lambda r: r.connections),
        _each(providers, lambda r: r.retries),
    ]
    every = [rows[stack] for stack in STACKS]
    process = [
        " / ".join(_mib(row) for row in every),
        " / ".join(_provider_cpu(row) for row in every),
        " / ".join(_cpu(row.harness_cpu_seconds) if _ran(row) else "-" for row in providers),
    ]
    return [*cells, *counts, *process]


def _each(rows: list[PhaseResult | None], value: Callable[[PhaseResult], int]) -> str:
    """``value`` of each successful row, "-" for the others, joined by " / "."""
    return " / ".join(str(value(row)) if _ran(row) else "-" for row in rows)


def _requests(rows: list[PhaseResult | None], method: str) -> str:
    return _each(rows, lambda row: row.requests.get(method, 0))


def _ran(row: PhaseResult | None) -> TypeGuard[PhaseResult]:
    return row is not None and row.ok


def _provider_cpu(row: PhaseResult | None) -> str:
    return "-" if row is None else _cpu(row.provider_cpu_seconds)


def _cpu(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f}"


def _seconds(row: PhaseResult | None) -> str:
    if row is None:
        return "-"
    if row.error is not None and row.error.startswith("skipped"):
        return "skipped"
    if not row.ok or row.seconds is None:
        return "FAILED"
    return f"{row.seconds:.1f}"


def _mib(row: PhaseResult | None) -> str:
    if row is None or row.provider_peak_mib is None:
        return "-"
    return f"{row.provider_peak_mib:.0f}"


def targets_text(targets: Sequence[Target]) -> str:
    width = max(len(t.name) for t in targets)
    return "\n".join(f"  {t.verdict:<12} {t.name:<{width}}  {t.detail}" for t in targets)
