"""The SIP test harness's own rules: how missing tools are reported, and how Bandwidth's
stored hashes map onto Kamailio's subscriber columns."""

from __future__ import annotations

import pytest

from tests.support import sip_stack

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import StoredCredential

REALM = "custxx.auth.bandwidth.com"


def test_missing_tools_skip_with_how_to_install_but_fail_under_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sip_stack, "find_tool", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install kamailio sip-tester"):
        sip_stack.require_sip_tools()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot run under CI=true: missing kamailio"):
        sip_stack.require_sip_tools()


def test_plain_credential_is_one_row_with_both_hashes_as_stored() -> None:
    hashes = compute_hashes("alice", "pw", REALM)
    stored = StoredCredential("alice", None, hashes.hash1, hashes.hash1b, REALM, None)
    assert sip_stack.subscriber_rows([stored]) == [
        sip_stack.SubscriberRow("alice", REALM, hashes.hash1, hashes.hash1b)
    ]


def test_domain_credential_is_two_rows_keyed_as_kamailio_splits_the_username() -> None:
    hashes = compute_hashes("bob", "pw", REALM, "corp.example.com")
    stored = StoredCredential("bob", "corp.example.com", hashes.hash1, hashes.hash1b, REALM, None)
    assert sip_stack.subscriber_rows([stored]) == [
        sip_stack.SubscriberRow("bob", "corp.example.com", hashes.hash1, hashes.hash1),
        sip_stack.SubscriberRow("bob", f"corp.example.com@{REALM}", hashes.hash1b, hashes.hash1b),
    ]
