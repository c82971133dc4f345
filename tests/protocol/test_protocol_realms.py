"""SipRealm and realm-scoped credentials inside Pulumi's real dynamic provider process,
driven over gRPC as the engine does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from pulumi.runtime.rpc import UNKNOWN

from tests.protocol.test_protocol import oauth_config
from tests.support.provider_process import REALM, ProviderProcess

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import Sandbox

pytestmark = pytest.mark.protocol


@pytest.fixture
def plugin() -> Iterator[ProviderProcess]:
    with ProviderProcess(env={"BW_ACCOUNT_ID": "", "BW_USERNAME": "", "BW_CLIENT_ID": ""}) as p:
        yield p


@pytest.fixture
def registrar() -> Iterator[Sandbox]:
    box = Sandbox()
    box.add_realm_out_of_band("main", default=True)
    with box.running():
        yield box


def configure(plugin: ProviderProcess, sandbox: Sandbox, wait_seconds: str = "30") -> None:
    plugin.configure({**oauth_config(sandbox), "bandwidth:realmWaitSeconds": wait_seconds})


def test_realm_and_credential_lifecycle(plugin: ProviderProcess, registrar: Sandbox) -> None:
    configure(plugin, registrar)
    registrar.set_realm_timing(activation_seconds=1)
    realm_inputs = {"name": "office", "description": "HQ"}
    assert list(plugin.check("office", {}, realm_inputs, kind=REALM).failures) == []
    realm_id, realm = plugin.create("office", realm_inputs, kind=REALM)
    assert realm["status"] == "ACTIVE" and realm["realm_id"] == realm_id

    registrar.set_read_lag(1.0)
    news: dict[str, Any] = {
        "username": "ext100",
        "password": "grpc-realm-password",
        "realm": realm["fqdn"],
        "realm_id": realm_id,
    }
    id_, state = plugin.create("ext100", news)
    credential_id = state["credential_id"]
    assert id_ == f"{realm_id}/{credential_id}"
    read_id, live = plugin.read("ext100", id_, state)  # within the lag: re-read, not dropped
    assert read_id == id_ and live["hash1"] == state["hash1"]

    rotated = {**news, "password": "rotated over grpc"}
    assert list(plugin.diff("ext100", id_, state, rotated).replaces) == []
    state = plugin.update("ext100", id_, state, rotated)
    [held] = registrar.realm_credentials(realm_id)
    assert held.id == credential_id
    assert held.hash1 == compute_hashes("ext100", "rotated over grpc", realm["fqdn"]).hash1

    moved = plugin.diff("ext100", id_, state, {**rotated, "realm_id": "999"})
    assert list(moved.replaces) == ["realm_id"] and moved.deleteBeforeReplace is False

    plugin.delete("ext100", id_, state)
    registrar.set_realm_timing(deletion_seconds=1)
    plugin.delete("office", realm_id, realm, kind=REALM)
    assert [r.name for r in registrar.api_realms()] == ["main"]


def test_preview_of_a_credential_in_a_realm_not_created_yet_passes_check(
    plugin: ProviderProcess, registrar: Sandbox
) -> None:
    """In a first preview the realm's fqdn and id are unknown: check must let them pass."""
    configure(plugin, registrar)
    news = {"username": "ext100", "password": "pw", "realm": UNKNOWN, "realm_id": UNKNOWN}
    reply = plugin.check("ext100", {}, news)
    assert list(reply.failures) == []
    assert registrar.requests == []


def test_turning_default_off_fails_check(plugin: ProviderProcess, registrar: Sandbox) -> None:
    configure(plugin, registrar)
    reply = plugin.check(
        "office", {"name": "office", "default": True}, {"name": "office", "default": False}, REALM
    )
    [failure] = list(reply.failures)
    assert failure.property == "default"
    assert "make another realm the default" in failure.reason


def test_a_realm_pending_past_the_deadline_fails_clearly(
    plugin: ProviderProcess, registrar: Sandbox
) -> None:
    configure(plugin, registrar, wait_seconds="2")
    registrar.set_realm_timing(activation_seconds=600)
    with pytest.raises(grpc.RpcError) as caught:
        plugin.create("office", {"name": "office"}, kind=REALM)
    details = caught.value.details() or ""
    assert "realm 'office'" in details and "CREATE_PENDING" in details
    assert "deleted again" in details
    assert [r.name for r in registrar.api_realms()] == ["main"]


def test_a_wrong_realm_fqdn_fails_create(plugin: ProviderProcess, registrar: Sandbox) -> None:
    configure(plugin, registrar)
    realm_id, _ = plugin.create("office", {"name": "office"}, kind=REALM)
    news = {
        "username": "ext100",
        "password": "pw",
        "realm": "office.auth.bandwidth.com",
        "realm_id": realm_id,
    }
    with pytest.raises(grpc.RpcError) as caught:
        plugin.create("ext100", news)
    assert "is not the FQDN of realm" in (caught.value.details() or "")
    assert registrar.realm_credentials(realm_id) == []
