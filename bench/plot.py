"""``fleet.png``: wall time against N for each phase and stack (needs the
``bench`` extra, matplotlib). ``python -m bench.plot DIR/fleet.json`` draws it again from
a run's JSON, into ``DIR/fleet.png``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, never a window

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from bench.report import (
    NATIVE_FLOOR_RATIO,
    PHASES,
    WRITE_PHASES,
    PhaseResult,
    Results,
    StackKind,
)

LABELS: dict[StackKind, tuple[str, str]] = {
    "dynamic": ("o-", "dynamic provider"),
    "native": ("^-", "bandwidth package provider"),
    "floor": ("s--", "floor (no-op dynamic resources)"),
}

#: Log axes labelled 2, 10, 500 rather than 2x10^0.
PLAIN = FuncFormatter(lambda value, _position: f"{value:g}")


def plot(
    results: Results,
    latency: float,
    concurrency: dict[StackKind, int],
    path: Path,
    *,
    skip_checkpoints: bool = False,
) -> None:
    figure, axes = plt.subplots(2, 3, figsize=(15, 8.5))
    for axis, phase in zip(axes.flat, PHASES, strict=True):
        for stack, (style, label) in LABELS.items():
            sizes, seconds = _series(results, stack, phase)
            if sizes:
                axis.plot(sizes, seconds, style, label=label)
        sizes, floor = _series(results, "floor", phase)
        if phase in WRITE_PHASES and sizes:
            calls = concurrency["dynamic"]
            model = [s + n * latency / calls for n, s in zip(sizes, floor, strict=True)]
            axis.plot(sizes, model, ":", color="grey", label=f"floor + N x latency / {calls}")
            if _series(results, "native", phase)[0]:
                bound = [NATIVE_FLOOR_RATIO * s for s in floor]
                label = f"{NATIVE_FLOOR_RATIO} x floor"
                axis.plot(sizes, bound, "-.", color="silver", label=label)
        axis.set_title(phase)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xticks(results.sizes())
        axis.xaxis.set_major_formatter(PLAIN)
        axis.xaxis.set_minor_formatter(NullFormatter())
        axis.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        axis.yaxis.set_major_formatter(PLAIN)
        axis.yaxis.set_minor_formatter(NullFormatter())
        axis.set_xlabel("N (resources in the stack)")
        axis.set_ylabel("wall time of the CLI (s)")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize="small")
    title = f"bw-pulumi's providers against the engine's floor, API latency {latency * 1000:g} ms"
    if skip_checkpoints:
        title += ", PULUMI_SKIP_CHECKPOINTS"
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def _series(results: Results, stack: StackKind, phase: str) -> tuple[list[int], list[float]]:
    """(N, seconds) of the successful runs, by N."""
    sizes: list[int] = []
    seconds: list[float] = []
    for n in results.sizes():
        row = results.get(n, stack, phase)
        if row is not None and row.ok and row.seconds is not None:
            sizes.append(n)
            seconds.append(row.seconds)
    return sizes, seconds


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m bench.plot DIR/fleet.json", file=sys.stderr)
        return 2
    source = Path(argv[0])
    report = json.loads(source.read_text())
    meta = report["meta"]
    results = Results([PhaseResult.from_json(row) for row in report["phases"]])
    target = source.with_suffix(".png")
    concurrency = meta["concurrency"]
    if isinstance(concurrency, int):  # written before the native stack existed
        concurrency = {"dynamic": concurrency}
    plot(
        results,
        meta["latency_seconds"],
        concurrency,
        target,
        skip_checkpoints=meta.get("skip_checkpoints", False),
    )
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
