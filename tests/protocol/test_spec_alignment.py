"""The OpenAPI spec's aggregated usernames through both front doors: refresh and import read
them as declared, and a preview after a refresh shows no change (the rest:
tests/sandbox/test_spec_alignment.py, tests/unit/test_spec_alignment.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.runtime import proto

from tests.protocol.test_protocol import oauth_config
from tests.sandbox.test_spec_alignment import PASSWORD
from tests.support.native_process import NativeProcess, Secret, plain
from tests.support.provider_process import PROVIDER_KEY, ProviderProcess

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox, StoredCredential

NATIVE_NO_ENV = {"BW_ACCOUNT_ID": "", "BW_USERNAME": "", "BW_CLIENT_ID": "", "BW_CLIENT_SECRET": ""}


@pytest.fixture
def plugin() -> Iterator[ProviderProcess]:
    with ProviderProcess(env={"BW_ACCOUNT_ID": "", "BW_USERNAME": "", "BW_CLIENT_ID": ""}) as p:
        yield p


def _without_provider(props: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in props.items() if key != PROVIDER_KEY}


@pytest.mark.protocol
def test_refresh_then_preview_shows_no_change_when_usernames_come_back_aggregated(
    plugin: ProviderProcess, sandbox: Sandbox
) -> None:
    plugin.configure(oauth_config(sandbox))
    news = {"username": "carol", "password": PASSWORD, "realm": DEFAULT_REALM}
    news["domain"] = "corp.example.com"
    id_, state = plugin.create("carol", news)
    sandbox.set_response_shapes(aggregated_usernames=True, omit_hash1b=True)  # as the spec shows

    read_id, refreshed = plugin.read("carol", id_, state)  # pulumi refresh
    assert read_id == id_ == "carol@corp.example.com"
    assert (refreshed["username"], refreshed["domain"]) == ("carol", "corp.example.com")
    assert _without_provider(refreshed) == _without_provider(state)

    preview = plugin.diff("carol", id_, refreshed, news)  # pulumi preview
    assert preview.changes == proto.DiffResponse.DIFF_NONE
    assert list(preview.replaces) == []

    # Hash1b is not reported, but a password changed by hand still shows (through Hash1).
    other = compute_hashes("carol", "changed by hand", DEFAULT_REALM, "corp.example.com")
    sandbox.put_credential(
        StoredCredential("carol", "corp.example.com", other.hash1, other.hash1b, DEFAULT_REALM)
    )
    _, drifted = plugin.read("carol", id_, refreshed)
    assert drifted["hash1"] == other.hash1 and drifted.get("hash1b", "") == ""
    repaired = plugin.diff("carol", id_, drifted, news)
    assert repaired.changes == proto.DiffResponse.DIFF_SOME
    assert list(repaired.replaces) == []


@pytest.mark.protocol
def test_the_package_provider_refreshes_and_imports_aggregated_usernames_as_declared(
    sandbox: Sandbox,
) -> None:
    with NativeProcess(env=NATIVE_NO_ENV) as native:
        native.configure(
            {
                "accountId": sandbox.account_id,
                "clientId": sandbox.config.client_id,
                "clientSecret": Secret(sandbox.config.client_secret),
                "apiUrl": sandbox.base_url,
                "oauthUrl": sandbox.token_url,
            }
        )
        news = {
            "username": "carol",
            "password": Secret(PASSWORD),
            "realm": DEFAULT_REALM,
            "domain": "corp.example.com",
        }
        id_, state = native.create("carol", news)
        sandbox.set_response_shapes(aggregated_usernames=True, omit_hash1b=True)

        read_id, refreshed, _ = native.read("carol", id_, state, inputs=news)
        assert read_id == id_ and refreshed == state
        assert native.diff("carol", id_, refreshed, news).changes == proto.DiffResponse.DIFF_NONE

        imported_id, imported, _ = native.read("carol", id_, {})  # pulumi import
        assert imported_id == id_
        assert (plain(imported)["username"], plain(imported)["domain"]) == (
            "carol",
            "corp.example.com",
        )
