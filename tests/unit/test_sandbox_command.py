"""bw-pulumi sandbox's --port parsing (the command: tests/cli/test_sandbox_command.py)."""

from __future__ import annotations

from bw_pulumi.cli.sandbox import parse_port


def test_parse_port() -> None:
    assert [parse_port(p) for p in ("0", "8765", " 65535 ", "65536", "8e3", "٣")] == [
        0,
        8765,
        65535,
        None,
        None,
        None,
    ]
