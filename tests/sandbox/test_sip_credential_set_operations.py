"""SipCredentialSet's operations against the in-process sandbox: few requests (counted),
per-entry diffs, partial failure that loses nothing, lost answers, refresh, realms, and
the process-wide rate-limit pause. Nothing sleeps for real: the client's sleeper is
recorded (and, for rate limits, moves an injected clock shared with the sandbox)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from tests.support.fixtures import RecordingSleeper, oauth_settings

from bw_pulumi.api.retry import RetryPolicy
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.lifecycle import Props
from bw_pulumi.resources.sip_credential.rules import compute_hashes
from bw_pulumi.resources.sip_credential_set.operations import SipCredentialSetOperations
from bw_pulumi.resources.sip_credential_set.outcome import SetOperationError, SetOutcome
from bw_pulumi.sandbox import DEFAULT_REALM, Fault, Sandbox, StoredCredential

PASSWORD = "s3cret-phone-pass"


def entries(count: int, prefix: str = "phone", password: str = PASSWORD) -> dict[str, Any]:
    return {
        f"{prefix}-{i:03d}": {"username": f"{prefix}{i:03d}", "password": f"{password}-{i}"}
        for i in range(count)
    }


def inputs(credentials: dict[str, Any], **extra: Any) -> Props:
    return {"realm": DEFAULT_REALM, "credentials": credentials, **extra}


def api_requests(box: Sandbox) -> list[tuple[str, int]]:
    """(method, status) of each API request since the last call (token requests left out)."""
    return [(r.method, r.status) for r in box.drain_requests() if "/accounts/" in r.path]


def methods(box: Sandbox) -> list[str]:
    return [method for method, _ in api_requests(box)]


def ops_of(client: BandwidthClient, **options: Any) -> SipCredentialSetOperations:
    return SipCredentialSetOperations(lambda: client, **options)


def up(ops: SipCredentialSetOperations, olds: Props | None, news: Props) -> SetOutcome:
    """What the engine does: check, then create or (on a diff with changes) update."""
    checked = ops.check(olds or {}, news)
    assert checked.failures == []
    if olds is None:
        return ops.create(checked.inputs)
    return ops.update("set-id", olds, checked.inputs)


def stored_hashes(box: Sandbox) -> dict[str, tuple[str, str]]:
    return {c.composite_username: (c.hash1, c.hash1b) for c in box.credentials()}


@pytest.fixture
def ops(client: BandwidthClient) -> SipCredentialSetOperations:
    return ops_of(client)


# -- writes at API speed -------------------------------------------------------------------------


def test_250_entries_are_created_in_three_posts(
    sandbox: Sandbox, ops: SipCredentialSetOperations
) -> None:
    sandbox.drain_requests()
    outcome = up(ops, None, inputs(entries(250)))
    assert outcome.ok, outcome.failures
    assert methods(sandbox) == ["POST", "POST", "POST"]
    assert len(sandbox.credentials()) == 250
    usernames = outcome.outputs["usernames"]
    assert usernames["phone-007"] == "phone007" and len(usernames) == 250
    expected = compute_hashes("phone007", f"{PASSWORD}-7", DEFAULT_REALM)
    assert outcome.outputs["hashes"]["phone-007"] == {
        "hash1": expected.hash1,
        "hash1b": expected.hash1b,
    }
    assert stored_hashes(sandbox)["phone007"] == (expected.hash1, expected.hash1b)
    assert outcome.outputs["failures"] == {} and outcome.outputs["credential_ids"] == {}


def test_batch_size_is_a_setting(client: BandwidthClient, sandbox: Sandbox) -> None:
    sandbox.drain_requests()
    assert up(ops_of(client, batch_size=7), None, inputs(entries(20))).ok
    assert methods(sandbox) == ["POST"] * 3


def test_one_password_changed_is_one_put(sandbox: Sandbox, ops: SipCredentialSetOperations) -> None:
    first = up(ops, None, inputs(entries(30)))
    news = inputs(entries(30))
    news["credentials"]["phone-004"]["password"] = "rotated-password"
    plan = ops.diff(first.outputs, news)
    assert plan.changes and plan.entries == {"phone-004": "update"}
    assert "1 to update (phone-004)" in (plan.summary() or "")
    sandbox.drain_requests()
    second = up(ops, first.outputs, news)
    assert second.ok and methods(sandbox) == ["PUT"]
    rotated = compute_hashes("phone004", "rotated-password", DEFAULT_REALM)
    assert stored_hashes(sandbox)["phone004"] == (rotated.hash1, rotated.hash1b)
    assert second.outputs["hashes"]["phone-004"]["hash1"] == rotated.hash1
    assert not ops.diff(second.outputs, news).changes


def test_one_entry_added_is_one_post_and_one_removed_is_one_delete(
    sandbox: Sandbox, ops: SipCredentialSetOperations
) -> None:
    first = up(ops, None, inputs(entries(10)))
    grown = inputs({**entries(10), "extra": {"username": "extra", "password": "x-pass"}})
    sandbox.drain_requests()
    second = up(ops, first.outputs, grown)
    assert methods(sandbox) == ["POST"] and second.outputs["usernames"]["extra"] == "extra"
    shrunk = inputs(entries(10))
    del shrunk["credentials"]["phone-003"]
    assert ops.diff(second.outputs, shrunk).entries == {"extra": "delete", "phone-003": "delete"}
    third = up(ops, second.outputs, shrunk)
    assert methods(sandbox) == ["DELETE", "DELETE"]
    assert "phone003" not in stored_hashes(sandbox) and "extra" not in stored_hashes(sandbox)
    assert sorted(third.outputs["usernames"]) == sorted(shrunk["credentials"])


def test_a_changed_username_is_a_create_then_a_delete(
    sandbox: Sandbox, ops: SipCredentialSetOperations
) -> None:
    first = up(ops, None, inputs(entries(3)))
    news = inputs(entries(3))
    news["credentials"]["phone-001"] = {"username": "desk1", "password": "p", "domain": "a.com"}
    assert ops.diff(first.outputs, news).entries == {"phone-001": "replace"}
    sandbox.drain_requests()
    second = up(ops, first.outputs, news)
    assert second.ok and methods(sandbox) == ["POST", "DELETE"]
    assert set(stored_hashes(sandbox)) == {"phone000", "desk1@a.com", "phone002"}
    assert second.outputs["usernames"]["phone-001"] == "desk1@a.com"


def test_a_letter_case_change_deletes_first(
    sandbox: Sandbox, ops: SipCredentialSetOperations
) -> None:
    """Bandwidth's uniqueness ignores case: the new one would be refused while the old one
    exists, so this replace deletes first."""
    first = up(ops, None, inputs({"k": {"username": "bob", "password": "p"}}))
    sandbox.drain_requests()
    second = up(ops, first.outputs, inputs({"k": {"username": "Bob", "password": "p"}}))
    assert second.ok and methods(sandbox) == ["DELETE", "POST"]
    assert set(stored_hashes(sandbox)) == {"Bob"}


def test_a_renamed_key_keeps_its_credential(
    sandbox: Sandbox, ops: SipCredentialSetOperations
) -> None:
    """The same username under a new key is the same credential: not a create (a
    duplicate) and a delete (of the credential the new key now holds)."""
    first = up(ops, None, inputs({"desk-1": {"username": "bob", "password": "p"}}))
    sandbox.drain_requests()
    moved = up(ops, first.outputs, inputs({"desk-a": {"username": "bob", "password": "p"}}))
    assert moved.ok and methods(sandbox) == []  # nothing to send: the hashes are the same
    assert moved.outputs["usernames"] == {"desk-a": "bob"} and set(stored_hashes(sandbox)) == {
        "bob"
    }
    rotated = inputs({"desk-b": {"username": "bob", "password": "q"}})
    again = up(ops, moved.outputs, rotated)
    assert again.ok and methods(sandbox) == ["PUT"]
    assert again.outputs["usernames"] == {"desk-b": "bob"} and len(sandbox.credentials()) == 1
    assert not ops.diff(again.outputs, rotated).changes


def test_swapped_usernames_are_two_puts(sandbox: Sandbox, ops: SipCredentialSetOperations) -> None:
    first = up(
        ops,
        None,
        inputs(
            {"a": {"username": "amy", "password": "pa"}, "b": {"username": "bob", "password": "pb"}}
        ),
    )
    swapped = inputs(
        {"a": {"username": "bob", "password": "pa"}, "b": {"username": "amy", "password": "pb"}}
    )
    assert ops.diff(first.outputs, swapped).entries == {"a": "replace", "b": "replace"}
    sandbox.drain_requests()
    second = up(ops, first.outputs, swapped)
    assert second.ok, second.failures
    assert methods(sandbox) == ["PUT", "PUT"]
    assert second.outputs["usernames"] == {"a": "bob", "b": "amy"}
    bob = compute_hashes("bob", "pa", DEFAULT_REALM)
    assert stored_hashes(sandbox)["bob"] == (bob.hash1, bob.hash1b)
    assert not ops.diff(second.outputs, swapped).changes


def test_a_changed_realm_puts_every_entry(
    sandbox: Sandbox, ops: SipCredentialSetOperations
) -> None:
    first = up(ops, None, inputs(entries(3)))
    other = "other.auth.example.com"
    sandbox.add_realm(other)
    moved = {"realm": other, "credentials": entries(3)}
    assert ops.diff(first.outputs, moved).entries == {k: "update" for k in entries(3)}
    sandbox.drain_requests()
    second = up(ops, first.outputs, moved)
    assert second.ok and methods(sandbox) == ["PUT"] * 3
    assert {c.realm for c in sandbox.credentials()} == {other}
    expected = compute_hashes("phone000", f"{PASSWORD}-0", other)
    assert stored_hashes(sandbox)["phone000"] == (expected.hash1, expected.hash1b)


def test_a_set_cannot_be_imported(ops: SipCredentialSetOperations) -> None:
    with pytest.raises(ValueError, match="cannot be imported"):
        ops.read("some-id", {})


def test_no_change_plans_nothing(ops: SipCredentialSetOperations) -> None:
    first = up(ops, None, inputs(entries(5)))
    plan = ops.diff(first.outputs, ops.check({}, inputs(entries(5))).inputs)
    assert not plan.changes and plan.entries == {}


def test_an_entry_deleted_outside_pulumi_is_created_again_on_update(
    sandbox: Sandbox, ops: SipCredentialSetOperations
) -> None:
    first = up(ops, None, inputs(entries(3)))
    sandbox.delete_credential("phone001")
    news = inputs(entries(3, password="new"))
    sandbox.drain_requests()
    second = up(ops, first.outputs, news)
    assert second.ok, second.failures
    assert methods(sandbox) == ["PUT", "PUT", "PUT", "POST"]  # the 404'd PUT, then a bulk
    assert len(sandbox.credentials()) == 3


# -- partial failure loses nothing -------------------------------------------------------------


def test_partial_failure_keeps_every_success_and_the_next_up_sends_only_the_failed(
    client: BandwidthClient, sandbox: Sandbox
) -> None:
    ops = ops_of(client, batch_size=2, concurrency=1)  # one worker: batches in order
    taken = compute_hashes("phone002", "someone-elses", DEFAULT_REALM)
    sandbox.put_credential(StoredCredential("phone002", None, taken.hash1, taken.hash1b))
    for _ in range(RetryPolicy().max_attempts):  # the first POST fails after every retry
        sandbox.inject(Fault("status", status=503, method="POST"))
    wanted = inputs(entries(5))
    first = up(ops, None, wanted)
    assert set(first.failures) == {"phone-000", "phone-001", "phone-002"}
    assert "HTTP 503" in first.failures["phone-000"]
    assert "[23009]" in first.failures["phone-002"] and "adopt=True" in first.failures["phone-002"]
    assert first.outputs["failures"] == first.failures
    assert sorted(first.outputs["usernames"]) == ["phone-003", "phone-004"]
    message = first.message()
    assert 'credentials["phone-002"]' in message and "3 SIP credential(s)" in message
    assert PASSWORD not in message and taken.hash1 not in message

    plan = ops.diff(first.outputs, wanted)
    assert plan.entries == {k: "create" for k in ("phone-000", "phone-001", "phone-002")}
    sandbox.drain_requests()
    second = up(ops, first.outputs, wanted)
    # 3 entries in batches of 2, and the refused duplicate's GET (does it hold our hashes?)
    assert methods(sandbox) == ["POST", "POST", "GET"]
    assert set(second.failures) == {"phone-002"}
    assert sorted(second.outputs["usernames"]) == [
        "phone-000",
        "phone-001",
        "phone-003",
        "phone-004",
    ]

    adopting = inputs(entries(5), adopt=True)
    third = up(ops, second.outputs, adopting)
    assert third.ok and third.outputs["failures"] == {}
    assert methods(sandbox) == ["POST", "GET", "GET", "PUT"]  # refused again, taken over
    mine = compute_hashes("phone002", f"{PASSWORD}-2", DEFAULT_REALM)
    assert stored_hashes(sandbox)["phone002"] == (mine.hash1, mine.hash1b)
    assert len(sandbox.credentials()) == 5
    assert not ops.diff(third.outputs, adopting).changes


def test_a_rename_onto_a_taken_name_with_adopt_takes_it_over_and_deletes_the_old(
    sandbox: Sandbox, ops: SipCredentialSetOperations
) -> None:
    first = up(ops, None, inputs({"k": {"username": "old", "password": "p"}}))
    other = compute_hashes("taken", "someone-elses", DEFAULT_REALM)
    sandbox.put_credential(StoredCredential("taken", None, other.hash1, other.hash1b))
    sandbox.drain_requests()
    second = up(
        ops, first.outputs, inputs({"k": {"username": "taken", "password": "p"}}, adopt=True)
    )
    assert second.ok, second.failures
    assert methods(sandbox) == ["POST", "GET", "GET", "PUT", "DELETE"]
    mine = compute_hashes("taken", "p", DEFAULT_REALM)
    assert stored_hashes(sandbox) == {"taken": (mine.hash1, mine.hash1b)}  # no orphan "old"
    assert second.outputs["usernames"] == {"k": "taken"}


def test_a_refused_realm_fails_every_entry_without_raising(
    sandbox: Sandbox, ops: SipCredentialSetOperations
) -> None:
    realm = "later.auth.example.com"
    wanted = {"realm": realm, "credentials": entries(4)}
    first = up(ops, None, wanted)
    assert sorted(first.failures) == sorted(wanted["credentials"])
    assert all("[23018]" in reason for reason in first.failures.values())
    assert first.outputs["usernames"] == {} and sandbox.credentials() == []
    sandbox.add_realm(realm)
    sandbox.drain_requests()
    second = up(ops, first.outputs, wanted)
    assert second.ok and methods(sandbox) == ["POST"] and len(sandbox.credentials()) == 4


def test_a_failed_put_keeps_the_old_values_so_the_next_up_puts_again(
    sandbox: Sandbox, client: BandwidthClient
) -> None:
    ops = ops_of(client, concurrency=1)  # one worker: the first PUT meets every fault
    first = up(ops, None, inputs(entries(3)))
    rotated = inputs(entries(3, password="rotated"))
    for _ in range(RetryPolicy().max_attempts):
        sandbox.inject(Fault("status", status=503, method="PUT"))
    second = up(ops, first.outputs, rotated)
    assert len(second.failures) == 1
    [failed] = second.failures
    assert second.outputs["credentials"][failed] == first.outputs["credentials"][failed]
    assert ops.diff(second.outputs, rotated).entries == {failed: "update"}
    sandbox.drain_requests()
    third = up(ops, second.outputs, rotated)
    assert third.ok and methods(sandbox) == ["PUT"]


def test_an_old_credential_that_cannot_be_deleted_is_retired_then_deleted(
    sandbox: Sandbox, ops: SipCredentialSetOperations
) -> None:
    first = up(ops, None, inputs({"k": {"username": "old", "password": "p"}}))
    renamed = inputs({"k": {"username": "new", "password": "p"}})
    for _ in range(RetryPolicy().max_attempts):
        sandbox.inject(Fault("status", status=503, method="DELETE"))
    second = up(ops, first.outputs, renamed)
    assert set(second.failures) == {"k"}
    assert second.outputs["usernames"] == {"k": "new"}
    assert second.outputs["retired"] == {"old": "k"}  # not lost: deleted next time
    plan = ops.diff(second.outputs, renamed)
    assert plan.changes and plan.entries == {} and plan.retired == 1
    sandbox.drain_requests()
    third = up(ops, second.outputs, renamed)
    assert third.ok and methods(sandbox) == ["DELETE"]
    assert "retired" not in third.outputs or third.outputs["retired"] == {}
    assert set(stored_hashes(sandbox)) == {"new"}


def test_a_lost_answer_to_a_bulk_post_creates_nothing_twice(
    sandbox: Sandbox, ops: SipCredentialSetOperations
) -> None:
    sandbox.inject(Fault("after_commit", method="POST"))  # committed, answered 500
    sandbox.drain_requests()
    outcome = up(ops, None, inputs(entries(20)))
    assert outcome.ok, outcome.failures
    requests = api_requests(sandbox)
    assert requests[:2] == [("POST", 500), ("POST", 400)]  # the retry: all duplicates
    assert {m for m, _ in requests[2:]} == {"GET"}  # each duplicate checked: our hashes
    assert len(sandbox.credentials()) == 20 and len(outcome.outputs["usernames"]) == 20


def test_a_bulk_post_lost_on_every_retry_is_looked_up(
    sandbox: Sandbox, ops: SipCredentialSetOperations
) -> None:
    sandbox.inject(Fault("after_commit", method="POST"))
    for _ in range(RetryPolicy().max_attempts - 1):
        sandbox.inject(Fault("status", status=503, method="POST"))
    outcome = up(ops, None, inputs(entries(4)))
    assert outcome.ok, outcome.failures  # found by their own GETs holding our hashes
    assert len(sandbox.credentials()) == 4


def test_chaos_never_duplicates_nor_orphans(sandbox: Sandbox, client: BandwidthClient) -> None:
    ops = ops_of(client, batch_size=10)
    sandbox.set_chaos(seed=19, unavailable=0.3, lost=0.3)
    wanted = inputs(entries(60))
    state: Props | None = None
    for _ in range(6):
        outcome = up(ops, state, wanted)
        state = outcome.outputs
        if outcome.ok:
            break
    assert outcome.ok, outcome.failures
    assert state is not None and sandbox.chaos_injected["lost"] > 0
    assert set(stored_hashes(sandbox)) == set(state["usernames"].values())
    for _ in range(6):
        try:
            ops.delete("set-id", state)
            break
        except SetOperationError:
            continue
    assert sandbox.credentials() == []


# -- refresh -----------------------------------------------------------------------------------


def test_refresh_reads_list_pages_and_confirms_absence_by_get(
    sandbox: Sandbox, client: BandwidthClient
) -> None:
    written = up(ops_of(client), None, inputs(entries(12)))
    tampered = compute_hashes("phone004", "changed-outside", DEFAULT_REALM)
    sandbox.put_credential(StoredCredential("phone004", None, tampered.hash1, tampered.hash1b))
    sandbox.delete_credential("phone007")
    sandbox.drain_requests()
    found = ops_of(client).read("set-id", written.outputs)  # a new process: no pages yet
    assert found.id == "set-id"
    requests = sandbox.drain_requests()
    assert [(r.method, r.status) for r in requests] == [("GET", 200), ("GET", 404)]
    assert "page=1" in requests[0].path and requests[1].path.endswith("/phone007")
    assert "phone-007" not in found.outputs["usernames"]
    assert found.outputs["hashes"]["phone-004"]["hash1"] == tampered.hash1
    assert found.outputs["credentials"]["phone-004"]["password"] == f"{PASSWORD}-4"
    plan = ops_of(client).diff(found.outputs, inputs(entries(12)))
    assert plan.entries == {"phone-004": "update", "phone-007": "create"}


def test_refresh_of_a_large_set_costs_its_list_pages_alone(
    sandbox: Sandbox, client: BandwidthClient
) -> None:
    """Read on 16 threads, 1,200 entries cost their 3 list pages and no GET: the set
    announces its reads, so the early ones do not fall back to GETs while the pages that
    hold them are still unfetched (before: a varying number of GETs on top)."""
    written = up(ops_of(client), None, inputs(entries(1200)))
    sandbox.drain_requests()
    # Entries held in the opposite order to the API's listing: the first reads want the
    # last page.
    state = {
        k: dict(reversed(v.items())) if isinstance(v, dict) else v
        for k, v in written.outputs.items()
    }
    found = ops_of(client, concurrency=16).read("set-id", state)
    assert len(found.outputs["usernames"]) == 1200
    requests = sandbox.drain_requests()
    assert [r.method for r in requests] == ["GET"] * 3
    assert all("page=" in r.path for r in requests)


def test_refresh_shows_a_username_case_change_as_a_replace(
    sandbox: Sandbox, ops: SipCredentialSetOperations
) -> None:
    written = up(ops, None, inputs({"k": {"username": "amy", "password": "p"}}))
    held = sandbox.get_credential("amy")
    assert held is not None
    sandbox.delete_credential("amy")
    sandbox.put_credential(replace(held, user_name="AMY"))
    found = ops.read("set-id", written.outputs)
    assert found.outputs["usernames"] == {"k": "AMY"}
    assert ops.diff(found.outputs, inputs({"k": {"username": "amy", "password": "p"}})).entries == {
        "k": "replace"
    }


# -- delete ------------------------------------------------------------------------------------


def test_delete_removes_every_entry_and_reports_failures(
    sandbox: Sandbox, client: BandwidthClient
) -> None:
    ops = ops_of(client, concurrency=1)
    written = up(ops, None, inputs(entries(8)))
    for _ in range(RetryPolicy().max_attempts):
        sandbox.inject(Fault("status", status=503, method="DELETE"))
    with pytest.raises(SetOperationError) as caught:
        ops.delete("set-id", written.outputs)
    assert len(caught.value.failures) == 1 and "could not be deleted" in str(caught.value)
    assert len(sandbox.credentials()) == 1
    sandbox.drain_requests()
    ops.delete("set-id", written.outputs)  # again: the gone ones answer 404, which is done
    assert sandbox.credentials() == []
    assert methods(sandbox) == ["DELETE"] * 8


class CountingOps(SipCredentialSetOperations):
    """Counts the deletes in flight; the first ``together`` meet at a barrier, which
    breaks (failing the test) unless that many run at once."""

    def __init__(self, client: BandwidthClient, together: int, **options: Any) -> None:
        super().__init__(lambda: client, **options)
        self.barrier = threading.Barrier(together, timeout=10)
        self.lock = threading.Lock()
        self.in_flight = self.most = self.calls = 0

    def _delete_one(self, scope: Any, bandwidth_key: str) -> bool:
        with self.lock:
            self.calls += 1
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            first = self.calls <= self.barrier.parties
        try:
            if first:
                self.barrier.wait()
            return super()._delete_one(scope, bandwidth_key)
        finally:
            with self.lock:
                self.in_flight -= 1


def test_deletes_run_on_exactly_the_configured_concurrency(
    sandbox: Sandbox, client: BandwidthClient
) -> None:
    written = up(ops_of(client), None, inputs(entries(40)))
    counting = CountingOps(client, together=16, concurrency=16)
    counting.delete("set-id", written.outputs)
    assert counting.calls == 40 and counting.most == 16
    assert sandbox.credentials() == []


# -- realm-scoped ------------------------------------------------------------------------------


def test_a_realm_scoped_set(sandbox: Sandbox, client: BandwidthClient) -> None:
    realm = sandbox.add_realm_out_of_band("office")
    ops = ops_of(client)
    wanted = {"realm": realm.fqdn, "realm_id": realm.id, "credentials": entries(150)}
    sandbox.drain_requests()
    first = up(ops, None, wanted)
    assert first.ok, first.failures
    assert methods(sandbox) == ["GET", "POST", "POST"]  # the realm's FQDN, then two bulks
    stored = {c.user_name: c for c in sandbox.realm_credentials(realm.id)}
    ids = first.outputs["credential_ids"]
    assert len(ids) == 150 and ids["phone-010"] == stored["phone010"].id
    assert isinstance(first.outputs["last_write"], float)

    changed = entries(150)
    news = {**wanted, "credentials": changed}
    changed["phone-001"]["password"] = "rotated"  # one PUT
    changed["phone-002"]["username"] = "renamed"  # POST, then DELETE
    del changed["phone-003"]  # one DELETE
    second = up(ops, first.outputs, news)
    assert second.ok, second.failures
    assert sorted(methods(sandbox)) == ["DELETE", "DELETE", "POST", "PUT"]
    assert second.outputs["credential_ids"]["phone-001"] == ids["phone-001"]  # kept by a PUT
    assert second.outputs["credential_ids"]["phone-002"] != ids["phone-002"]
    assert len(sandbox.realm_credentials(realm.id)) == 149

    sandbox.delete_realm_credential_out_of_band(realm.id, ids["phone-005"])
    found = ops_of(client).read("set-id", {**second.outputs, "last_write": None})
    assert "phone-005" not in found.outputs["usernames"]
    ops.delete("set-id", found.outputs)
    assert sandbox.realm_credentials(realm.id) == []


def test_a_realm_scoped_set_refuses_a_realm_that_is_not_the_fqdn(
    sandbox: Sandbox, ops: SipCredentialSetOperations
) -> None:
    realm = sandbox.add_realm_out_of_band("office")
    with pytest.raises(Exception, match="is not the FQDN of realm"):
        ops.create({"realm": "wrong.example.com", "realm_id": realm.id, "credentials": entries(2)})
    assert sandbox.realm_credentials(realm.id) == []


def test_realm_scoped_refusals_are_per_entry(sandbox: Sandbox, client: BandwidthClient) -> None:
    realm = sandbox.add_realm_out_of_band("office")
    other = compute_hashes("phone001", "someone-elses", realm.fqdn)
    sandbox.add_realm_credential_out_of_band(realm.id, "phone001", other.hash1, other.hash1b)
    ops = ops_of(client)
    wanted = {"realm": realm.fqdn, "realm_id": realm.id, "credentials": entries(4)}
    first = up(ops, None, wanted)
    assert list(first.failures) == ["phone-001"] and "[23026]" in first.failures["phone-001"]
    assert sorted(first.outputs["credential_ids"]) == ["phone-000", "phone-002", "phone-003"]
    second = up(ops, first.outputs, {**wanted, "adopt": True})
    assert second.ok, second.failures
    stored = {c.user_name: c for c in sandbox.realm_credentials(realm.id)}
    mine = compute_hashes("phone001", f"{PASSWORD}-1", realm.fqdn)
    assert (stored["phone001"].hash1, len(stored)) == (mine.hash1, 4)
    assert second.outputs["credential_ids"]["phone-001"] == stored["phone001"].id


def test_a_username_stored_in_another_case_is_deleted_and_named(
    sandbox: Sandbox, ops: SipCredentialSetOperations
) -> None:
    realm = sandbox.add_realm_out_of_band("office")
    sandbox.set_username_echo_case("upper")
    wanted = {"realm": realm.fqdn, "realm_id": realm.id, "credentials": entries(2)}
    outcome = up(ops, None, wanted)
    assert sorted(outcome.failures) == ["phone-000", "phone-001"]
    assert "can never authenticate (it was deleted again)" in outcome.failures["phone-000"]
    assert sandbox.realm_credentials(realm.id) == []


def test_a_lost_answer_in_a_realm_is_adopted(
    sandbox: Sandbox, ops: SipCredentialSetOperations
) -> None:
    realm = sandbox.add_realm_out_of_band("office")
    sandbox.inject(Fault("after_commit", method="POST"))
    wanted = {"realm": realm.fqdn, "realm_id": realm.id, "credentials": entries(30)}
    outcome = up(ops, None, wanted)
    assert outcome.ok, outcome.failures
    assert len(sandbox.realm_credentials(realm.id)) == 30
    stored = {c.user_name: c.id for c in sandbox.realm_credentials(realm.id)}
    assert outcome.outputs["credential_ids"]["phone-000"] == stored["phone000"]


# -- the process-wide rate-limit pause ------------------------------------------------------------

START = 1_800_000_000.8


class SharedWall:
    """One epoch clock for the sandbox and the client; a sleep moves it (as
    tests/test_client_rate_limit.py's), so nothing waits for real."""

    def __init__(self) -> None:
        self.now = START
        self._lock = threading.Lock()
        self._read = threading.local()

    def __call__(self) -> float:
        with self._lock:
            self._read.at = self.now
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now = max(self.now, getattr(self._read, "at", self.now) + seconds)


@pytest.fixture
def limited() -> Iterator[tuple[Sandbox, SharedWall]]:
    wall = SharedWall()
    box = Sandbox(wall_clock=wall)
    with box.running():
        yield box, wall


def test_a_429_pauses_every_thread_of_the_set(limited: tuple[Sandbox, SharedWall]) -> None:
    box, wall = limited
    client = BandwidthClient(
        oauth_settings(box), sleep=wall.sleep, wall_clock=wall, jitter=lambda: 0.0
    )
    ops = ops_of(client, concurrency=16)
    first = up(ops, None, inputs(entries(40)))
    assert first.ok
    box.set_rate_limit(10, window_seconds=5)
    box.drain_requests()
    rotated = up(ops, first.outputs, inputs(entries(40, password="rotated")))
    assert rotated.ok, rotated.failures
    statuses = api_requests(box)
    assert [s for _, s in statuses].count(200) == 40
    stats = box.rate_limit_stats
    assert stats.limited >= 1 and stats.early == 0  # nothing sent into a known limit
    assert wall.now < START + 40  # a few windows, not one pause per thread


def test_the_sleeper_is_the_clients(sandbox: Sandbox, sleeper: RecordingSleeper) -> None:
    """Retries inside the set wait through the client's injected sleeper."""
    client = BandwidthClient(oauth_settings(sandbox), sleep=sleeper, jitter=lambda: 0.0)
    sandbox.inject(Fault("status", status=503, method="POST"))
    assert up(ops_of(client), None, inputs(entries(3))).ok
    assert sleeper.delays == [0.25]
