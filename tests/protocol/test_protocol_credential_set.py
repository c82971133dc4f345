"""SipCredentialSet inside Pulumi's real dynamic provider process, driven over gRPC as the
engine drives it: requests counted at the sandbox, a partial failure returned as state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.runtime import proto

from tests.support.provider_process import PROVIDER_KEY, SET, ProviderProcess, decode

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox, StoredCredential

pytestmark = pytest.mark.protocol

NAME = "fleet"


@pytest.fixture
def plugin(sandbox: Sandbox) -> Iterator[ProviderProcess]:
    with ProviderProcess(env={"BW_ACCOUNT_ID": "", "BW_USERNAME": "", "BW_CLIENT_ID": ""}) as p:
        p.configure(
            {
                "bandwidth:accountId": sandbox.account_id,
                "bandwidth:clientId": sandbox.config.client_id,
                "bandwidth:clientSecret": sandbox.config.client_secret,
                "bandwidth:apiUrl": sandbox.base_url,
                "bandwidth:oauthUrl": sandbox.token_url,
            }
        )
        yield p


def entries(count: int) -> dict[str, dict[str, str]]:
    return {
        f"phone-{i:03}": {"username": f"phone{i:03}", "password": f"Secret-{i:03}"}
        for i in range(count)
    }


def program(credentials: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """What the resource class registers: the inputs, the outputs as None."""
    computed = ("usernames", "credential_ids", "hashes", "failures", "retired")
    return {"realm": DEFAULT_REALM, "credentials": credentials, **dict.fromkeys(computed), **extra}


def checked(plugin: ProviderProcess, olds: dict[str, Any], news: dict[str, Any]) -> Any:
    reply = plugin.check(NAME, olds, news, SET)
    assert list(reply.failures) == []
    return {k: v for k, v in decode(reply.inputs).items() if k != PROVIDER_KEY}


def writes(sandbox: Sandbox) -> list[str]:
    """The API writes since the last call (token requests apart)."""
    return [
        r.method
        for r in sandbox.drain_requests()
        if "/accounts/" in r.path and r.method not in ("GET", "HEAD")
    ]


def up(
    plugin: ProviderProcess, id_: str, state: dict[str, Any], credentials: dict[str, Any]
) -> dict[str, Any]:
    """One engine update of the set: check, diff (which must see a change), update."""
    news = checked(plugin, state, program(credentials))
    assert plugin.diff(NAME, id_, state, news, SET).changes == proto.DiffResponse.DIFF_SOME
    return plugin.update(NAME, id_, state, news, SET)


def test_a_set_from_create_to_delete(plugin: ProviderProcess, sandbox: Sandbox) -> None:
    credentials = entries(250)
    news = checked(plugin, {}, program(credentials))
    assert news["usernames"]["phone-007"] == "phone007"  # known at preview, not secret
    sandbox.drain_requests()
    id_, state = plugin.create(NAME, news, SET)
    assert writes(sandbox) == ["POST", "POST", "POST"]  # 100 + 100 + 50
    assert len(sandbox.credentials()) == 250 and state["failures"] == {}
    assert state["usernames"] == {key: e["username"] for key, e in credentials.items()}
    mine = compute_hashes("phone007", "Secret-007", DEFAULT_REALM)
    assert state["hashes"]["phone-007"] == {"hash1": mine.hash1, "hash1b": mine.hash1b}

    same = checked(plugin, state, program(credentials))
    assert plugin.diff(NAME, id_, state, same, SET).changes == proto.DiffResponse.DIFF_NONE

    credentials["phone-007"]["password"] = "Rotated-007"
    rotated = checked(plugin, state, program(credentials))
    assert rotated["usernames"] == state["usernames"]  # a password change keeps them known
    diff = plugin.diff(NAME, id_, state, rotated, SET)
    assert diff.changes == proto.DiffResponse.DIFF_SOME and list(diff.replaces) == []
    state = plugin.update(NAME, id_, state, rotated, SET)
    assert writes(sandbox) == ["PUT"]
    held = sandbox.get_credential("phone007")
    assert held is not None and held.hash1 == state["hashes"]["phone-007"]["hash1"]

    credentials["new-1"] = {"username": "newphone", "password": "Secret-new"}
    state = up(plugin, id_, state, credentials)
    assert writes(sandbox) == ["POST"] and state["usernames"]["new-1"] == "newphone"

    del credentials["phone-100"]
    state = up(plugin, id_, state, credentials)
    assert writes(sandbox) == ["DELETE"] and "phone-100" not in state["usernames"]
    assert sandbox.get_credential("phone100") is None

    credentials["phone-001"]["username"] = "renamed001"
    state = up(plugin, id_, state, credentials)
    assert writes(sandbox) == ["POST", "DELETE"]  # the new credential first, then the old
    assert state["usernames"]["phone-001"] == "renamed001"
    assert sandbox.get_credential("phone001") is None

    plugin.delete(NAME, id_, state, SET)
    assert writes(sandbox) == ["DELETE"] * 250 and sandbox.credentials() == []


def test_a_partial_failure_returns_the_state_and_the_next_update_sends_only_the_failed(
    plugin: ProviderProcess, sandbox: Sandbox
) -> None:
    taken = compute_hashes("phone002", "someone-elses", DEFAULT_REALM)
    sandbox.put_credential(StoredCredential("phone002", None, taken.hash1, taken.hash1b))
    credentials = entries(5)
    news = checked(plugin, {}, program(credentials))

    id_, state = plugin.create(NAME, news, SET)  # no gRPC error: the engine keeps this
    assert list(state["failures"]) == ["phone-002"]
    assert "[23009]" in state["failures"]["phone-002"]
    assert "adopt=True" in state["failures"]["phone-002"]
    assert "phone-002" not in state["usernames"] and len(state["usernames"]) == 4
    assert "Secret-002" not in str(state["failures"])

    sandbox.delete_credential("phone002")  # the conflict is resolved
    sandbox.drain_requests()
    state = up(plugin, id_, state, credentials)
    assert writes(sandbox) == ["POST"]  # only the failed entry
    assert state["failures"] == {} and len(state["usernames"]) == 5
    assert len(sandbox.credentials()) == 5


def test_refresh_shows_drift_per_entry(plugin: ProviderProcess, sandbox: Sandbox) -> None:
    credentials = entries(3)
    id_, state = plugin.create(NAME, checked(plugin, {}, program(credentials)), SET)
    other = compute_hashes("phone001", "changed-out-of-band", DEFAULT_REALM)
    sandbox.put_credential(StoredCredential("phone001", None, other.hash1, other.hash1b))
    sandbox.delete_credential("phone002")

    read_id, live = plugin.read(NAME, id_, state, SET)
    assert read_id == id_
    assert live["hashes"]["phone-000"] == state["hashes"]["phone-000"]
    assert live["hashes"]["phone-001"] != state["hashes"]["phone-001"]
    assert "phone-002" not in live["usernames"]  # its own GET confirmed it is gone

    sandbox.drain_requests()
    state = up(plugin, id_, live, credentials)
    assert sorted(writes(sandbox)) == ["POST", "PUT"]  # phone-002 again, phone-001 put back
    assert state["failures"] == {} and len(sandbox.credentials()) == 3


def test_check_names_the_key_of_a_bad_entry(plugin: ProviderProcess) -> None:
    credentials = entries(2)
    credentials["phone-001"]["username"] = "x" * 40
    credentials["dup"] = {"username": "PHONE000", "password": "Secret-dup"}
    reply = plugin.check(NAME, {}, program(credentials), SET)
    reasons = [f.reason for f in reply.failures]
    assert {f.property for f in reply.failures} == {"credentials"}
    assert any('credentials["phone-001"].username' in r for r in reasons)
    assert any("phone-000" in r and "dup" in r for r in reasons)
    assert not any("Secret" in r for r in reasons)
