"""A stored credential as the sandbox's controls hold it (the controls:
tests/sandbox/test_sandbox_control.py)."""

from __future__ import annotations

from tests.support.sandbox_http import (
    H1,
    H1B,
)

from bw_pulumi.sandbox import DEFAULT_REALM, StoredCredential


def test_stored_credential() -> None:
    plain = StoredCredential("bob", None, H1, H1B)
    assert plain.composite_username == "bob"
    assert plain.realm == DEFAULT_REALM
    assert plain.http_voice_v2_app_id is None
    with_domain = StoredCredential("bob", "somewhere.com", H1, H1B, DEFAULT_REALM, None)
    assert with_domain.composite_username == "bob@somewhere.com"
    assert H1 not in repr(with_domain)  # hashes are password-equivalent
