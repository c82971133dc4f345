"""A second Configure of the package provider starts from empty caches: list pages and
realm FQDNs read for one account (or API URL) are never served for the next."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest

from tests.protocol.test_native_protocol import NO_ENV, inputs, oauth_args
from tests.support.native_process import NativeProcess

from bw_pulumi.sandbox import Sandbox

pytestmark = pytest.mark.protocol


@pytest.fixture
def plugin() -> Iterator[NativeProcess]:
    with NativeProcess(env=NO_ENV) as process:
        yield process


@pytest.fixture
def other() -> Iterator[Sandbox]:
    """A second Bandwidth account, on its own server."""
    box = Sandbox(account_id="9900001")
    with box.running():
        yield box


def test_a_listing_of_the_first_configuration_is_not_served_after_a_second(
    plugin: NativeProcess, sandbox: Sandbox, other: Sandbox
) -> None:
    plugin.configure(oauth_args(sandbox))
    id_, state = plugin.create("carol", inputs("carol"))
    read_id, _, _ = plugin.read("carol", id_, state)  # fetches and keeps the first list page
    assert read_id == id_
    assert any("page=1" in r.path for r in sandbox.requests)

    plugin.configure(oauth_args(other))
    gone_id, _, _ = plugin.read("carol", id_, state)
    assert gone_id == "", "a read after the second Configure was served from the old listing"
    assert any(r.method == "GET" for r in other.requests)


def test_a_realm_fqdn_of_the_first_configuration_is_not_trusted_after_a_second(
    plugin: NativeProcess, sandbox: Sandbox, other: Sandbox
) -> None:
    first = sandbox.add_realm_out_of_band("main")
    second = other.add_realm_out_of_band("office")
    assert first.id == second.id and first.fqdn != second.fqdn
    news = {**inputs("ext100"), "realm": first.fqdn, "realmId": first.id}
    plugin.configure(oauth_args(sandbox))
    plugin.create("ext100", news)  # learns realm 1's FQDN on the first account

    plugin.configure(oauth_args(other))
    with pytest.raises(grpc.RpcError) as caught:
        plugin.create("ext100", news)
    assert f"is not the FQDN of realm {second.id} ('{second.fqdn}')" in (
        caught.value.details() or ""
    )
    assert other.realm_credentials(second.id) == []  # nothing hashed for the wrong realm


def test_after_a_second_configure_writes_go_to_the_new_account(
    plugin: NativeProcess, sandbox: Sandbox, other: Sandbox
) -> None:
    plugin.configure(oauth_args(sandbox))
    plugin.create("dave", inputs("dave"))
    plugin.configure(oauth_args(other))
    id_, _ = plugin.create("dave", inputs("dave"))
    assert other.get_credential(id_) is not None
    assert [c.composite_username for c in sandbox.credentials()] == ["dave"]
