"""A `pulumi` child (`stack output`, `stack export`) gets none of the BW_* and TWILIO_*
secrets, and everything a backend may need."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.test_child_environment import NEEDED, SECRETS

TWIML = ("--twiml-url", "https://example.com/t.xml")


def fake_pulumi(tmp_path: Path) -> Path:
    """A `pulumi` that records its environment, then prints what the command expects."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "pulumi"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        "with open(os.environ['FAKE_PULUMI_RECORD'], 'a') as record:\n"
        "    record.write(json.dumps(dict(os.environ)) + '\\n')\n"
        "print('{}' if sys.argv[2] == 'output' else '{\"deployment\": {\"resources\": []}}')\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return bin_dir


@pytest.mark.parametrize(
    "command",
    [
        ["call", "--to", "+17778889999", "--from", "+15550001111", *TWIML, "--dry-run"],
        ["verify", "--registrar", "127.0.0.1:9", "--timeout", "0.1"],
    ],
    ids=["call", "verify"],
)
def test_the_pulumi_child_of_a_command_gets_no_secret(tmp_path: Path, command: list[str]) -> None:
    record = tmp_path / "env.jsonl"
    env = {
        **os.environ,
        **SECRETS,
        **NEEDED,
        "PATH": f"{fake_pulumi(tmp_path)}{os.pathsep}{os.environ['PATH']}",
        "FAKE_PULUMI_RECORD": str(record),
    }
    stack = tmp_path / "stack"
    stack.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "bw_pulumi.cli.main", *command, "--stack", str(stack)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0  # the fake stack holds nothing; what matters is the child
    assert "stack" in result.stderr, result.stderr
    [child_env] = [json.loads(line) for line in record.read_text().splitlines()]
    assert sorted(set(SECRETS) & set(child_env)) == []
    assert all(value not in json.dumps(child_env) for value in SECRETS.values())
    assert {name: child_env.get(name) for name in NEEDED} == NEEDED
    assert child_env["PATH"] == env["PATH"]
