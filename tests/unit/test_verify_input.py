"""bw-pulumi verify's --registrar: the forms it takes and a bad one named by its rule (the
command's exits: tests/cli/test_verify_input.py)."""

from __future__ import annotations

import pytest

from bw_pulumi.api.errors import InvalidInputError
from bw_pulumi.cli.verify import parse_registrar
from bw_pulumi.sip import Endpoint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sip.example.com", Endpoint("sip.example.com", 5060, "udp")),
        ("127.0.0.1:5080", Endpoint("127.0.0.1", 5080, "udp")),
        ("[::1]", Endpoint("::1", 5060, "udp")),
        ("[2001:db8::1]:5070", Endpoint("2001:db8::1", 5070, "udp")),
    ],
)
def test_registrar_forms(text: str, expected: Endpoint) -> None:
    assert parse_registrar(text, "udp") == expected


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("", "must be HOST or HOST:PORT"),
        ("host:0", "port must be 1-65535 (got '0')"),
        ("host:70000", "port must be 1-65535"),
        ("host:sip", "port must be 1-65535 (got 'sip')"),
        ("2001:db8::1", "put an IPv6 address in brackets"),
        ("[::1", "must be HOST or HOST:PORT"),
        ("sip:host", "port must be 1-65535 (got 'host')"),
        ("user@host", "must be HOST or HOST:PORT"),
    ],
)
def test_bad_registrars_name_the_rule(text: str, rule: str) -> None:
    with pytest.raises(InvalidInputError, match="registrar") as raised:
        parse_registrar(text, "udp")
    assert rule in str(raised.value)
