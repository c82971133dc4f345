"""What reaches the terminal: escape sequences and control characters stripped, text kept
(the commands' output: tests/cli/test_terminal_safety.py)."""

from __future__ import annotations

import re

import pytest

from bw_pulumi.cli.terminal import printable

#: Any control character, 7- or 8-bit, and the Unicode separators and bidi controls.
UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("403 Forbidden\x1b[2K\rOK", "403 Forbidden OK"),
        ("a\r\nb\tc", "a  b c"),
        ("title\x1b]0;pwned\x07after", "titleafter"),
        ("title\x1b]2;pwned\x1b\\after", "titleafter"),
        ("c1 \x9b31mred", "c1 red"),
        ("bell\x07 del\x7f nel\x85", "bell  del  nel "),
        ("bidi \u202eevil\u202c", "bidi  evil "),
        ("trailing escape \x1b", "trailing escape "),
        ("Réalm ünïcode 200 OK", "Réalm ünïcode 200 OK"),
    ],
)
def test_printable_strips_sequences_and_controls(text: str, shown: str) -> None:
    assert printable(text) == shown
    assert UNSAFE.search(printable(text)) is None and "\n" not in printable(text)
