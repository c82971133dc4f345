"""A stored realm credential hides its hashes (the realm controls:
tests/sandbox/test_sandbox_realm_control.py)."""

from __future__ import annotations

from tests.support.sandbox_http import H1, H1B

from bw_pulumi.sandbox import StoredRealmCredential


def test_stored_realm_credential_hides_hashes() -> None:
    stored = StoredRealmCredential("1", "2", "bob", H1, H1B, "x.auth.bandwidth.com")
    assert H1 not in repr(stored) and H1B not in repr(stored)
    assert stored.to_json()["hash1"] == H1  # the control endpoint shows them (sandbox only)
