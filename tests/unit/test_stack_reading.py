"""Reading a stack's credentials: the environment variable wins over stdin (reading them
from the Pulumi CLI: tests/cli/test_stack_reading.py)."""

from __future__ import annotations

import io

from bw_pulumi.cli.secret_input import read_secret


def test_environment_variable_wins_over_stdin() -> None:
    stdin = io.StringIO("from-stdin\n")
    assert read_secret(stdin, env_var="PW", environ={"PW": "from-env"}) == "from-env"
    assert read_secret(stdin, env_var="PW", environ={"PW": ""}) == "from-stdin"
