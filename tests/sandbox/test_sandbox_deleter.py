"""The sandbox's concurrent deleter: someone else deleting credentials of the account
while a client pages through them (Python API and ``/_sandbox/concurrent-deleter``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.sandbox_http import BASIC, H1, H1B, creds_url, realms_url, web

from bw_pulumi.sandbox import Sandbox, StoredCredential


@pytest.fixture
def box() -> Iterator[Sandbox]:
    sandbox = Sandbox()
    with sandbox.running():
        yield sandbox


def fill(box: Sandbox, prefix: str, count: int) -> list[str]:
    names = [f"{prefix}{i:02d}" for i in range(count)]
    for name in names:
        box.put_credential(StoredCredential(name, None, H1, H1B))
    return names


def page(url: str, number: int, size: int = 5) -> list[str]:
    reply = web("GET", f"{url}?page={number}&size={size}", auth=BASIC)
    assert reply.status_code == 200, reply.text
    return [part.split("<")[0] for part in reply.text.split("<UserName>")[1:]]


def control(box: Sandbox) -> str:
    return box.base_url.removesuffix("/api") + "/_sandbox/concurrent-deleter"


def test_per_page_deletes_between_two_page_fetches_and_shifts_the_next_page(
    box: Sandbox,
) -> None:
    """The page already sent is what the client saw; the next page starts further on."""
    others, ours = fill(box, "a", 10), fill(box, "b", 10)
    box.start_concurrent_deleter(prefix="A", per_page=3, limit=5)
    assert page(creds_url(box), 1) == others[:5]
    assert box.concurrently_deleted == others[:3]  # first in list order, prefix ignores case
    assert page(creds_url(box), 2) == others[8:] + ours[:3]  # others[5:8] slid onto page 1
    assert box.concurrently_deleted == others[:5]  # the limit: 2 more, not 3
    page(creds_url(box), 3)
    assert box.stop_concurrent_deleter() == others[:5]
    remaining = [c.user_name for c in box.credentials()]
    assert remaining == others[5:] + ours
    assert box.writes == 0  # out of band, like a person in the dashboard
    assert all("page=" in r.path for r in box.requests)  # and not in the request log


def test_only_list_pages_of_the_target_scope_trigger_it(box: Sandbox) -> None:
    fill(box, "a", 4)
    realm = box.add_realm_out_of_band("office", default=True)
    box.add_realm_credential_out_of_band(realm.id, "ext", H1, H1B)
    box.start_concurrent_deleter(prefix="a", per_page=1, limit=4)
    assert web("GET", creds_url(box, "a00"), auth=BASIC).status_code == 200
    assert web("GET", realms_url(box, realm.id, "sipcredentials?page=1&size=5"), auth=BASIC).ok
    assert web("GET", creds_url(box), auth=BASIC, allow_redirects=False).status_code == 303
    assert box.concurrently_deleted == []
    page(creds_url(box), 1)
    assert box.concurrently_deleted == ["a00"]


def test_in_a_realm_it_deletes_that_realms_credentials_in_id_order(box: Sandbox) -> None:
    realm = box.add_realm_out_of_band("office", default=True)
    held = [box.add_realm_credential_out_of_band(realm.id, f"u{i}", H1, H1B) for i in range(6)]
    fill(box, "u", 3)  # account-level namesakes stay
    box.start_concurrent_deleter(realm_id=realm.id, per_page=2, limit=10)
    page(realms_url(box, realm.id, "sipcredentials"), 1, size=2)
    assert box.concurrently_deleted == [f"{realm.id}/{c.id}" for c in held[:2]]
    page(creds_url(box), 1)  # the account's list is another scope
    assert [c.id for c in box.realm_credentials(realm.id)] == [c.id for c in held[2:]]
    assert len(box.credentials()) == 3


def test_a_steady_deleter_runs_in_the_background_up_to_its_limit(box: Sandbox) -> None:
    others = fill(box, "a", 8)
    fill(box, "b", 2)
    box.start_concurrent_deleter(prefix="a", every_seconds=0, batch=2, limit=5)
    assert box.wait_for_concurrent_deleter(timeout=10)
    assert box.concurrently_deleted == others[:5]
    assert len(box.credentials()) == 5


def test_stop_and_reset_end_a_running_deleter(box: Sandbox) -> None:
    fill(box, "a", 5)
    box.start_concurrent_deleter(prefix="zzz", every_seconds=0.01, limit=5)  # nothing matches
    assert not box.wait_for_concurrent_deleter(timeout=0.05)  # runs until stopped
    box.stop_concurrent_deleter()
    assert box.wait_for_concurrent_deleter(timeout=0)
    box.start_concurrent_deleter(prefix="a", per_page=5, limit=5)
    box.reset()
    fill(box, "a", 5)
    page(creds_url(box), 1)
    assert len(box.credentials()) == 5


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ({"per_page": 1}, "limit is required"),
        ({"limit": 0, "per_page": 1}, "limit must be between 1"),
        ({"limit": 3}, "give per_page, or every_seconds"),
        ({"limit": 3, "per_page": -1}, "per_page must be a whole number"),
        ({"limit": 3, "every_seconds": 61}, "every_seconds must be a number from 0 to 60"),
        ({"limit": 3, "per_page": 1, "speed": 2}, "unknown fields: speed"),
        ({"limit": 3, "per_page": 1, "prefix": 7}, "prefix must be a string"),
    ],
)
def test_a_bad_plan_is_refused_naming_the_field(
    box: Sandbox, plan: dict[str, object], message: str
) -> None:
    reply = web("PUT", control(box), json=plan)
    assert reply.status_code == 400 and message in reply.json()["error"]
    assert web("GET", control(box)).json()["active"] is False


def test_the_control_route_starts_reports_and_stops_it(box: Sandbox) -> None:
    names = fill(box, "a", 6)
    plan = {"prefix": "a", "per_page": 2, "limit": 3}
    started = web("PUT", control(box), json=plan)
    assert started.status_code == 200
    assert started.json() == {
        "active": True,
        "deleted": 0,
        "plan": {
            "batch": 1,
            "every_seconds": None,
            "limit": 3,
            "per_page": 2,
            "prefix": "a",
            "realm_id": None,
        },
    }
    page(creds_url(box), 1)
    assert web("GET", control(box)).json()["deleted"] == 2
    stopped = web("DELETE", control(box), json={}).json()
    assert (stopped["active"], stopped["deleted_names"]) == (False, names[:2])
    page(creds_url(box), 1)
    assert len(box.credentials()) == 4
