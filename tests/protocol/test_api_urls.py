"""A bad bandwidth:apiUrl or bandwidth:oauthUrl fails when either front door is configured,
naming the key, and no request is sent (the URL rules themselves: tests/unit/test_api_urls.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import pytest

from tests.protocol.test_protocol import oauth_config
from tests.support.native_process import NativeProcess, Secret
from tests.support.provider_process import ProviderProcess

from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox

NO_ENV = {"BW_ACCOUNT_ID": "", "BW_USERNAME": "", "BW_CLIENT_ID": "", "BW_CLIENT_SECRET": ""}
NO_URL_ENV = {**NO_ENV, "BW_API_URL": "", "BW_TOKEN_URL": ""}


def hostile_urls(sandbox: Sandbox) -> list[tuple[str, str]]:
    """URLs that still reach the sandbox, so a request sent by mistake would be seen."""
    port = sandbox.base_url.rsplit(":", 1)[1]
    return [
        ("bandwidth:apiUrl", f"http://user:secret-in-url@127.0.0.1:{port}"),
        ("bandwidth:apiUrl", f"http://0.0.0.0:{port}"),
        ("bandwidth:oauthUrl", f"http://0.0.0.0:{port}/v1/oauth2/token"),
    ]


@pytest.fixture
def dynamic() -> Iterator[ProviderProcess]:
    with ProviderProcess(env=NO_URL_ENV) as process:
        yield process


@pytest.fixture
def native() -> Iterator[NativeProcess]:
    with NativeProcess(env=NO_URL_ENV) as process:
        yield process


def sip_inputs(username: str) -> dict[str, Any]:
    return {"username": username, "password": "url-test-password", "realm": DEFAULT_REALM}


def test_the_dynamic_provider_refuses_a_bad_url_before_any_request(
    dynamic: ProviderProcess, sandbox: Sandbox
) -> None:
    for key, url in hostile_urls(sandbox):
        dynamic.configure({**oauth_config(sandbox), key: url})
        with pytest.raises(grpc.RpcError) as caught:
            dynamic.create("ivy", sip_inputs("ivy"))
        details = caught.value.details() or ""
        assert f"configure the Bandwidth provider failed: {key} must be an https:// URL" in details
        assert "secret-in-url" not in details
    assert sandbox.requests == []


def test_the_package_provider_refuses_a_bad_url_at_configure(
    native: NativeProcess, sandbox: Sandbox
) -> None:
    for key, url in hostile_urls(sandbox):
        args: dict[str, Any] = {
            "accountId": sandbox.account_id,
            "clientId": sandbox.config.client_id,
            "clientSecret": Secret(sandbox.config.client_secret),
            "apiUrl": sandbox.base_url,
            "oauthUrl": sandbox.token_url,
            key.removeprefix("bandwidth:"): url,
        }
        with pytest.raises(grpc.RpcError) as caught:
            native.configure(args)
        details = caught.value.details() or ""
        assert f"{key} must be an https:// URL" in details and "Traceback" not in details
        assert "secret-in-url" not in details
    assert sandbox.requests == []


def test_the_package_provider_checks_stack_config_variables_too(
    native: NativeProcess, sandbox: Sandbox
) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        native.configure({}, variables={"bandwidth:apiUrl": "http://api.example.com/api"})
    assert "bandwidth:apiUrl must be an https:// URL" in (caught.value.details() or "")
