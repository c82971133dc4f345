"""bandwidth:rateLimitWaitSeconds reaches both front doors: the dynamic provider's process
and the package provider's plugin, driven over gRPC as the engine drives them, against the
sandbox's rate-limit mode (Bandwidth's documented 429)."""

from __future__ import annotations

import re

import grpc
import pytest

from tests.protocol.test_protocol import inputs, oauth_config
from tests.support.native_process import NativeProcess
from tests.support.native_process import Secret as NativeSecret
from tests.support.provider_process import ProviderProcess

from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox

pytestmark = pytest.mark.protocol

NO_ENV = {"BW_ACCOUNT_ID": "", "BW_USERNAME": "", "BW_CLIENT_ID": "", "BW_CLIENT_SECRET": ""}
UNTIL = re.compile(r"rate-limited by Bandwidth until \d\d:\d\d:\d\d UTC")


def native_args(sandbox: Sandbox, **extra: object) -> dict[str, object]:
    return {
        "accountId": sandbox.account_id,
        "clientId": sandbox.config.client_id,
        "clientSecret": NativeSecret(sandbox.config.client_secret),
        "apiUrl": sandbox.base_url,
        "oauthUrl": sandbox.token_url,
        **extra,
    }


def native_inputs(username: str) -> dict[str, object]:
    return {
        "username": username,
        "password": NativeSecret("pw-" + username),
        "realm": DEFAULT_REALM,
    }


def posts(sandbox: Sandbox) -> list[int]:
    return [
        r.status for r in sandbox.drain_requests() if r.method == "POST" and "/accounts/" in r.path
    ]


def test_the_dynamic_provider_fails_at_once_beyond_its_budget(sandbox: Sandbox) -> None:
    sandbox.set_rate_limit(1, window_seconds=600)
    with ProviderProcess(env=NO_ENV) as plugin:
        plugin.configure({**oauth_config(sandbox), "bandwidth:rateLimitWaitSeconds": "5"})
        plugin.create("first", inputs("first"))
        sandbox.drain_requests()
        with pytest.raises(grpc.RpcError) as caught:
            plugin.create("second", inputs("second"))
        assert UNTIL.search(caught.value.details() or "")
        with pytest.raises(grpc.RpcError, match="rate-limited by Bandwidth until"):
            plugin.create("third", inputs("third"))
    assert posts(sandbox) == [429]  # one POST found the limit; none went after it
    assert sandbox.rate_limit_stats.early == 0


def test_the_dynamic_provider_waits_within_its_budget(sandbox: Sandbox) -> None:
    sandbox.set_rate_limit(1, window_seconds=1)
    with ProviderProcess(env=NO_ENV) as plugin:
        plugin.configure(oauth_config(sandbox))  # the default budget: 300 s
        for name in ("first", "second", "third"):
            plugin.create(name, inputs(name))
    assert len(sandbox.credentials()) == 3
    assert sandbox.rate_limit_stats.early == 0


def test_the_package_provider_fails_at_once_beyond_its_budget(sandbox: Sandbox) -> None:
    sandbox.set_rate_limit(1, window_seconds=600)
    with NativeProcess(env=NO_ENV) as plugin:
        plugin.configure(native_args(sandbox, rateLimitWaitSeconds=5.0))
        plugin.create("first", native_inputs("first"))
        sandbox.drain_requests()
        with pytest.raises(grpc.RpcError) as caught:
            plugin.create("second", native_inputs("second"))
        details = caught.value.details() or ""
        assert "create SIP credential 'second' failed" in details and UNTIL.search(details)
    assert posts(sandbox) == [429]


def test_a_bad_budget_names_the_key(sandbox: Sandbox) -> None:
    with NativeProcess(env=NO_ENV) as plugin:
        plugin.configure(native_args(sandbox, rateLimitWaitSeconds=-1.0))
        with pytest.raises(grpc.RpcError, match="bandwidth:rateLimitWaitSeconds must be"):
            plugin.create("first", native_inputs("first"))
    assert sandbox.requests == []
