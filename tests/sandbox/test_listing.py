"""Refresh in pages through the provider against the sandbox, compared with one GET per
credential (the cost and freshness rules of bw_pulumi.listing: tests/unit/test_listing.py)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.support.fixtures import oauth_settings

from bw_pulumi import compute_hashes
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.sip_credential.operations import CredentialOperations
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox, StoredCredential


def fill(sandbox: Sandbox, count: int) -> list[str]:
    names = [f"user{i:04d}" for i in range(count)]
    for name in names:
        hashes = compute_hashes(name, "pw-" + name, DEFAULT_REALM)
        sandbox.put_credential(StoredCredential(name, None, hashes.hash1, hashes.hash1b))
    return names


def refresh_all(ops: CredentialOperations, names: list[str]) -> list[Any]:
    """Reads as the engine makes them on refresh: four at a time."""
    state = {"realm": DEFAULT_REALM, "password": "kept"}
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda name: ops.read(name, state), names))


def test_refresh_of_1200_costs_three_list_requests_and_matches_single_reads(
    sandbox: Sandbox,
) -> None:
    names = fill(sandbox, 1200)
    client = BandwidthClient(oauth_settings(sandbox))
    paged = refresh_all(CredentialOperations(lambda: client), names)
    gets = [r for r in sandbox.requests if r.method == "GET" and "/sipcredentials" in r.path]
    assert len(gets) == 3
    assert all("page=" in r.path for r in gets)
    singles = [
        CredentialOperations(lambda: client).read(
            name, {"realm": DEFAULT_REALM, "password": "kept"}
        )
        for name in names[:50]
    ]
    assert paged[:50] == singles


def test_refresh_drops_what_is_gone_and_sees_drift(sandbox: Sandbox) -> None:
    names = fill(sandbox, 30)
    sandbox.delete_credential(names[0])
    sandbox.put_credential(StoredCredential(names[1], None, "0" * 32, "1" * 32))
    client = BandwidthClient(oauth_settings(sandbox))
    found = refresh_all(CredentialOperations(lambda: client), names)
    assert found[0].id is None
    assert (found[1].outputs["hash1"], found[1].outputs["hash1b"]) == ("0" * 32, "1" * 32)
    assert all(f.id == name for f, name in zip(found[2:], names[2:], strict=True))


def test_nothing_read_before_a_write_of_this_process_is_served_after_it(
    sandbox: Sandbox,
) -> None:
    names = fill(sandbox, 5)
    client = BandwidthClient(oauth_settings(sandbox))
    ops = CredentialOperations(lambda: client)
    state = {"username": names[1], "password": "new password", "realm": DEFAULT_REALM}
    before = ops.read(names[1], {**state, "password": "pw-" + names[1]})
    ops.update(names[1], before.outputs, state)
    after = ops.read(names[1], state)
    expected = compute_hashes(names[1], "new password", DEFAULT_REALM)
    assert after.outputs["hash1"] == expected.hash1


def test_refresh_of_a_realm_costs_a_page_per_500(sandbox: Sandbox) -> None:
    sandbox.add_realm_out_of_band("main", default=True)
    realm = sandbox.add_realm_out_of_band("office")
    ids = []
    for i in range(600):
        hashes = compute_hashes(f"ext{i}", "pw", realm.fqdn)
        held = sandbox.add_realm_credential_out_of_band(
            realm.id, f"ext{i}", hashes.hash1, hashes.hash1b
        )
        ids.append(f"{realm.id}/{held.id}")
    client = BandwidthClient(oauth_settings(sandbox))
    ops = CredentialOperations(lambda: client)
    state = {"realm": realm.fqdn, "password": "pw"}
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(lambda id_: ops.read(id_, state), ids))
    assert [f.id for f in found] == ids
    assert found[7].outputs["username"] == "ext7"
    gets = [r for r in sandbox.requests if r.method == "GET"]
    assert len(gets) == 2 and all("/sipcredentials?page=" in r.path for r in gets)
