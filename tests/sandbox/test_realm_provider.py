"""SipRealm and realm-scoped SipCredential operations against the sandbox.

The sandbox and the provider share one fake clock; sleeping advances it, so waits for a
realm's status and re-reads after a write take no real time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.fixtures import oauth_settings
from tests.support.sandbox_http import FakeClock

from bw_pulumi import compute_hashes
from bw_pulumi.api.errors import BandwidthApiError
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.sip_credential.operations import CredentialOperations
from bw_pulumi.resources.sip_credential.realm_api import UsernameCaseError
from bw_pulumi.resources.sip_realm.operations import RealmOperations, RealmWaitError, Waiting
from bw_pulumi.sandbox import Fault, Sandbox

PASSWORD = "realm-scoped-password"


class World:
    """A sandbox, a client and both operations on one fake clock."""

    def __init__(self, sandbox: Sandbox, clock: FakeClock) -> None:
        self.sandbox = sandbox
        self.clock = clock
        self.sleeps: list[float] = []
        self.progress: list[str] = []
        self.client = BandwidthClient(
            oauth_settings(sandbox), sleep=self.sleep, clock=clock, jitter=lambda: 0.0
        )
        self.wait_seconds = 60.0
        waiting = Waiting(
            seconds=lambda: self.wait_seconds,
            sleep=self.sleep,
            clock=clock,
            progress=self.progress.append,
        )
        self.realms = RealmOperations(lambda: self.client, waiting)
        self.credentials = CredentialOperations(lambda: self.client, now=clock)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.advance(seconds)

    def realm(self, name: str = "office", **extra: Any) -> dict[str, Any]:
        return self.realms.create(self.realms.check({}, {"name": name, **extra}).inputs).outputs

    def credential_inputs(
        self, realm: dict[str, Any], username: str = "ext100", **extra: Any
    ) -> dict[str, Any]:
        return {
            "username": username,
            "password": PASSWORD,
            "realm": realm["fqdn"],
            "realm_id": realm["realm_id"],
            **extra,
        }

    def writes(self, since: int) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.sandbox.requests[since:] if r.method != "GET"]


@pytest.fixture
def world() -> Iterator[World]:
    clock = FakeClock()
    box = Sandbox(clock=clock)
    box.add_realm_out_of_band("main", default=True)
    with box.running():
        yield World(box, clock)


# -- SipRealm -----------------------------------------------------------------------------


def test_create_waits_for_active_with_progress(world: World) -> None:
    world.sandbox.set_realm_timing(activation_seconds=12)
    outputs = world.realm(description="HQ phones")
    [held] = [r for r in world.sandbox.api_realms() if r.name == "office"]
    assert outputs == {
        "name": "office",
        "description": "HQ phones",
        "default": False,
        "realm_id": held.id,
        "fqdn": held.fqdn,
        "status": "ACTIVE",
        "sip_credential_count": 0,
    }
    assert len(world.progress) >= 2
    assert all("'office'" in line and "CREATE_PENDING" in line for line in world.progress)


def test_a_realm_pending_past_the_deadline_fails_and_is_deleted_again(world: World) -> None:
    world.sandbox.set_realm_timing(activation_seconds=600)
    world.wait_seconds = 30
    with pytest.raises(RealmWaitError) as caught:
        world.realm()
    message = str(caught.value)
    assert "'office'" in message and "CREATE_PENDING" in message
    assert "not ACTIVE within 30 s" in message and "deleted again" in message
    world.clock.advance(1)
    assert [r.name for r in world.sandbox.api_realms()] == ["main"]


def test_a_failed_realm_is_reported_and_cleaned_up(world: World) -> None:
    world.sandbox.fail_next_realm_creations(1)
    world.sandbox.set_realm_timing(activation_seconds=3)
    with pytest.raises(RealmWaitError, match="failed to create; its last status was CREATE_FAILED"):
        world.realm()
    assert [r.name for r in world.sandbox.api_realms()] == ["main"]


def test_update_sends_every_field_and_promotes(world: World) -> None:
    state = world.realm(description="HQ")
    news = {"name": "office", "description": "HQ phones", "default": True}
    before = len(world.sandbox.requests)
    updated = world.realms.update(state["realm_id"], state, news)
    assert (updated["description"], updated["default"]) == ("HQ phones", True)
    assert [m for m, _ in world.writes(before)] == ["PUT"]
    defaults = {r.name: r.default for r in world.sandbox.api_realms()}
    assert defaults == {"main": False, "office": True}


def test_read_reports_drift_and_a_gone_realm(world: World) -> None:
    state = world.realm(description="HQ")
    world.sandbox.set_realm_description_out_of_band(state["realm_id"], "changed by hand")
    found = world.realms.read(state["realm_id"], state)
    assert found.outputs["description"] == "changed by hand"
    assert world.realms.diff(found.outputs, {"name": "office", "description": "HQ"}).changes
    world.sandbox.delete_realm_out_of_band(state["realm_id"])
    assert world.realms.read(state["realm_id"], state).id is None


def test_delete_waits_until_the_realm_is_gone(world: World) -> None:
    state = world.realm()
    world.sandbox.set_realm_timing(deletion_seconds=7)
    world.realms.delete(state["realm_id"], state)
    assert [r.name for r in world.sandbox.api_realms()] == ["main"]
    assert sum(world.sleeps) >= 7


def test_delete_of_the_default_realm_says_what_to_do(world: World) -> None:
    state = world.realm(default=True)
    with pytest.raises(BandwidthApiError, match="33006") as caught:
        world.realms.delete(state["realm_id"], state)
    assert "make another realm the default" in str(caught.value)


def test_delete_of_a_realm_with_credentials_names_how_many(world: World) -> None:
    realm = world.realm()
    for name in ("ext100", "ext101"):
        world.credentials.create(world.credential_inputs(realm, name))
    with pytest.raises(BandwidthApiError, match="12666") as caught:
        world.realms.delete(realm["realm_id"], realm)
    assert "still holds 2 SIP credential(s)" in str(caught.value)


# -- realm-scoped SipCredential ------------------------------------------------------------


def test_create_in_a_realm(world: World) -> None:
    realm = world.realm()
    created = world.credentials.create(world.credential_inputs(realm))
    [held] = world.sandbox.realm_credentials(realm["realm_id"])
    assert created.id == f"{realm['realm_id']}/{held.id}"
    assert created.outputs["credential_id"] == held.id
    expected = compute_hashes("ext100", PASSWORD, realm["fqdn"])
    assert (held.hash1, held.hash1b) == (expected.hash1, expected.hash1b)


def test_a_realm_that_is_not_the_realms_fqdn_is_refused_before_any_write(world: World) -> None:
    realm = world.realm()
    before = len(world.sandbox.requests)
    wrong = {**world.credential_inputs(realm), "realm": "office.auth.bandwidth.com"}
    with pytest.raises(BandwidthApiError, match="is not the FQDN of realm"):
        world.credentials.create(wrong)
    assert world.writes(before) == []


def test_rotation_is_one_put_with_realm_id_and_the_id_stays(world: World) -> None:
    realm = world.realm()
    news = world.credential_inputs(realm)
    created = world.credentials.create(news)
    before = len(world.sandbox.requests)
    rotated = {**news, "password": "rotated"}
    outputs = world.credentials.update(created.id, created.outputs, rotated)
    [(method, path)] = world.writes(before)
    assert method == "PUT" and path.endswith(f"/sipcredentials/{created.outputs['credential_id']}")
    [held] = world.sandbox.realm_credentials(realm["realm_id"])
    assert held.id == outputs["credential_id"] == created.outputs["credential_id"]
    assert held.hash1 == compute_hashes("ext100", "rotated", realm["fqdn"]).hash1


def test_a_duplicate_needs_adopt_and_its_error_holds_no_hash(world: World) -> None:
    realm = world.realm()
    world.credentials.create(world.credential_inputs(realm))
    other = world.credential_inputs(realm, "EXT100", password="someone else's")
    with pytest.raises(BandwidthApiError, match="23026") as caught:
        world.credentials.create(other)
    hashes = compute_hashes("EXT100", "someone else's", realm["fqdn"])
    assert "adopt=True" in str(caught.value)
    assert hashes.hash1 not in str(caught.value) and hashes.hash1b not in str(caught.value)
    adopted = world.credentials.create({**other, "adopt": True})
    [held] = world.sandbox.realm_credentials(realm["realm_id"])
    assert (held.user_name, held.hash1) == ("EXT100", hashes.hash1)
    assert adopted.id == f"{realm['realm_id']}/{held.id}"


def test_a_lost_create_is_adopted_not_reported(world: World) -> None:
    realm = world.realm()
    world.sandbox.inject(Fault("after_commit", method="POST", path_contains="sipcredentials"))
    created = world.credentials.create(world.credential_inputs(realm))
    [held] = world.sandbox.realm_credentials(realm["realm_id"])
    assert created.outputs["credential_id"] == held.id


def test_a_username_echoed_in_another_case_is_an_error_and_is_removed(world: World) -> None:
    realm = world.realm()
    world.sandbox.set_username_echo_case("upper")
    with pytest.raises(UsernameCaseError, match="can never authenticate"):
        world.credentials.create(world.credential_inputs(realm))
    assert world.sandbox.realm_credentials(realm["realm_id"]) == []


def test_an_inactive_realm_refuses_credentials_with_a_hint(world: World) -> None:
    realm = world.realm()
    world.sandbox.pin_realm_status_out_of_band(realm["realm_id"], "DELETE_PENDING")
    with pytest.raises(BandwidthApiError, match=r"23022.*not ACTIVE"):
        world.credentials.create(world.credential_inputs(realm))


def test_a_read_right_after_a_write_waits_out_the_lag(world: World) -> None:
    realm = world.realm()
    world.sandbox.set_read_lag(2.0)
    created = world.credentials.create(world.credential_inputs(realm))
    found = world.credentials.read(created.id, created.outputs)
    assert found.id == created.id
    assert world.sleeps  # it re-read at least once


def test_a_read_long_after_the_last_write_drops_a_deleted_credential_at_once(
    world: World,
) -> None:
    realm = world.realm()
    created = world.credentials.create(world.credential_inputs(realm))
    world.clock.advance(3600)
    world.sandbox.delete_realm_credential_out_of_band(
        realm["realm_id"], created.outputs["credential_id"]
    )
    sleeps = len(world.sleeps)
    assert world.credentials.read(created.id, created.outputs).id is None
    assert len(world.sleeps) == sleeps


def test_update_of_a_credential_deleted_by_hand_says_to_refresh(world: World) -> None:
    realm = world.realm()
    created = world.credentials.create(world.credential_inputs(realm))
    world.clock.advance(3600)
    world.sandbox.delete_realm_credential_out_of_band(
        realm["realm_id"], created.outputs["credential_id"]
    )
    news = {**world.credential_inputs(realm), "password": "new"}
    with pytest.raises(BandwidthApiError, match="pulumi refresh"):
        world.credentials.update(created.id, created.outputs, news)


def test_delete_of_a_realm_scoped_credential(world: World) -> None:
    realm = world.realm()
    created = world.credentials.create(world.credential_inputs(realm))
    world.credentials.delete(created.id, created.outputs)
    assert world.sandbox.realm_credentials(realm["realm_id"]) == []
    world.credentials.delete(created.id, created.outputs)  # already gone: fine


def test_an_account_without_sip_credentials_fails_clearly(world: World) -> None:
    world.sandbox.set_sip_credentials_enabled(False)
    with pytest.raises(BandwidthApiError, match="33004"):
        world.realm()
