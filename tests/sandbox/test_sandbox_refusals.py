"""Entry refusals (``core/refusals.py``) and the entries each POST carried in the request
log: "one refused entry" of a bulk create without staging a duplicate, and bulk sizes a
test can count."""

from __future__ import annotations

import defusedxml.ElementTree as SafeET
import pytest
import requests

from tests.support.sandbox_http import BASIC, H1, H1B, JSON, XML, creds_url, realms_url, web

from bw_pulumi.sandbox import EntryRefusal, Sandbox


def bulk(*users: str) -> str:
    entries = "".join(
        f"<SipCredential><UserName>{user}</UserName><Hash1>{H1}</Hash1>"
        f"<Hash1b>{H1B}</Hash1b></SipCredential>"
        for user in users
    )
    return f"<SipCredentials>{entries}</SipCredentials>"


def control(sb: Sandbox, route: str) -> str:
    return sb.base_url.removesuffix("/api") + "/_sandbox/" + route


def verdicts(response: requests.Response) -> tuple[list[str], dict[str, str]]:
    """(created usernames, refused username -> error code) of a bulk create's answer."""
    root = SafeET.fromstring(response.content)
    created = [e.findtext("UserName") or "" for e in root.iter("SipCredential")]
    refused = {
        error.findtext("SipCredential/UserName") or "": error.findtext("ErrorCode") or ""
        for error in root.iter("Error")
    }
    return [user for user in created if user not in refused], refused


def test_a_refused_entry_is_answered_in_errors_while_the_others_are_created(
    api: requests.Session, sandbox: Sandbox
) -> None:
    sandbox.refuse_entry("phone-2", 23019)
    response = api.post(creds_url(sandbox), data=bulk("phone-1", "phone-2", "phone-3"), headers=XML)
    assert response.status_code == 201
    created, refused = verdicts(response)
    assert created == ["phone-1", "phone-3"]
    assert refused == {"phone-2": "23019"}
    assert sorted(c.user_name for c in sandbox.credentials()) == ["phone-1", "phone-3"]


def test_a_refusal_is_used_up_so_the_next_create_succeeds(
    api: requests.Session, sandbox: Sandbox
) -> None:
    sandbox.refuse_entry("PHONE-2", 23020, times=2)  # any letter case matches
    for _ in range(2):
        refused = verdicts(api.post(creds_url(sandbox), data=bulk("phone-2"), headers=XML))[1]
        assert refused == {"phone-2": "23020"}
    assert sandbox.pending_refusals == []
    response = api.post(creds_url(sandbox), data=bulk("phone-2"), headers=XML)
    assert verdicts(response) == (["phone-2"], {})


def test_reset_forgets_pending_refusals(api: requests.Session, sandbox: Sandbox) -> None:
    sandbox.refuse_entry("phone-1")
    sandbox.reset()
    assert sandbox.pending_refusals == []
    assert verdicts(api.post(creds_url(sandbox), data=bulk("phone-1"), headers=XML))[1] == {}


def test_a_refusal_applies_to_realm_scoped_bulk_creates(sandbox: Sandbox) -> None:
    realm = sandbox.add_realm_out_of_band("fleet")
    sandbox.refuse_entry("desk-2", 23019)
    url = realms_url(sandbox, realm.id, "sipcredentials")
    response = web("POST", url, data=bulk("desk-1", "desk-2"), headers=XML, auth=BASIC)
    assert response.status_code == 201
    assert verdicts(response)[1] == {"desk-2": "23019"}
    assert [c.user_name for c in sandbox.realm_credentials(realm.id)] == ["desk-1"]


def test_the_control_route_queues_and_lists_refusals(
    api: requests.Session, sandbox: Sandbox
) -> None:
    queued = web(
        "POST",
        control(sandbox, "refusals"),
        json=[{"username": "phone-9", "code": 23019}, {"username": "phone-8", "times": 3}],
        headers=JSON,
    )
    assert queued.status_code == 201
    listed = web("GET", control(sandbox, "refusals")).json()["refusals"]
    assert {(r["username"], r["code"], r["times"]) for r in listed} == {
        ("phone-9", 23019, 1),
        ("phone-8", 23019, 3),
    }
    assert verdicts(api.post(creds_url(sandbox), data=bulk("phone-9"), headers=XML))[1] == {
        "phone-9": "23019"
    }


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"username": ""}, "username"),
        ({"username": "a", "code": "x"}, "code"),
        ({"username": "a", "times": 0}, "times"),
        ({"username": "a", "colour": "red"}, "colour"),
    ],
)
def test_a_bad_refusal_is_refused_naming_the_field(
    sandbox: Sandbox, body: dict[str, object], named: str
) -> None:
    response = web("POST", control(sandbox, "refusals"), json=body, headers=JSON)
    assert response.status_code == 400
    assert named in response.json()["error"]
    with pytest.raises(ValueError, match=named):
        EntryRefusal.from_json(body)


def test_the_request_log_counts_the_entries_each_post_carried(
    api: requests.Session, sandbox: Sandbox
) -> None:
    api.post(creds_url(sandbox), data=bulk("a1", "a2", "a3"), headers=XML)
    api.post(creds_url(sandbox), data=bulk("b1"), headers=XML)
    api.get(creds_url(sandbox))
    api.post(creds_url(sandbox), data="<not-xml", headers=XML)
    log = sandbox.requests
    assert [r.entries for r in log if r.method == "POST"] == [3, 1, 0]
    assert {r.entries for r in log if r.method == "GET"} == {0}
    state = web("GET", control(sandbox, "state")).json()
    assert [r["entries"] for r in state["requests"] if r["method"] == "POST"] == [3, 1, 0]
