"""The dynamic provider before any request: missing settings named at the first hook, and a
desired credential's repr without its password (the hooks: tests/sandbox/test_provider.py)."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from bw_pulumi import SipCredentialProvider
from bw_pulumi.api.errors import ConfigurationError
from bw_pulumi.resources.hook_errors import ProviderOperationError
from bw_pulumi.sandbox import DEFAULT_REALM

PASSWORD = "pr0vider-test-password"


def inputs(username: str = "alice", password: str = PASSWORD, **extra: Any) -> dict[str, Any]:
    return {"username": username, "password": password, "realm": DEFAULT_REALM, **extra}


def test_missing_settings_fail_the_first_hook_naming_the_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Configure runs on the first hook, which at `pulumi preview` is Check: no request."""
    for name in ("BW_ACCOUNT_ID", "BW_CLIENT_ID", "BW_CLIENT_SECRET", "BW_USERNAME", "BW_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    provider = SipCredentialProvider()
    with pytest.raises(ProviderOperationError, match="bandwidth:accountId") as caught:
        provider.configure(ConfigureRequest(Config({}, "bw-pulumi")))
    assert isinstance(caught.value.cause, ConfigurationError)
    with pytest.raises(ProviderOperationError, match="bandwidth:clientSecret"):
        provider.configure(ConfigureRequest(Config({"bandwidth:accountId": "1"}, "bw-pulumi")))


def test_desired_credential_repr_hides_the_password() -> None:
    from bw_pulumi.resources.sip_credential.operations import DesiredCredential

    assert PASSWORD not in repr(DesiredCredential.from_props(inputs()))
