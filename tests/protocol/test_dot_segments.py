"""Dot segments over the provider protocol: a dot username fails at Check, and a dot id from
state is never sent (the rules: tests/unit/test_dot_segments.py; the transport and the
operations: tests/sandbox/test_dot_segments.py)."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest

from tests.protocol.test_protocol import inputs, oauth_config
from tests.support.provider_process import REALM, ProviderProcess

from bw_pulumi.sandbox import Sandbox


@pytest.fixture
def plugin() -> Iterator[ProviderProcess]:
    with ProviderProcess(env={"BW_ACCOUNT_ID": "", "BW_USERNAME": "", "BW_CLIENT_ID": ""}) as p:
        yield p


@pytest.mark.protocol
def test_check_refuses_a_dot_username_over_the_protocol(
    plugin: ProviderProcess, sandbox: Sandbox
) -> None:
    plugin.configure(oauth_config(sandbox))
    [failure] = list(plugin.check("dots", {}, inputs(username="..")).failures)
    assert failure.property == "username" and "'.' or '..'" in failure.reason
    assert sandbox.requests == []


@pytest.mark.protocol
@pytest.mark.parametrize("id_", ["..", ".", "1/..", "../bob"])
def test_delete_and_read_of_a_dot_id_send_nothing_to_the_sandbox(
    plugin: ProviderProcess, sandbox: Sandbox, id_: str
) -> None:
    plugin.configure(oauth_config(sandbox))
    plugin.create("bob", inputs("bob"))  # something a collapsed URL could hit
    sent = len(sandbox.requests)
    state = inputs("bob")
    for call in (lambda: plugin.delete("bob", id_, state), lambda: plugin.read("bob", id_, {})):
        with pytest.raises(grpc.RpcError) as caught:
            call()
        details = (caught.value.details() or "").splitlines()[-1]
        assert "SIP credential" in details, details
        assert "cannot be part of a URL path" in details or "must be an id" in details, details
    assert len(sandbox.requests) == sent
    assert [c.composite_username for c in sandbox.credentials()] == ["bob"]


@pytest.mark.protocol
def test_a_realm_delete_of_a_dot_id_sends_nothing(
    plugin: ProviderProcess, sandbox: Sandbox
) -> None:
    plugin.configure(oauth_config(sandbox))
    with pytest.raises(grpc.RpcError) as caught:
        plugin.delete("office", "..", {"name": "office"}, kind=REALM)
    assert "delete SIP realm 'office' (id ..) failed: id:" in (caught.value.details() or "")
    assert sandbox.requests == []
