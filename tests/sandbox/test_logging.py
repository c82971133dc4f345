"""What bw-pulumi logs while it works, and that no log line carries a secret."""

from __future__ import annotations

import logging

import pytest

from tests.support.fixtures import RecordingSleeper, oauth_settings

from bw_pulumi import compute_hashes
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.sip_credential.operations import CredentialOperations
from bw_pulumi.sandbox import DEFAULT_REALM, Fault, Sandbox, StoredCredential

PASSWORD = "log-test-password-never-logged"


def test_operations_are_visible_and_secret_free(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bw_pulumi")
    client = BandwidthClient(oauth_settings(sandbox), sleep=RecordingSleeper())
    ops = CredentialOperations(lambda: client)
    props = {"username": "alice", "password": PASSWORD, "realm": DEFAULT_REALM}
    sandbox.inject(Fault("status", status=429, retry_after="2", method="POST"))
    ops.create(props)  # a token fetch, then a 429 and a retry
    sandbox.revoke_tokens()
    ops.read("alice", props)  # a 401, a new token, a list page
    old = compute_hashes("legacy", "old", DEFAULT_REALM)
    sandbox.put_credential(StoredCredential("legacy", None, old.hash1, old.hash1b))
    ops.create({**props, "username": "legacy", "adopt": True})  # an adoption

    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "POST /api/accounts/9900000/sipcredentials: HTTP 429, rate-limited by Bandwidth" in text
    assert "every request to /api/accounts/9900000/sipcredentials waits 2.0 s" in text
    assert "fetching an OAuth2 token" in text
    assert "HTTP 401, fetching a new OAuth2 token once" in text
    assert "listed /api/accounts/9900000/sipcredentials?page=1&size=500" in text
    assert "adopted existing SIP credential legacy" in text
    hashes = compute_hashes("alice", PASSWORD, DEFAULT_REALM)
    legacy = compute_hashes("legacy", PASSWORD, DEFAULT_REALM)
    secrets = [PASSWORD, sandbox.config.client_secret, hashes.hash1, hashes.hash1b]
    secrets += [legacy.hash1, legacy.hash1b, old.hash1, old.hash1b]
    for secret in secrets:
        assert secret not in text
    assert "Bearer" not in text
