"""Server text reaches the terminal without control characters: a registrar's reason phrase
(or a Twilio message) with an ANSI escape, a CR or an LF could otherwise forge our lines."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.cli.test_call import call_args, run_call
from tests.sandbox.test_sip_register import challenge
from tests.support.fake_registrar import FakeRegistrar, Received
from tests.support.fake_twilio import FakeTwilio, running_fake_twilio
from tests.unit.test_terminal_safety import UNSAFE

REALM = "custxx.auth.bandwidth.com"
#: Erase the line, return to its start, print a fake result, a fake summary; set the window
#: title (OSC); colour with an 8-bit CSI; ring the bell; reorder text with a bidi override.
FORGED = (
    "Forbidden\x1b[2K\r  authenticated  alice  200 OK; unregistered\n"
    "1 of 1 authenticated\x1b]0;pwned\x07\x9b31m red\x1b[0m\x07 \u202eevil\x85end"
)


def verify(port: int) -> subprocess.CompletedProcess[bytes]:
    """``bw-pulumi verify`` as a user runs it; output kept as bytes (no newline translation)."""
    environment = {k: v for k, v in os.environ.items() if k != "BW_SIP_PASSWORD"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "bw_pulumi.cli.main",
            "verify",
            *("--registrar", f"127.0.0.1:{port}", "--username", "alice", "--realm", REALM),
            *("--timeout", "5"),
        ],
        input=b"s3cret-pw\n",
        capture_output=True,
        timeout=60,
        check=False,
        env=environment,
    )


def assert_three_clean_lines(output: bytes) -> list[str]:
    """The header, one result line, the summary: nothing forged, nothing to interpret."""
    text = output.decode("utf-8")
    assert UNSAFE.search(text) is None, repr(text)
    lines = text.split("\n")
    assert lines[-1] == "" and len(lines) == 4, repr(text)
    assert lines[2] == "0 of 1 authenticated"
    return lines


def test_a_forged_reason_phrase_on_the_first_register_cannot_forge_lines() -> None:
    def script(request: Received, index: int) -> list[bytes]:
        return [request.reply(f"403 {FORGED}")]

    with FakeRegistrar(script).running() as registrar:
        result = verify(registrar.port)
    assert result.returncode == 1
    lines = assert_three_clean_lines(result.stdout)
    assert lines[1].startswith("  rejected       alice  REGISTER refused: 403 Forbidden")


def test_a_forged_reason_phrase_after_the_digest_answer_cannot_forge_lines() -> None:
    def script(request: Received, index: int) -> list[bytes]:
        if index == 0:
            return [request.reply("401 Unauthorized", challenge("n1"))]
        return [request.reply(f"403 {FORGED}")]

    with FakeRegistrar(script).running() as registrar:
        result = verify(registrar.port)
    lines = assert_three_clean_lines(result.stdout)
    assert lines[1].startswith("  rejected       alice  the digest answer was refused: 403")


def test_a_forged_unregister_answer_cannot_forge_lines() -> None:
    def script(request: Received, index: int) -> list[bytes]:
        if index == 0:
            return [request.reply("401 Unauthorized", challenge("n1"))]
        if index == 1:
            return [request.reply("200 OK")]
        return [request.reply(f"500 {FORGED}")]

    with FakeRegistrar(script).running() as registrar:
        result = verify(registrar.port)
    assert result.returncode == 0
    text = result.stdout.decode("utf-8")
    assert UNSAFE.search(text) is None, repr(text)
    assert text.count("\n") == 3 and text.endswith("\n1 of 1 authenticated\n"), repr(text)


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with running_fake_twilio() as twilio:
        yield twilio


def test_a_twilio_message_with_escapes_prints_as_one_clean_line(fake: FakeTwilio) -> None:
    fake.answer_error(400, 21212, "Invalid From\x1b[2K\x1b[1A\rcall placed: CA00\x07")
    result = run_call(fake, call_args())
    assert result.returncode == 1
    assert UNSAFE.search(result.stderr) is None, repr(result.stderr)
    assert result.stderr.count("\n") == 1
    assert "error 21212: Invalid From" in result.stderr
