"""Lost answers to every write, through Pulumi's real dynamic provider process over gRPC.

For each write kind (account-level credential, realm, realm-scoped credential; create,
update, delete) Bandwidth commits the write and its answer is lost: the sandbox's
``after_commit`` fault answers 500 or 504 instead. The hook must end as if the answer had
come: the state it returns equals what Bandwidth holds, and the engine's next ``pulumi up``
(a diff against the same inputs) and ``pulumi refresh`` (a read) find nothing to change.

Then the realm create's other ambiguous and refused outcomes: someone else's realm of the
declared name, ``adopt=True``, and a failure while waiting for ACTIVE.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from pulumi.runtime import proto

from tests.protocol.test_protocol import oauth_config
from tests.support.provider_process import PROVIDER_KEY, REALM, ProviderProcess

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, Fault, RealmRecord, Sandbox

pytestmark = pytest.mark.protocol

LOST = [500, 504]
PASSWORD = "lost-answer-Secret-01"
ROTATED = "lost-answer-Secret-02"


@pytest.fixture(scope="module")
def running() -> Iterator[Sandbox]:
    box = Sandbox()
    with box.running():
        yield box


@pytest.fixture(scope="module")
def plugin(running: Sandbox) -> Iterator[ProviderProcess]:
    env = {"BW_ACCOUNT_ID": "", "BW_USERNAME": "", "BW_CLIENT_ID": ""}
    with ProviderProcess(env=env) as process:
        process.configure({**oauth_config(running), "bandwidth:realmWaitSeconds": "30"})
        yield process


@pytest.fixture
def sandbox(running: Sandbox) -> Sandbox:
    """A fresh account for each test (ids keep counting, so none is ever reused)."""
    running.reset()
    running.add_realm_out_of_band("main", default=True)
    return running


def lose_answer(sandbox: Sandbox, method: str, path: str, status: int) -> None:
    sandbox.inject(Fault("after_commit", status=status, method=method, path_contains=path))


def plain(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != PROVIDER_KEY}


def assert_next_up_changes_nothing(
    plugin: ProviderProcess,
    sandbox: Sandbox,
    name: str,
    id_: str,
    state: dict[str, Any],
    inputs: dict[str, Any],
    kind: str = "",
) -> None:
    assert sandbox.pending_faults == [], "the lost answer was never produced"
    diff = plugin.diff(name, id_, state, inputs, kind)
    assert diff.changes == proto.DiffResponse.DIFF_NONE
    read_id, live = plugin.read(name, id_, state, kind)
    assert read_id == id_
    assert plain(live) == plain(state)


def account_inputs(password: str = PASSWORD) -> dict[str, Any]:
    return {"username": "carol", "password": password, "realm": DEFAULT_REALM}


def office(sandbox: Sandbox) -> RealmRecord:
    realm = sandbox.api_realm("office")
    assert realm is not None
    return realm


def realm_scoped_inputs(realm: RealmRecord, password: str = PASSWORD) -> dict[str, Any]:
    return {"username": "ext100", "password": password, "realm": realm.fqdn, "realm_id": realm.id}


# -- account-level credentials -----------------------------------------------------------------


@pytest.mark.parametrize("status", LOST)
def test_account_credential_create_with_a_lost_answer(
    plugin: ProviderProcess, sandbox: Sandbox, status: int
) -> None:
    lose_answer(sandbox, "POST", "/sipcredentials", status)
    id_, state = plugin.create("carol", account_inputs())
    [held] = sandbox.credentials()
    assert (id_, held.hash1, held.hash1b) == ("carol", state["hash1"], state["hash1b"])
    assert_next_up_changes_nothing(plugin, sandbox, "carol", id_, state, account_inputs())


@pytest.mark.parametrize("status", LOST)
def test_account_credential_update_with_a_lost_answer(
    plugin: ProviderProcess, sandbox: Sandbox, status: int
) -> None:
    id_, state = plugin.create("carol", account_inputs())
    lose_answer(sandbox, "PUT", "/sipcredentials/", status)
    state = plugin.update("carol", id_, state, account_inputs(ROTATED))
    [held] = sandbox.credentials()
    assert held.hash1 == state["hash1"] == compute_hashes("carol", ROTATED, DEFAULT_REALM).hash1
    assert_next_up_changes_nothing(plugin, sandbox, "carol", id_, state, account_inputs(ROTATED))


@pytest.mark.parametrize("status", LOST)
def test_account_credential_delete_with_a_lost_answer(
    plugin: ProviderProcess, sandbox: Sandbox, status: int
) -> None:
    id_, state = plugin.create("carol", account_inputs())
    lose_answer(sandbox, "DELETE", "/sipcredentials/", status)
    plugin.delete("carol", id_, state)
    assert sandbox.credentials() == []
    assert sandbox.pending_faults == []
    assert plugin.read("carol", id_, state)[0] == ""  # a refresh drops nothing that exists


# -- realms ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", LOST)
def test_realm_create_with_a_lost_answer_takes_the_realm_over(
    plugin: ProviderProcess, sandbox: Sandbox, status: int
) -> None:
    """504: the retry is refused with 33002; 500 is not retried. Either way the realm
    this create made is found by name and taken over: one realm, in the state."""
    inputs = {"name": "office", "description": "HQ"}
    lose_answer(sandbox, "POST", "/realms", status)
    realm_id, state = plugin.create("office", inputs, kind=REALM)
    realm = office(sandbox)
    assert [r.name for r in sandbox.api_realms()] == ["main", "office"]
    assert (realm_id, state["fqdn"], state["status"]) == (realm.id, realm.fqdn, "ACTIVE")
    assert_next_up_changes_nothing(plugin, sandbox, "office", realm_id, state, inputs, REALM)


@pytest.mark.parametrize("status", LOST)
def test_realm_update_with_a_lost_answer(
    plugin: ProviderProcess, sandbox: Sandbox, status: int
) -> None:
    realm_id, state = plugin.create("office", {"name": "office"}, kind=REALM)
    changed = {"name": "office", "description": "moved to the new floor"}
    lose_answer(sandbox, "PUT", "/realms/", status)
    state = plugin.update("office", realm_id, state, changed, kind=REALM)
    assert office(sandbox).description == state["description"] == "moved to the new floor"
    assert_next_up_changes_nothing(plugin, sandbox, "office", realm_id, state, changed, REALM)


@pytest.mark.parametrize("status", LOST)
def test_realm_delete_with_a_lost_answer(
    plugin: ProviderProcess, sandbox: Sandbox, status: int
) -> None:
    realm_id, state = plugin.create("office", {"name": "office"}, kind=REALM)
    sandbox.set_realm_timing(deletion_seconds=1)
    lose_answer(sandbox, "DELETE", "/realms/", status)
    plugin.delete("office", realm_id, state, kind=REALM)
    assert sandbox.api_realm("office") is None
    assert sandbox.pending_faults == []
    assert plugin.read("office", realm_id, state, kind=REALM)[0] == ""


# -- realm-scoped credentials ------------------------------------------------------------------


@pytest.mark.parametrize("status", LOST)
def test_realm_scoped_create_with_a_lost_answer(
    plugin: ProviderProcess, sandbox: Sandbox, status: int
) -> None:
    realm = sandbox.add_realm_out_of_band("office")
    inputs = realm_scoped_inputs(realm)
    lose_answer(sandbox, "POST", "/sipcredentials", status)
    id_, state = plugin.create("ext100", inputs)
    [held] = sandbox.realm_credentials(realm.id)
    assert id_ == f"{realm.id}/{held.id}" and held.hash1 == state["hash1"]
    assert_next_up_changes_nothing(plugin, sandbox, "ext100", id_, state, inputs)


@pytest.mark.parametrize("status", LOST)
def test_realm_scoped_update_with_a_lost_answer(
    plugin: ProviderProcess, sandbox: Sandbox, status: int
) -> None:
    realm = sandbox.add_realm_out_of_band("office")
    id_, state = plugin.create("ext100", realm_scoped_inputs(realm))
    rotated = realm_scoped_inputs(realm, ROTATED)
    lose_answer(sandbox, "PUT", "/sipcredentials/", status)
    state = plugin.update("ext100", id_, state, rotated)
    [held] = sandbox.realm_credentials(realm.id)
    assert held.hash1 == state["hash1"] == compute_hashes("ext100", ROTATED, realm.fqdn).hash1
    assert_next_up_changes_nothing(plugin, sandbox, "ext100", id_, state, rotated)


@pytest.mark.parametrize("status", LOST)
def test_realm_scoped_delete_with_a_lost_answer(
    plugin: ProviderProcess, sandbox: Sandbox, status: int
) -> None:
    realm = sandbox.add_realm_out_of_band("office")
    id_, state = plugin.create("ext100", realm_scoped_inputs(realm))
    lose_answer(sandbox, "DELETE", "/sipcredentials/", status)
    plugin.delete("ext100", id_, state)
    assert sandbox.realm_credentials(realm.id) == []
    assert sandbox.pending_faults == []
    assert plugin.read("ext100", id_, state)[0] == ""


# -- a realm name that is taken, adopt, and failures while waiting for ACTIVE -----------------


def test_someone_elses_realm_fails_naming_its_id_and_both_ways_to_take_it_over(
    plugin: ProviderProcess, sandbox: Sandbox
) -> None:
    theirs = sandbox.add_realm_out_of_band("office", description="not ours")
    sandbox.drain_requests()
    with pytest.raises(grpc.RpcError) as caught:
        plugin.create("office", {"name": "office"}, kind=REALM)
    details = caught.value.details() or ""
    assert f"(id {theirs.id}," in details and "already exists" in details
    assert "adopt=True" in details and "pulumi import" in details
    sent = [r.method for r in sandbox.drain_requests() if "/realms" in r.path and r.status != 401]
    assert sent == ["GET"]  # the look-up by name: no POST, no delete
    assert office(sandbox).description == "not ours"


def test_adopt_takes_over_an_existing_realm_and_gives_it_the_declared_description(
    plugin: ProviderProcess, sandbox: Sandbox
) -> None:
    theirs = sandbox.add_realm_out_of_band("office", description="not ours yet")
    inputs = {"name": "office", "description": "ours now", "adopt": True}
    assert list(plugin.check("office", {}, inputs, kind=REALM).failures) == []
    realm_id, state = plugin.create("office", inputs, kind=REALM)
    assert realm_id == theirs.id and state["adopt"] is True
    assert office(sandbox).description == "ours now"
    assert [r.name for r in sandbox.api_realms()] == ["main", "office"]
    assert_next_up_changes_nothing(plugin, sandbox, "office", realm_id, state, inputs, REALM)


def test_adopt_must_be_a_boolean(plugin: ProviderProcess, sandbox: Sandbox) -> None:
    reply = plugin.check("office", {}, {"name": "office", "adopt": "yes"}, kind=REALM)
    [failure] = list(reply.failures)
    assert failure.property == "adopt"


def test_a_failed_read_while_waiting_for_active_deletes_the_realm_and_the_next_up_succeeds(
    plugin: ProviderProcess, sandbox: Sandbox
) -> None:
    sandbox.set_realm_timing(activation_seconds=3, deletion_seconds=2)
    sandbox.inject(Fault("status", status=500, method="GET", path_contains="/realms/"))
    with pytest.raises(grpc.RpcError) as caught:
        plugin.create("office", {"name": "office"}, kind=REALM)
    details = caught.value.details() or ""
    assert "could not be read while waiting for ACTIVE" in details
    assert "it was deleted again" in details
    assert [r.status for r in sandbox.api_realms() if r.name == "office"] == ["DELETE_PENDING"]

    # The next `pulumi up` waits out that deletion, then creates the realm anew.
    sandbox.set_realm_timing(activation_seconds=0)
    realm_id, state = plugin.create("office", {"name": "office"}, kind=REALM)
    assert office(sandbox).id == realm_id and state["status"] == "ACTIVE"
