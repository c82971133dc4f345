"""The provider inside Pulumi's real dynamic provider process, driven over gRPC."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc
import pytest
from pulumi.runtime import proto

from tests.support.provider_process import PROVIDER_KEY, ProviderProcess

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox

pytestmark = pytest.mark.protocol

PASSWORD = "grpc-secret-password"


def oauth_config(sandbox: Sandbox) -> dict[str, str]:
    return {
        "bandwidth:accountId": sandbox.account_id,
        "bandwidth:clientId": sandbox.config.client_id,
        "bandwidth:clientSecret": sandbox.config.client_secret,
        "bandwidth:apiUrl": sandbox.base_url,
        "bandwidth:oauthUrl": sandbox.token_url,
    }


def basic_config(sandbox: Sandbox) -> dict[str, str]:
    return {
        "bandwidth:accountId": sandbox.account_id,
        "bandwidth:apiUsername": sandbox.config.basic_username,
        "bandwidth:apiPassword": sandbox.config.basic_password,
        "bandwidth:apiUrl": sandbox.base_url,
    }


@pytest.fixture
def plugin() -> Iterator[ProviderProcess]:
    with ProviderProcess(env={"BW_ACCOUNT_ID": "", "BW_USERNAME": "", "BW_CLIENT_ID": ""}) as p:
        yield p


def inputs(username: str = "carol", password: str = PASSWORD, **extra: Any) -> dict[str, Any]:
    return {"username": username, "password": password, "realm": DEFAULT_REALM, **extra}


def without_provider(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != PROVIDER_KEY}


@pytest.mark.parametrize("config", [oauth_config, basic_config], ids=["oauth", "basic"])
def test_full_lifecycle(plugin: ProviderProcess, sandbox: Sandbox, config: Any) -> None:
    plugin.configure(config(sandbox))
    news = inputs(domain="corp.example.com")

    checked = plugin.check("carol", {}, news)
    assert list(checked.failures) == []

    id_, state = plugin.create("carol", news)
    expected = compute_hashes("carol", PASSWORD, DEFAULT_REALM, "corp.example.com")
    assert id_ == "carol@corp.example.com"
    assert (state["hash1"], state["hash1b"]) == (expected.hash1, expected.hash1b)
    held = sandbox.get_credential(id_)
    assert held is not None and held.hash1b == expected.hash1b

    same = plugin.diff("carol", id_, state, news)
    assert same.changes == proto.DiffResponse.DIFF_NONE

    rotated_inputs = {**news, "password": "rotated over grpc"}
    rotated = plugin.diff("carol", id_, state, rotated_inputs)
    assert rotated.changes == proto.DiffResponse.DIFF_SOME
    assert list(rotated.replaces) == []
    state = plugin.update("carol", id_, state, rotated_inputs)
    held = sandbox.get_credential(id_)
    assert held is not None and held.hash1 == state["hash1"]

    read_id, live = plugin.read("carol", id_, state)
    assert read_id == id_
    assert without_provider(live) == without_provider(state)

    renamed = plugin.diff("carol", id_, state, {**rotated_inputs, "username": "carol2"})
    assert list(renamed.replaces) == ["username"]
    assert renamed.deleteBeforeReplace is False

    plugin.delete("carol", id_, state)
    assert sandbox.credentials() == []
    gone_id, _ = plugin.read("carol", id_, state)
    assert gone_id == ""
    auth_kinds = {r.auth for r in sandbox.requests if "/accounts/" in r.path}
    assert auth_kinds == ({"bearer"} if config is oauth_config else {"basic"})


def test_check_failures_travel_over_the_protocol(plugin: ProviderProcess, sandbox: Sandbox) -> None:
    plugin.configure(oauth_config(sandbox))
    reply = plugin.check("bad", {}, inputs(username="has:colon"))
    [failure] = list(reply.failures)
    assert failure.property == "username"
    assert "':' or '@'" in failure.reason
    assert sandbox.requests == []


def test_api_errors_reach_the_engine_without_secrets(
    plugin: ProviderProcess, sandbox: Sandbox
) -> None:
    plugin.configure(oauth_config(sandbox))
    plugin.create("dave", inputs("dave"))
    with pytest.raises(grpc.RpcError) as caught:
        plugin.create("dave2", inputs("dave", password="a different password"))
    details = caught.value.details() or ""
    assert "23009" in details
    other = compute_hashes("dave", "a different password", DEFAULT_REALM)
    for secret in ("a different password", other.hash1, other.hash1b, sandbox.config.client_secret):
        assert secret not in details


def test_missing_configuration_names_the_keys(plugin: ProviderProcess) -> None:
    plugin.configure({})
    with pytest.raises(grpc.RpcError) as caught:
        plugin.create("erin", inputs("erin"))
    assert "bandwidth:accountId" in (caught.value.details() or "")


def test_concurrent_creates_share_one_provider_instance(
    plugin: ProviderProcess, sandbox: Sandbox
) -> None:
    plugin.configure(oauth_config(sandbox))
    names = [f"user{i}" for i in range(12)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = list(pool.map(lambda name: plugin.create(name, inputs(name))[0], names))
    assert sorted(ids) == sorted(names)
    assert len(sandbox.credentials()) == 12
    assert sandbox.token_requests == 1


def test_an_api_failure_reaches_the_engine_as_a_short_message(
    plugin: ProviderProcess, sandbox: Sandbox
) -> None:
    """The details are what `pulumi up` prints under the resource."""
    plugin.configure({**oauth_config(sandbox), "bandwidth:clientSecret": "not-the-secret"})
    with pytest.raises(grpc.RpcError) as caught:
        plugin.create("frank", inputs("frank"))
    lines = (caught.value.details() or "").splitlines()
    assert len(lines) <= 12, lines
    assert lines[-1].startswith(
        "bw_pulumi.ProviderOperationError: create SIP credential 'frank' failed:"
        " OAuth2 token request"
    )
    assert "HTTP 401" in lines[-1] and "bandwidth:clientSecret" in lines[-1]
    our_frames = re.findall(r'/bw_pulumi/([\w/]+)\.py", line', "\n".join(lines))
    assert our_frames == ["resources/hook_errors"]


def test_a_bug_in_a_hook_keeps_its_whole_traceback(
    plugin: ProviderProcess, sandbox: Sandbox
) -> None:
    plugin.configure(oauth_config(sandbox))
    without_realm = {"username": "grace", "password": PASSWORD}  # the engine checks first
    with pytest.raises(grpc.RpcError) as caught:
        plugin.create("grace", without_realm)
    details = caught.value.details() or ""
    assert "in from_props" in details
    assert details.splitlines()[-1] == "KeyError: 'realm'"
