"""The benchmark's process sampler on real processes: it finds a provider below the root
and its peak (the report's rules: tests/unit/test_bench_report.py)."""

from __future__ import annotations

import os
import subprocess
import sys

from bench.cli_stack import (
    PeakSampler,
    descendants,
)


def test_the_sampler_finds_a_provider_below_the_root_and_its_peak() -> None:
    """A child that looks like the provider process (``pulumi.dynamic`` in its argv)
    touches 64 MiB, frees it and waits: the sampler reports at least 64 MiB."""
    script = (
        "import sys, time\n"
        "block = bytearray(64 << 20)\n"
        "block[::4096] = b'x' * len(block[::4096])\n"
        "del block\n"
        "print('ready', flush=True)\n"
        "sys.stdin.read()\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script, "pulumi.dynamic"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        assert child.pid in descendants(os.getpid())
        sampler = PeakSampler(os.getpid())
        sampler.sample()
        child.communicate("")
    assert sampler.peaks["provider"] >= 64 << 20
    assert sampler.cpu()["provider"] >= 0
    assert "program" not in sampler.peaks
