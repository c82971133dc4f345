"""`bw-pulumi verify` input rules: every mistake exits 2 with one line naming the field,
before any network call. Runs the real command in a subprocess, as a user would (the
--registrar rules alone: tests/unit/test_verify_input.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

REALM = "custxx.auth.bandwidth.com"


def verify(
    *args: str, stdin: str = "pw\n", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "BW_SIP_PASSWORD"}
    return subprocess.run(
        [sys.executable, "-m", "bw_pulumi.cli.main", "verify", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**environment, **(env or {})},
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--username", "a:b", "--realm", REALM], "username: must not contain ':' or '@'"),
        (["--username", "a", "--realm", "nodots"], "realm: must be a fully qualified hostname"),
        (["--username", "a", "--realm", REALM, "--domain", "x y"], "domain: must be a hostname"),
        (["--username", "a"], "username: give --username and --realm, or --stack DIR"),
        (["--username", "a", "--realm", REALM, "--timeout", "0"], "timeout: must be 0.1-60"),
        (["--username", "a", "--realm", REALM, "--stack-name", "dev"], "stack-name: needs --stack"),
        (["--stack", ".", "--realm", REALM], "realm: cannot be combined with --stack"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    result = verify("--registrar", "127.0.0.1:9", *args)
    assert result.returncode == 2, result
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"bw-pulumi verify: {message}"), lines


def test_an_empty_password_says_where_it_may_come_from() -> None:
    result = verify("--registrar", "127.0.0.1:9", "--username", "a", "--realm", REALM, stdin="")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "bw-pulumi verify: password: must not be empty"
        " (set BW_SIP_PASSWORD, pipe it on stdin, or type it at the prompt)"
    )


def test_the_password_is_not_an_option() -> None:
    result = verify(
        "--registrar", "127.0.0.1:9", "--username", "a", "--realm", REALM, "--password", "x"
    )
    assert result.returncode == 2
    assert "unrecognized arguments: --password" in result.stderr


def test_a_stack_that_cannot_be_read_exits_2() -> None:
    result = verify("--registrar", "127.0.0.1:9", "--stack", "/nonexistent/dir")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("bw-pulumi verify: ")
    assert len(result.stderr.strip().splitlines()) == 1
