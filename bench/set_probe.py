"""Where a set's ``pulumi`` command spends its time: each phase of the set benchmark run
once with the engine's verbose log (``-v=7 --logflow``), split into the spans of the set's
provider calls (Check, Diff, Create, Read, Update, Delete: our operations, the API's
latency, and the Python SDK's (de)serialization of the whole map in and out of each call)
and the rest (the CLI's start, the program, the provider plugin's start, state writes).

    .venv/bin/python -m bench.set_probe 2000 [--latency-ms 50] [--write-concurrency 16]

Prints one line per phase. Not a benchmark: verbose logging costs a little time itself.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bench.cli_stack import BenchProject
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox

_CALL = re.compile(r"Provider\[\w+\]\.(\w+)\(.*SipCredentialSet::fleet.*\):? (executing|success)")
PHASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("create", ("up", "--yes", "--skip-preview")),
    ("rotate", ("up", "--yes", "--skip-preview")),
    ("one-changed", ("up", "--yes", "--skip-preview")),
    ("refresh", ("refresh", "--yes", "--skip-preview")),
    ("destroy", ("destroy", "--yes", "--skip-preview")),
)


def spans(log: Path) -> dict[str, float]:
    """Seconds between each provider call's "executing" and its "success" line."""
    started: dict[str, datetime] = {}
    took: dict[str, float] = {}
    for line in log.read_text(errors="replace").splitlines():
        start = line.find('{"time"')
        if start < 0:
            continue
        try:
            entry = json.loads(line[start:])
        except ValueError:
            continue
        match = _CALL.search(str(entry.get("msg", "")))
        if match is None:
            continue
        at = datetime.fromisoformat(str(entry["time"])[:26])
        call, state = match.groups()
        if state == "executing":
            started[call] = at
        elif call in started:
            took[call] = took.get(call, 0.0) + (at - started.pop(call)).total_seconds()
    return took


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.set_probe", description=__doc__)
    parser.add_argument("n", type=int)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--write-concurrency", type=int)
    args = parser.parse_args(argv)
    box = Sandbox(latency_seconds=args.latency_ms / 1000)
    with box.running(), tempfile.TemporaryDirectory(prefix="bw-set-probe-") as workdir:
        project = BenchProject(Path(workdir))
        project.run("stack", "init", "set")
        plain = {
            "kind": "set",
            "count": str(args.n),
            "realm": DEFAULT_REALM,
            "bandwidth:accountId": box.account_id,
            "bandwidth:clientId": box.config.client_id,
            "bandwidth:apiUrl": box.base_url,
            "bandwidth:oauthUrl": box.token_url,
        }
        if args.write_concurrency:
            plain["bandwidth:writeConcurrency"] = str(args.write_concurrency)
        for key, value in plain.items():
            project.run("config", "set", key, value)
        project.run(
            "config", "set", "--secret", "bandwidth:clientSecret", stdin=box.config.client_secret
        )
        project.run("config", "set", "--secret", "passwordSeed", stdin="probe-seed-1")
        for phase, command in PHASES:
            if phase == "rotate":
                project.run("config", "set", "--secret", "passwordSeed", stdin="probe-seed-2")
            if phase == "one-changed":
                project.run("config", "set", "changeFirst", "true")
            log = Path(workdir) / f"{phase}.log"
            started = time.monotonic()
            with log.open("w") as output:
                subprocess.run(
                    [
                        project.cli,
                        *command,
                        "--non-interactive",
                        "--logtostderr",
                        "--logflow",
                        "-v=7",
                    ],
                    cwd=project.project_dir,
                    env=project.env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    check=True,
                    timeout=1800,
                )
            total = time.monotonic() - started
            calls = spans(log)
            inside = sum(calls.values())
            detail = ", ".join(f"{call} {seconds:.1f}" for call, seconds in calls.items())
            print(
                f"{phase}: {total:.1f} s; in the set's provider calls {inside:.1f} s"
                f" ({detail}); the rest {total - inside:.1f} s",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
