"""The client's input rules (domain.py) and the sandbox's API rules (sandbox/credentials/rules.py)
agree.

They are written independently on purpose; where Bandwidth's reference is silent the
shared decision is recorded in docs/bandwidth-api.md ("Field rules"). A value one side
accepts and the other refuses would let a test pass against the sandbox that fails live.
"""

from __future__ import annotations

import pytest

from bw_pulumi.api.errors import InvalidInputError
from bw_pulumi.resources.sip_credential.rules import validate_domain, validate_username
from bw_pulumi.sandbox import ApiError
from bw_pulumi.sandbox.credentials import rules

DOMAINS = {
    "somewhere.com": True,
    "corp.example.com": True,
    "a-b.example": True,
    "localhost": True,
    "x" * 28 + ".com": True,
    "x" * 29 + ".com": False,  # 33 characters
    "corp_x.example.com": False,  # the underscore decision
    "_sip.example.com": False,
    "example_": False,
    "-example.com": False,
    "example-.com": False,
    "a-.b": False,
    "example..com": False,
    ".example.com": False,
    "example.com.": False,
    "bad/domain": False,
    "a@b.com": False,
    " somewhere.com": False,
}

USERNAMES = {
    "bob": True,
    "a.b_c-d!e$f&g*h+i=j~k": True,
    "u" * 32: True,
    "u" * 33: False,
    "has:colon": False,
    "has@at": False,
    "has space": False,
    "ünïcode": False,
}


def client_accepts(validate: object, value: str) -> bool:
    try:
        validate(value)  # type: ignore[operator]
    except InvalidInputError:
        return False
    return True


def sandbox_accepts(check: object, value: str) -> bool:
    try:
        check(value)  # type: ignore[operator]
    except ApiError:
        return False
    return True


@pytest.mark.parametrize(("domain", "valid"), DOMAINS.items())
def test_domain_rules_agree(domain: str, valid: bool) -> None:
    assert client_accepts(validate_domain, domain) is valid
    assert sandbox_accepts(rules.check_domain, domain) is valid


def test_the_sandbox_refuses_an_underscore_in_a_domain_with_23015() -> None:
    with pytest.raises(ApiError) as caught:
        rules.check_domain("corp_x.example.com")
    assert caught.value.code == rules.INVALID_DOMAIN == 23015


@pytest.mark.parametrize(("username", "valid"), USERNAMES.items())
def test_username_rules_agree(username: str, valid: bool) -> None:
    assert client_accepts(validate_username, username) is valid
    assert sandbox_accepts(rules.check_user_name, username) is valid
