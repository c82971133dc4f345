"""The real ``pulumi`` CLI on a throwaway project, and the peak memory of its processes.

A local file backend and a passphrase secrets provider, as in ``tests/support/pulumi_stack.py``;
the benchmark has its own copy because it must not depend on the test suite.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bw_pulumi.sandbox import Sandbox

REPO = Path(__file__).resolve().parent.parent
PROGRAM = Path(__file__).resolve().parent / "program"
#: One CLI run at N=1,500 takes minutes; this only stops a wedged run.
TIMEOUT_SECONDS = 3600
SAMPLE_SECONDS = 0.1
OUTPUT_TAIL_CHARACTERS = 3000
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class CliFailed(RuntimeError):
    """A ``pulumi`` command exited non-zero; the text ends with its output's tail."""


@dataclass(frozen=True)
class CliRun:
    seconds: float
    #: Peak resident memory (VmHWM) in bytes, by role: "engine" (the ``pulumi`` CLI),
    #: "provider" (the provider process: ``python -m pulumi.dynamic`` or
    #: ``pulumi-resource-bandwidth``) and "program" (the Python stack program).
    peaks: dict[str, int]
    #: CPU seconds (user + system) by role, as of each process's last sample.
    cpu: dict[str, float]


class BenchProject:
    """One Pulumi project in ``workdir`` holding the benchmark program; stacks by name."""

    def __init__(self, workdir: Path, *, skip_checkpoints: bool = False) -> None:
        """``skip_checkpoints``: PULUMI_SKIP_CHECKPOINTS, so the engine writes the state
        once at the end of an update instead of after every resource step."""
        cli = shutil.which("pulumi")
        if cli is None:
            raise RuntimeError("no `pulumi` on PATH: bench/run gets it via scripts/install-pulumi")
        self.cli = cli
        self.workdir = workdir
        self.project_dir = workdir / "project"
        shutil.copytree(PROGRAM, self.project_dir)
        (workdir / "state").mkdir()
        # The package provider's plugin is the console script pip put in the virtualenv.
        (self.project_dir / "Pulumi.yaml").write_text(
            "name: bw-bench\n"
            "runtime:\n"
            "  name: python\n"
            "  options:\n"
            "    toolchain: pip\n"
            f"    virtualenv: {REPO / '.venv'}\n"
            "plugins:\n"
            "  providers:\n"
            "    - name: bandwidth\n"
            f"      path: {REPO / '.venv' / 'bin'}\n"
        )
        self.env = {
            **os.environ,
            # The program and the provider process import bench.workload from the repo.
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p
            ),
            "PULUMI_HOME": str(workdir / "pulumi-home"),
            "PULUMI_BACKEND_URL": f"file://{workdir / 'state'}",
            "PULUMI_CONFIG_PASSPHRASE": "bench-passphrase",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_SKIP_CONFIRMATIONS": "true",
            "NO_COLOR": "1",
        }
        for name in ("BW_ACCOUNT_ID", "BW_CLIENT_ID", "BW_CLIENT_SECRET", "BW_USERNAME"):
            self.env.pop(name, None)
        self.env.pop("PULUMI_SKIP_CHECKPOINTS", None)
        if skip_checkpoints:
            self.env["PULUMI_SKIP_CHECKPOINTS"] = "true"
        self._runs = 0

    def run(self, *args: str, stdin: str | None = None) -> CliRun:
        """Run ``pulumi ARGS --non-interactive``, timed and with its processes sampled;
        ``CliFailed`` when it exits non-zero."""
        self._runs += 1
        log = self.workdir / f"cli-{self._runs:03d}.log"
        command = [self.cli, *args, "--non-interactive"]
        with log.open("w+") as output:
            started = time.monotonic()
            process = subprocess.Popen(
                command,
                cwd=self.project_dir,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,  # a timeout kills the CLI and every plugin
            )
            sampler = PeakSampler(process.pid)
            sampler.start()
            try:
                process.communicate(stdin, timeout=TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
                raise
            finally:
                seconds = time.monotonic() - started
                sampler.stop()
            if process.returncode != 0:
                output.seek(0)
                tail = output.read()[-OUTPUT_TAIL_CHARACTERS:]
                raise CliFailed(f"pulumi {' '.join(args)} exited {process.returncode}\n{tail}")
        return CliRun(seconds, sampler.peaks, sampler.cpu())


def sandbox_settings(sandbox: Sandbox) -> dict[str, str]:
    """The ``bandwidth:*`` settings that point a stack at ``sandbox`` (no secret among them)."""
    return {
        "bandwidth:accountId": sandbox.account_id,
        "bandwidth:clientId": sandbox.config.client_id,
        "bandwidth:apiUrl": sandbox.base_url,
        "bandwidth:oauthUrl": sandbox.token_url,
    }


def init_stack(
    project: BenchProject, stack: str, plain: Mapping[str, str], secrets: Mapping[str, str]
) -> None:
    """Create ``stack`` with ``plain`` config on argv and ``secrets`` through stdin, never
    argv."""
    project.run("stack", "init", stack)
    pairs = [arg for key, value in plain.items() for arg in ("--plaintext", f"{key}={value}")]
    project.run("config", "set-all", "--stack", stack, *pairs)
    for key, value in secrets.items():
        set_secret(project, stack, key, value)


def set_secret(project: BenchProject, stack: str, key: str, value: str) -> None:
    project.run("config", "set", "--stack", stack, "--secret", key, stdin=value)


class PeakSampler:
    """Polls the process tree under ``root_pid``: each role's highest VmHWM, and the CPU
    time of each process of a role.

    VmHWM is the kernel's own high-water mark of a process's resident memory, so a poll
    every 0.1 s misses a peak only if it comes in the process's last 0.1 s of life (and
    the CPU time only what a process spent in its last 0.1 s)."""

    def __init__(self, root_pid: int, interval: float = SAMPLE_SECONDS) -> None:
        self.root_pid = root_pid
        self.interval = interval
        self.peaks: dict[str, int] = {}
        self._cpu: dict[tuple[str, int], float] = {}
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="peak-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stopping.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        # The root is the pulumi CLI itself: the engine, which holds the whole state.
        engine = high_water_mark(_read(f"/proc/{self.root_pid}/status"))
        if engine is not None:
            self.peaks["engine"] = max(self.peaks.get("engine", 0), engine)
        for pid in descendants(self.root_pid):
            role = process_role(_read(f"/proc/{pid}/cmdline").split("\0"))
            if role is None:
                continue
            peak = high_water_mark(_read(f"/proc/{pid}/status"))
            if peak is not None:
                self.peaks[role] = max(self.peaks.get(role, 0), peak)
            used = cpu_seconds(_read(f"/proc/{pid}/stat"))
            if used is not None:
                self._cpu[(role, pid)] = used

    def cpu(self) -> dict[str, float]:
        """CPU seconds by role, summed over the processes of that role."""
        totals: dict[str, float] = {}
        for (role, _pid), used in self._cpu.items():
            totals[role] = totals.get(role, 0.0) + used
        return totals


def process_role(argv: Iterable[str]) -> str | None:
    """ "provider" for ``python -u -m pulumi.dynamic`` or the ``pulumi-resource-bandwidth``
    script, "program" for the Python program run through ``pulumi-language-python-exec``;
    None for anything else."""
    arguments = list(argv)
    if "pulumi.dynamic" in arguments or any(
        argument.endswith("/pulumi-resource-bandwidth") for argument in arguments[:2]
    ):
        return "provider"
    if any(argument.endswith("pulumi-language-python-exec") for argument in arguments):
        return "program"
    return None


def high_water_mark(status: str) -> int | None:
    """Bytes of ``VmHWM`` in a ``/proc/PID/status`` text; None when absent."""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return None


def descendants(root_pid: int) -> list[int]:
    """Every live process below ``root_pid`` (from the parent links in /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            parent = _parent_pid(_read(f"/proc/{entry.name}/stat"))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    pending = [root_pid]
    while pending:
        below = children.get(pending.pop(), [])
        found.extend(below)
        pending.extend(below)
    return found


def cpu_seconds(stat: str) -> float | None:
    """utime + stime (fields 14 and 15 of /proc/PID/stat) in seconds."""
    fields = stat[stat.rfind(")") + 2 :].split()
    if len(fields) < 13:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _parent_pid(stat: str) -> int | None:
    """Field 4 of /proc/PID/stat; the command name (field 2) may hold spaces or ")"."""
    fields = stat[stat.rfind(")") + 2 :].split()
    return int(fields[1]) if len(fields) > 1 else None


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:  # the process ended meanwhile
        return ""
