"""The sandbox's chaos mode: seeded random 503s before processing and lost answers (504
after the commit) on writes, through its Python API and its JSON control; and the client
riding it out on every write kind."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.support.fixtures import RecordingSleeper, oauth_settings
from tests.support.sandbox_http import H1, H1B, XML, creds_url, realms_url, web

from bw_pulumi import compute_hashes
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.sip_credential.models import Credential
from bw_pulumi.resources.sip_realm.models import RealmSettings
from bw_pulumi.sandbox import DEFAULT_REALM, Fault, Sandbox

CONTROL_JSON = {"Content-Type": "application/json"}


def create_body(username: str) -> str:
    return (
        f"<SipCredentials><SipCredential><UserName>{username}</UserName>"
        f"<Hash1>{H1}</Hash1><Hash1b>{H1B}</Hash1b></SipCredential></SipCredentials>"
    )


def create_many(api: requests.Session, sb: Sandbox, count: int) -> list[int]:
    return [
        api.post(creds_url(sb), data=create_body(f"user{i}"), headers=XML).status_code
        for i in range(count)
    ]


def test_unavailable_answers_503_before_processing(api: requests.Session, sandbox: Sandbox) -> None:
    sandbox.set_chaos(seed=3, unavailable=0.5)
    statuses = create_many(api, sandbox, 40)
    refused = statuses.count(503)
    assert 0 < refused < 40 and set(statuses) == {201, 503}
    assert len(sandbox.credentials()) == statuses.count(201)  # a 503 changed nothing
    assert sandbox.writes == statuses.count(201)
    assert sandbox.chaos_injected == {"unavailable": refused, "lost": 0}


def test_lost_answers_commit_and_answer_504(api: requests.Session, sandbox: Sandbox) -> None:
    sandbox.set_chaos(seed=5, lost=0.5)
    statuses = create_many(api, sandbox, 40)
    lost = statuses.count(504)
    assert 0 < lost < 40 and set(statuses) == {201, 504}
    assert len(sandbox.credentials()) == 40  # every one committed, answered or not
    assert sandbox.chaos_injected == {"unavailable": 0, "lost": lost}


def test_a_failed_write_is_never_turned_into_a_lost_answer(
    api: requests.Session, sandbox: Sandbox
) -> None:
    sandbox.set_chaos(lost=1.0)
    bad = api.post(creds_url(sandbox), data="<SipCredentials/>", headers=XML)
    missing = api.delete(creds_url(sandbox, "nobody"))
    assert (bad.status_code, missing.status_code) == (400, 404)
    assert sandbox.chaos_injected["lost"] == 0


def test_the_same_seed_gives_the_same_faults(api: requests.Session, sandbox: Sandbox) -> None:
    def run() -> list[int]:
        sandbox.reset()
        sandbox.set_chaos(seed=11, unavailable=0.3, lost=0.3)
        return create_many(api, sandbox, 30)

    first = run()
    assert run() == first
    sandbox.reset()
    sandbox.set_chaos(seed=12, unavailable=0.3, lost=0.3)
    assert create_many(api, sandbox, 30) != first


def test_by_default_only_writes_are_hit(api: requests.Session, sandbox: Sandbox) -> None:
    """Reads, the token endpoint and the control endpoint are never hit by default."""
    sandbox.set_chaos(unavailable=1.0)
    assert api.get(creds_url(sandbox, "bob")).status_code == 404
    token = web(
        "POST",
        sandbox.token_url,
        data={"grant_type": "client_credentials"},
        auth=("sandbox-client", "sandbox-secret"),
    )
    assert token.status_code == 200
    assert api.post(creds_url(sandbox), data=create_body("bob"), headers=XML).status_code == 503
    assert api.put(realms_url(sandbox, "x"), data="<Realm/>", headers=XML).status_code == 503
    assert api.delete(realms_url(sandbox, "x")).status_code == 503


def test_methods_choose_what_is_hit(api: requests.Session, sandbox: Sandbox) -> None:
    sandbox.set_chaos(unavailable=1.0, methods=["get"])
    assert api.get(creds_url(sandbox, "bob")).status_code == 503
    assert api.post(creds_url(sandbox), data=create_body("bob"), headers=XML).status_code == 201


def test_queued_faults_still_apply_and_reset_switches_chaos_off(
    api: requests.Session, sandbox: Sandbox
) -> None:
    sandbox.set_chaos(seed=1, lost=0.0001)
    sandbox.inject(Fault("status", status=502, method="POST"))
    assert api.post(creds_url(sandbox), data=create_body("bob"), headers=XML).status_code == 502
    sandbox.set_chaos(unavailable=1.0)
    sandbox.reset()
    assert api.post(creds_url(sandbox), data=create_body("bob"), headers=XML).status_code == 201
    assert sandbox.chaos_injected == {"unavailable": 0, "lost": 0}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"unavailable": 1.5}, "unavailable must be a probability"),
        ({"lost": -0.1}, "lost must be a probability"),
        ({"methods": ["BREW"]}, "methods must be among"),
    ],
)
def test_bad_settings_are_refused(sandbox: Sandbox, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sandbox.set_chaos(**kwargs)


# -- the JSON control ----------------------------------------------------------------------------


def control(sb: Sandbox) -> str:
    return sb.base_url.removesuffix("/api") + "/_sandbox/chaos"


def test_json_control_sets_reads_and_switches_off(api: requests.Session, sandbox: Sandbox) -> None:
    settings = {"seed": 7, "unavailable": 0.0, "lost": 1.0, "methods": ["POST"]}
    put = web("PUT", control(sandbox), json=settings, headers=CONTROL_JSON)
    assert put.status_code == 200
    assert put.json() == {**settings, "injected": {"unavailable": 0, "lost": 0}}
    assert api.post(creds_url(sandbox), data=create_body("bob"), headers=XML).status_code == 504
    assert web("GET", control(sandbox)).json()["injected"] == {"unavailable": 0, "lost": 1}
    off = web("PUT", control(sandbox), json={}, headers=CONTROL_JSON)
    assert off.json()["lost"] == 0.0
    assert api.post(creds_url(sandbox), data=create_body("eve"), headers=XML).status_code == 201


@pytest.mark.parametrize(
    "body",
    [{"lost": "often"}, {"seed": 1.5}, {"methods": "POST"}, {"surprise": 1}, [1, 2]],
)
def test_json_control_refuses_a_bad_body(sandbox: Sandbox, body: object) -> None:
    response = web("PUT", control(sandbox), json=body, headers=CONTROL_JSON)
    assert response.status_code == 400 and response.json()["error"]


# -- the client rides it out -------------------------------------------------------------------


def test_the_client_ends_every_write_kind_as_wanted_under_chaos(
    sandbox: Sandbox, sleeper: RecordingSleeper
) -> None:
    """Account-level and realm-scoped credentials and realms, created, rotated and deleted
    with a quarter of the writes refused (503) and a quarter of the answers lost (504):
    every call succeeds and the sandbox ends holding exactly what was asked for."""
    client = BandwidthClient(oauth_settings(sandbox), sleep=sleeper)
    realms = client.realms
    main = sandbox.add_realm_out_of_band("main", default=True)
    sandbox.set_chaos(seed=2026, unavailable=0.25, lost=0.25)

    def account(name: str, password: str) -> Credential:
        hashes = compute_hashes(name, password, DEFAULT_REALM)
        return Credential(name, hash1=hashes.hash1, hash1b=hashes.hash1b, realm=DEFAULT_REALM)

    def scoped(name: str, password: str) -> Credential:
        hashes = compute_hashes(name, password, main.fqdn)
        return Credential(name, hash1=hashes.hash1, hash1b=hashes.hash1b)

    names = [f"user{i}" for i in range(12)]
    ids = {
        name: client.realm_credentials.create_credential(main.id, scoped(name, "pw-1")).id
        for name in names
    }
    for name in names:
        client.credentials.create_credential(account(name, "pw-1"))
    for name in names[:6]:
        client.credentials.update_credential(account(name, "pw-2"))
        client.realm_credentials.update_credential(main.id, str(ids[name]), scoped(name, "pw-2"))
    for name in names[6:9]:
        client.credentials.delete_credential(name)
        client.realm_credentials.delete_credential(main.id, str(ids[name]))
    extra = realms.update_realm(main.id, RealmSettings("main", "after chaos", True))
    assert extra.description == "after chaos"

    injected = sandbox.chaos_injected
    assert injected["unavailable"] > 0 and injected["lost"] > 0
    kept = names[:6] + names[9:]
    held = {c.user_name: c.hash1 for c in sandbox.credentials()}
    assert held == {n: account(n, "pw-2" if n in names[:6] else "pw-1").hash1 for n in kept}
    scoped_held = {c.user_name: c.hash1 for c in sandbox.realm_credentials(main.id)}
    assert scoped_held == {n: scoped(n, "pw-2" if n in names[:6] else "pw-1").hash1 for n in kept}
