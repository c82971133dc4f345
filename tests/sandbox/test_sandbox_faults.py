"""Fault injection in the sandbox: 429/5xx, lost responses after commit, delays."""

from __future__ import annotations

import time

import defusedxml.ElementTree as SafeET
import pytest
import requests

from tests.support.sandbox_http import H1, H1B, XML, creds_url, web

from bw_pulumi.sandbox import Fault, Sandbox

CREATE_BOB = (
    "<SipCredentials><SipCredential><UserName>bob</UserName>"
    f"<Hash1>{H1}</Hash1><Hash1b>{H1B}</Hash1b></SipCredential></SipCredentials>"
)


def create_bob(api: requests.Session, sb: Sandbox) -> requests.Response:
    return api.post(creds_url(sb), data=CREATE_BOB, headers=XML)


def test_429_with_retry_after_leaves_state_alone(api: requests.Session, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(kind="status", status=429, retry_after="2"))
    response = create_bob(api, sandbox)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2"
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert SafeET.fromstring(response.content).findtext("ResponseStatus/Description")
    assert sandbox.credentials() == []
    assert sandbox.writes == 0
    assert sandbox.pending_faults == []
    assert create_bob(api, sandbox).status_code == 201  # the fault was consumed


def test_503_without_retry_after(api: requests.Session, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(kind="status", status=503))
    response = api.get(creds_url(sandbox, "bob"))
    assert response.status_code == 503
    assert "Retry-After" not in response.headers
    assert sandbox.requests[-1].status == 503


def test_status_fault_defaults_to_503(api: requests.Session, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(kind="status"))
    assert api.get(creds_url(sandbox, "bob")).status_code == 503


def test_after_commit_500_commits_the_write(api: requests.Session, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(kind="after_commit", status=500))
    response = create_bob(api, sandbox)
    assert response.status_code == 500
    assert b"ValidSipCredentials" not in response.content
    assert [c.user_name for c in sandbox.credentials()] == ["bob"]
    assert sandbox.writes == 1
    # A blind retry now collides, which is why clients must look up and adopt.
    retry = create_bob(api, sandbox)
    assert retry.status_code == 400
    root = SafeET.fromstring(retry.content)
    assert root.findtext("Errors/Error/ErrorCode") == "23009"
    assert api.get(creds_url(sandbox, "bob")).status_code == 200


def test_after_commit_waits_for_a_reply_that_committed(
    api: requests.Session, sandbox: Sandbox
) -> None:
    """A lost response can only follow a commit: a 401/400/404 reply is sent as is and
    the fault stays queued until a request that succeeds."""
    lost = Fault(kind="after_commit", status=500)
    sandbox.inject(lost)
    assert web("POST", creds_url(sandbox), data=CREATE_BOB, headers=XML).status_code == 401
    assert sandbox.pending_faults == [lost]
    invalid = CREATE_BOB.replace("<UserName>bob<", "<UserName>b:ob<")
    rejected = api.post(creds_url(sandbox), data=invalid, headers=XML)
    assert rejected.status_code == 400
    assert SafeET.fromstring(rejected.content).findtext("Errors/Error/ErrorCode") == "23014"
    missing = api.get(creds_url(sandbox, "ghost"))
    assert missing.status_code == 404
    assert SafeET.fromstring(missing.content).findtext("ResponseStatus/ErrorCode") == "23007"
    assert sandbox.pending_faults == [lost]
    assert sandbox.credentials() == []
    response = create_bob(api, sandbox)
    assert response.status_code == 500
    assert [c.user_name for c in sandbox.credentials()] == ["bob"]
    assert sandbox.writes == 1
    assert sandbox.pending_faults == []


def test_after_commit_that_did_not_fire_keeps_its_place(sandbox: Sandbox) -> None:
    only_get = Fault(kind="status", status=503, method="GET")
    lost = Fault(kind="after_commit", status=502)
    later = Fault(kind="after_commit", status=504)
    for fault in (only_get, lost, later):
        sandbox.inject(fault)
    assert web("POST", creds_url(sandbox), data=CREATE_BOB, headers=XML).status_code == 401
    assert sandbox.pending_faults == [only_get, lost, later]


def test_after_commit_on_delete(api: requests.Session, sandbox: Sandbox) -> None:
    create_bob(api, sandbox)
    sandbox.inject(Fault(kind="after_commit", status=502, method="DELETE"))
    assert api.delete(creds_url(sandbox, "bob")).status_code == 502
    assert sandbox.get_credential("bob") is None
    assert api.delete(creds_url(sandbox, "bob")).status_code == 404


def test_delay_then_normal_processing(api: requests.Session, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(kind="delay", seconds=0.3))
    started = time.monotonic()
    response = create_bob(api, sandbox)
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 201
    started = time.monotonic()
    api.get(creds_url(sandbox, "bob"))
    assert time.monotonic() - started < 0.3


def test_delay_times_out_a_client(api: requests.Session, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(kind="delay", seconds=0.5))
    with pytest.raises(requests.Timeout):
        api.post(creds_url(sandbox), data=CREATE_BOB, headers=XML, timeout=0.1)
    time.sleep(0.6)
    assert sandbox.get_credential("bob") is not None  # the server still committed


def test_faults_are_fifo_one_shot(api: requests.Session, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(kind="status", status=429))
    sandbox.inject(Fault(kind="status", status=503))
    url = creds_url(sandbox, "bob")
    assert [api.get(url).status_code for _ in range(3)] == [429, 503, 404]


def test_method_filter(api: requests.Session, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(kind="status", status=503, method="post"))
    assert api.get(creds_url(sandbox, "bob")).status_code == 404
    assert create_bob(api, sandbox).status_code == 503
    assert create_bob(api, sandbox).status_code == 201


def test_path_filter(api: requests.Session, sandbox: Sandbox) -> None:
    sandbox.inject(Fault(kind="status", status=503, path_contains="/sipcredentials/alice"))
    assert api.get(creds_url(sandbox, "bob")).status_code == 404
    assert api.get(creds_url(sandbox, "alice")).status_code == 503


def test_token_endpoint_only_when_named(sandbox: Sandbox) -> None:
    sandbox.inject(Fault(kind="status", status=503))
    form = {"grant_type": "client_credentials"}
    client = ("sandbox-client", "sandbox-secret")
    assert web("POST", sandbox.token_url, auth=client, data=form).status_code == 200
    assert len(sandbox.pending_faults) == 1  # untouched: default faults target /accounts
    sandbox.reset()
    sandbox.inject(Fault(kind="status", status=503, path_contains="oauth2/token"))
    response = web("POST", sandbox.token_url, auth=client, data=form)
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/json"
    assert sandbox.token_requests == 0


def test_faults_apply_before_auth(sandbox: Sandbox) -> None:
    sandbox.inject(Fault(kind="status", status=429))
    assert web("GET", creds_url(sandbox, "bob")).status_code == 429
