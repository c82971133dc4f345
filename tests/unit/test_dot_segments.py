"""Dot segments: a username of . or .. is refused naming the field and the rule, dots inside
a username stay valid (the transport and the operations: tests/sandbox/test_dot_segments.py)."""

from __future__ import annotations

import pytest

from bw_pulumi import InvalidInputError
from bw_pulumi.resources.sip_credential.rules import validate_username


@pytest.mark.parametrize("username", [".", ".."])
def test_a_dot_username_is_refused_naming_the_field_and_rule(username: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        validate_username(username)
    assert caught.value.field == "username"
    assert "'.' or '..'" in str(caught.value)


def test_usernames_with_dots_inside_stay_valid() -> None:
    for username in ("a.b", "...", ".a", "a.."):
        validate_username(username)
