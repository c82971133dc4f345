"""`bw-pulumi hash` as a user runs it: a real subprocess, password on stdin."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

REALM = "custxx.auth.bandwidth.com"


def run_hash(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bw_pulumi.cli.main", "hash", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_published_vector_as_json() -> None:
    result = run_hash("--username", "sipauthtest", "--realm", REALM, stdin="password\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "composite_username": "sipauthtest",
        "hash1": "fe438bddfc087dda89d29e637f5684ab",
        "hash1b": "79bb0e55551e14a2f329a282c7cf1456",
    }


def test_only_one_trailing_newline_is_stripped() -> None:
    once = run_hash("--username", "u", "--realm", REALM, stdin="pw\n")
    twice = run_hash("--username", "u", "--realm", REALM, stdin="pw\n\n")
    crlf = run_hash("--username", "u", "--realm", REALM, stdin="pw\r\n")
    bare = run_hash("--username", "u", "--realm", REALM, stdin="pw")
    assert json.loads(once.stdout) == json.loads(crlf.stdout) == json.loads(bare.stdout)
    assert json.loads(twice.stdout)["hash1"] != json.loads(once.stdout)["hash1"]


def test_text_format_with_domain() -> None:
    result = run_hash(
        "--username",
        "bob",
        "--domain",
        "somewhere.com",
        "--realm",
        REALM,
        "--format",
        "text",
        stdin="password\n",
    )
    assert result.returncode == 0
    assert "composite username: bob@somewhere.com" in result.stdout
    assert "Hash1b: " in result.stdout


@pytest.mark.parametrize(
    ("args", "stdin", "field"),
    [
        (["--username", "bob:1", "--realm", REALM], "secret-pw\n", "username"),
        (["--username", "bob", "--realm", "nodots"], "secret-pw\n", "realm"),
        (["--username", "bob", "--realm", REALM, "--domain", "a b"], "secret-pw\n", "domain"),
        (["--username", "bob", "--realm", REALM], "\n", "password"),
    ],
)
def test_invalid_input_exits_2_with_one_line_naming_the_field(
    args: list[str], stdin: str, field: str
) -> None:
    result = run_hash(*args, stdin=stdin)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"bw-pulumi hash: {field}: ")
    assert "secret-pw" not in result.stderr


def test_password_is_not_accepted_as_an_argument() -> None:
    result = run_hash("--username", "u", "--realm", REALM, "--password", "pw", stdin="")
    assert result.returncode == 2
    assert "unrecognized arguments" in result.stderr
