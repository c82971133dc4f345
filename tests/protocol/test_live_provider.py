"""The dynamic provider, configured only by the ``BW_*`` environment, against what
``live_api`` points at: the sandbox by default, Bandwidth itself with ``BW_LIVE=1``."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from pulumi.runtime import proto

from tests.support.live import PASSED_ON, LiveApi, unique_name
from tests.support.live_checks import (
    REALM_VARIABLE,
    Cleanup,
    LiveClient,
    account_realm,
    cleanup_list,
    live_client,
)
from tests.support.provider_process import ProviderProcess

from bw_pulumi import compute_hashes

pytestmark = pytest.mark.live

DOMAIN = "live.bw-pulumi.example.com"


@pytest.fixture
def client(live_api: LiveApi) -> LiveClient:
    return live_client(live_api)


@pytest.fixture
def cleanup(client: LiveClient) -> Iterator[Cleanup]:
    yield from cleanup_list(client)


@pytest.fixture
def plugin(live_api: LiveApi) -> Iterator[ProviderProcess]:
    """Only ``live_api``'s variables reach the provider: none from this shell's stack."""
    blank = {name: "" for name in (*PASSED_ON, "BW_TOKEN_URL")}
    with ProviderProcess(env={**blank, **live_api.environ}) as process:
        yield process


def test_the_provider_keeps_a_credential_from_create_to_delete(
    live_api: LiveApi, client: LiveClient, cleanup: Cleanup, plugin: ProviderProcess
) -> None:
    """§3 Create/Read/Update/Delete **[ref] [spec]** through the provider protocol, with
    only the ``BW_*`` environment as configuration: the id is the composite username, the
    stored hashes are ``compute_hashes``'s for the declared realm, a password change
    rotates them in place, and after delete a read finds nothing (23007 **[ref] [spec]**)."""
    realm = account_realm(live_api)
    if realm is None:
        pytest.skip(f"{REALM_VARIABLE} names no realm: the provider needs the account's realm")
    name = unique_name("live-prov")
    password = secrets.token_urlsafe(18)
    news = {"username": name, "password": password, "realm": realm, "domain": DOMAIN}
    composite = f"{name}@{DOMAIN}"
    cleanup.account_credential(composite)
    plugin.configure({})

    assert list(plugin.check(name, {}, news).failures) == []
    id_, state = plugin.create(name, news)
    assert id_ == composite
    held = client.api.credentials.get_credential(composite)
    expected = compute_hashes(name, password, realm, DOMAIN)
    assert held is not None and held.hash1.lower() == expected.hash1, "Hash1 differs"

    rotated = {**news, "password": secrets.token_urlsafe(18)}
    diff = plugin.diff(name, id_, state, rotated)
    assert (diff.changes, list(diff.replaces)) == (proto.DiffResponse.DIFF_SOME, [])
    state = plugin.update(name, id_, state, rotated)
    held = client.api.credentials.get_credential(composite)
    now = compute_hashes(name, rotated["password"], realm, DOMAIN)
    assert held is not None and held.hash1.lower() == now.hash1, "Hash1 was not rotated"

    plugin.delete(name, id_, state)
    assert client.api.credentials.get_credential(composite) is None
    gone_id, _ = plugin.read(name, id_, state)
    assert gone_id == ""
