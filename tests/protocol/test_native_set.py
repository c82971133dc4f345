"""``bandwidth:index:SipCredentialSet`` through the `pulumi-resource-bandwidth` plugin process,
driven over gRPC as the engine drives it, against the sandbox: entries' fields in camelCase
but the user's keys as written, secrets kept secret, a detailed diff per entry, and a
partial failure answered with Pulumi's initialization failure (the state to keep, one
reason per failed key)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime import proto
from pulumi.runtime.proto import status_pb2

from tests.support.native_process import (
    CREDENTIAL_SET,
    NativeProcess,
    Secret,
    decode,
    deep_plain,
    secrets,
)

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox, StoredCredential

pytestmark = pytest.mark.protocol

PASSWORD = "set-Native-password"
APP_ID = "0d4d5b46-8a5b-4a8e-9c56-1d1f1b0c3d11"
NO_ENV = {"BW_ACCOUNT_ID": "", "BW_USERNAME": "", "BW_CLIENT_ID": "", "BW_CLIENT_SECRET": ""}
#: Keys a camelCase conversion would change: they must reach the state as written.
ODD_KEYS = ("desk_phone_1", "Lobby.Phone", "fax-line")


@pytest.fixture
def plugin(sandbox: Sandbox) -> Iterator[NativeProcess]:
    with NativeProcess(env=NO_ENV) as process:
        process.configure(
            {
                "accountId": sandbox.account_id,
                "clientId": sandbox.config.client_id,
                "clientSecret": Secret(sandbox.config.client_secret),
                "apiUrl": sandbox.base_url,
                "oauthUrl": sandbox.token_url,
            }
        )
        yield process


def entry(username: str, password: str = PASSWORD, **extra: Any) -> dict[str, Any]:
    """An entry as the engine sends it: camelCase fields, the password a secret value."""
    return {"username": username, "password": Secret(password), **extra}


def phones(count: int) -> dict[str, Any]:
    return {f"phone-{i:03d}": entry(f"phone{i:03d}", f"{PASSWORD}-{i}") for i in range(count)}


def inputs(credentials: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"realm": DEFAULT_REALM, "credentials": Secret(credentials), **extra}


def check(plugin: NativeProcess, olds: dict[str, Any], news: dict[str, Any]) -> Any:
    reply = plugin.check("fleet", olds, news, CREDENTIAL_SET)
    assert list(reply.failures) == []
    return reply.inputs


def up(
    plugin: NativeProcess, news: dict[str, Any], state: dict[str, PropertyValue] | None = None
) -> tuple[str, dict[str, PropertyValue]]:
    """What the engine does: check, then create, or update the state it holds."""
    checked = decode(check(plugin, {}, news))
    if state is None:
        return plugin.create("fleet", checked, CREDENTIAL_SET)
    return "fleet-id", plugin.update("fleet", "fleet-id", state, checked, CREDENTIAL_SET)


def api_methods(sandbox: Sandbox) -> list[str]:
    return [r.method for r in sandbox.drain_requests() if "/accounts/" in r.path]


def init_failure(error: grpc.RpcError) -> Any:
    """The ``ErrorResourceInitFailed`` detail of a failed Create or Update, as the engine
    reads it from the gRPC status."""
    metadata = dict(error.trailing_metadata() or ())  # type: ignore[attr-defined]
    status = status_pb2.Status.FromString(metadata["grpc-status-details-bin"])
    [detail] = status.details
    failed = proto.ErrorResourceInitFailed()
    assert detail.Unpack(failed)
    return failed


def diff_kinds(reply: Any) -> dict[str, str]:
    return {
        key: proto.PropertyDiff.Kind.Name(diff.kind) for key, diff in reply.detailedDiff.items()
    }


def test_many_entries_are_created_in_bulk_with_keys_as_written_and_secrets_secret(
    plugin: NativeProcess, sandbox: Sandbox
) -> None:
    credentials = {
        **phones(150),
        ODD_KEYS[0]: entry("desk1", domain="corp.example.com"),
        ODD_KEYS[1]: entry("lobby", httpVoiceV2AppId=APP_ID),
        ODD_KEYS[2]: entry("fax", PASSWORD + "-fax"),
    }
    checked = decode(check(plugin, {}, inputs(credentials)))
    assert secrets(checked) == {"credentials"}
    assert deep_plain(checked)["credentials"][ODD_KEYS[1]]["httpVoiceV2AppId"] == APP_ID

    sandbox.drain_requests()
    id_, state = plugin.create("fleet", checked, CREDENTIAL_SET)
    assert api_methods(sandbox) == ["POST", "POST"]  # 153 entries, 100 per POST
    assert len(sandbox.credentials()) == 153
    assert id_
    outputs = deep_plain(state)
    assert secrets(state) == {"credentials", "hashes"}
    assert outputs["usernames"][ODD_KEYS[0]] == "desk1@corp.example.com"
    assert set(outputs["usernames"]) == set(credentials)
    assert outputs["credentials"][ODD_KEYS[1]] == {
        "username": "lobby",
        "password": PASSWORD,
        "httpVoiceV2AppId": APP_ID,
    }
    expected = compute_hashes("fax", PASSWORD + "-fax", DEFAULT_REALM)
    assert outputs["hashes"][ODD_KEYS[2]] == {"hash1": expected.hash1, "hash1b": expected.hash1b}
    assert outputs["failures"] == {}
    held = sandbox.get_credential("lobby")
    assert held is not None and held.http_voice_v2_app_id == APP_ID

    unchanged = plugin.diff("fleet", id_, state, checked, CREDENTIAL_SET)
    assert unchanged.changes == proto.DiffResponse.DIFF_NONE
    found_id, live, _ = plugin.read("fleet", id_, state, checked, CREDENTIAL_SET)
    assert found_id == id_ and deep_plain(live) == outputs


def test_a_preview_knows_usernames_and_calls_no_api(
    plugin: NativeProcess, sandbox: Sandbox
) -> None:
    checked = decode(check(plugin, {}, inputs({"a-1": entry("amy"), "b-1": entry("bob")})))
    sandbox.drain_requests()
    id_, previewed = plugin.create("fleet", checked, CREDENTIAL_SET, preview=True)
    assert id_ == ""
    assert deep_plain(previewed)["usernames"] == {"a-1": "amy", "b-1": "bob"}
    assert secrets(previewed) >= {"credentials", "hashes"}
    assert api_methods(sandbox) == []


def test_check_names_the_key_and_the_camel_case_field(plugin: NativeProcess) -> None:
    bad = inputs({"Desk_1": entry("desk", httpVoiceV2AppId="not-a-uuid"), "b": entry("DESK")})
    reply = plugin.check("fleet", {}, bad, CREDENTIAL_SET)
    reasons = [f.reason for f in reply.failures]
    assert {f.property for f in reply.failures} == {"credentials"}
    assert any(r.startswith('credentials["Desk_1"].httpVoiceV2AppId: ') for r in reasons)
    duplicate = [r for r in reasons if "is also the username of" in r]
    assert len(duplicate) == 1  # the map's order on the wire decides which key it is under
    assert 'credentials["Desk_1"]' in duplicate[0] and 'credentials["b"]' in duplicate[0]
    assert all("http_voice" not in r for r in reasons)


def test_the_detailed_diff_names_each_entry_that_changes(
    plugin: NativeProcess, sandbox: Sandbox
) -> None:
    first = {
        "keep": entry("keep"),
        "rotate": entry("rot"),
        "rename": entry("old"),
        "go": entry("go"),
    }
    id_, state = up(plugin, inputs(first))
    changed = {
        "keep": entry("keep"),
        "rotate": entry("rot", "a new password"),
        "rename": entry("new"),
        "Lobby.Phone": entry("lobby"),
    }
    news = decode(check(plugin, {}, inputs(changed)))
    reply = plugin.diff("fleet", id_, state, news, CREDENTIAL_SET)
    assert reply.changes == proto.DiffResponse.DIFF_SOME
    assert list(reply.replaces) == [] and list(reply.diffs) == ["credentials"]
    assert diff_kinds(reply) == {
        'credentials["Lobby.Phone"]': "ADD",
        'credentials["go"]': "DELETE",
        'credentials["rename"]': "UPDATE",
        'credentials["rotate"]': "UPDATE",
    }
    moved = plugin.diff("fleet", id_, state, {**news, "realmId": "17"}, CREDENTIAL_SET)
    assert list(moved.replaces) == ["realmId"]
    assert diff_kinds(moved) == {"realmId": "ADD_REPLACE"}

    sandbox.drain_requests()
    _, state = up(plugin, inputs(changed), state)
    assert sorted(api_methods(sandbox)) == ["DELETE", "DELETE", "POST", "PUT"]
    assert sorted(c.composite_username for c in sandbox.credentials()) == [
        "keep",
        "lobby",
        "new",
        "rot",
    ]


def test_a_partial_failure_keeps_the_state_names_each_key_and_the_next_update_sends_the_rest(
    plugin: NativeProcess, sandbox: Sandbox
) -> None:
    for taken in ("phone003", "phone007"):
        other = compute_hashes(taken, "someone-elses", DEFAULT_REALM)
        sandbox.put_credential(StoredCredential(taken, None, other.hash1, other.hash1b))
    wanted = inputs(phones(10))
    checked = decode(check(plugin, {}, wanted))
    sandbox.drain_requests()
    with pytest.raises(grpc.RpcError) as caught:
        plugin.create("fleet", checked, CREDENTIAL_SET)
    details = caught.value.details() or ""
    assert "2 SIP credential(s) of the set failed" in details
    assert "\n" not in details and "Traceback" not in details
    failed = init_failure(caught.value)
    assert failed.id
    assert list(failed.reasons) == [
        r
        for r in failed.reasons
        if r.startswith(('credentials["phone-003"]', 'credentials["phone-007"]'))
    ]
    assert len(failed.reasons) == 2 and all("23009" in r for r in failed.reasons)
    state = PropertyValue.unmarshal_map(failed.properties)
    outputs = deep_plain(state)
    assert sorted(outputs["usernames"]) == [f"phone-{i:03d}" for i in (0, 1, 2, 4, 5, 6, 8, 9)]
    assert set(outputs["failures"]) == {"phone-003", "phone-007"}
    assert secrets(state) == {"credentials", "hashes"}
    secret_texts = [PASSWORD, *(outputs["hashes"]["phone-000"].values())]
    for text in [details, *failed.reasons]:
        assert all(secret not in text for secret in secret_texts)

    # Someone frees the names; the next update sends only the two failed entries.
    sandbox.delete_credential("phone003")
    sandbox.delete_credential("phone007")
    reply = plugin.diff("fleet", failed.id, state, checked, CREDENTIAL_SET)
    assert diff_kinds(reply) == {
        'credentials["phone-003"]': "ADD",
        'credentials["phone-007"]': "ADD",
    }
    sandbox.drain_requests()
    updated = plugin.update("fleet", failed.id, state, checked, CREDENTIAL_SET)
    requests = [r for r in sandbox.drain_requests() if "/accounts/" in r.path]
    assert [r.method for r in requests] == ["POST"]
    assert deep_plain(updated)["failures"] == {}
    assert len(deep_plain(updated)["usernames"]) == 10 == len(sandbox.credentials())


def test_a_partial_update_keeps_the_old_values_of_what_failed(
    plugin: NativeProcess, sandbox: Sandbox
) -> None:
    id_, state = up(plugin, inputs({"a": entry("amy"), "b": entry("bob")}))
    other = compute_hashes("cat", "someone-elses", DEFAULT_REALM)
    sandbox.put_credential(StoredCredential("cat", None, other.hash1, other.hash1b))
    news = decode(check(plugin, {}, inputs({"a": entry("amy", "rotated"), "c": entry("cat")})))
    with pytest.raises(grpc.RpcError) as caught:
        plugin.update("fleet", id_, state, news, CREDENTIAL_SET)
    failed = init_failure(caught.value)
    assert failed.id == id_
    assert [r.split(":")[0] for r in failed.reasons] == ['credentials["c"]']
    outputs = deep_plain(PropertyValue.unmarshal_map(failed.properties))
    assert outputs["usernames"] == {"a": "amy"}  # "b" deleted, "c" refused
    rotated = compute_hashes("amy", "rotated", DEFAULT_REALM)
    assert outputs["hashes"]["a"]["hash1"] == rotated.hash1


def test_refresh_shows_drift_per_entry_and_delete_removes_every_entry(
    plugin: NativeProcess, sandbox: Sandbox
) -> None:
    wanted = inputs(phones(6))
    id_, state = up(plugin, wanted)
    tampered = compute_hashes("phone001", "changed-outside", DEFAULT_REALM)
    sandbox.put_credential(StoredCredential("phone001", None, tampered.hash1, tampered.hash1b))
    sandbox.delete_credential("phone004")
    found_id, live, _ = plugin.read(
        "fleet", id_, state, decode(check(plugin, {}, wanted)), CREDENTIAL_SET
    )
    assert found_id == id_
    refreshed = deep_plain(live)
    assert "phone-004" not in refreshed["usernames"]
    assert refreshed["hashes"]["phone-001"]["hash1"] == tampered.hash1
    news = decode(check(plugin, {}, wanted))
    reply = plugin.diff("fleet", id_, live, news, CREDENTIAL_SET)
    assert diff_kinds(reply) == {
        'credentials["phone-001"]': "UPDATE",
        'credentials["phone-004"]': "ADD",
    }

    sandbox.drain_requests()
    plugin.delete("fleet", id_, live, CREDENTIAL_SET)
    assert api_methods(sandbox) == ["DELETE"] * 5
    assert sandbox.credentials() == []


def test_a_set_cannot_be_imported(plugin: NativeProcess) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        plugin.read("fleet", "some-id", {}, type_=CREDENTIAL_SET)
    details = caught.value.details() or ""
    assert "cannot be imported" in details and "Traceback" not in details


def test_the_schema_declares_entries_as_types_with_secret_fields(plugin: NativeProcess) -> None:
    served = json.loads(plugin.schema())
    credentials = served["resources"][CREDENTIAL_SET]["inputProperties"]["credentials"]
    assert credentials["additionalProperties"] == {
        "$ref": "#/types/bandwidth:index:SipCredentialSetEntry"
    }
    fields = served["types"]["bandwidth:index:SipCredentialSetEntry"]["properties"]
    assert {k for k, v in fields.items() if v.get("secret")} == {"password"}
    assert "httpVoiceV2AppId" in fields
    hashes = served["types"]["bandwidth:index:SipCredentialSetHashes"]["properties"]
    assert all(v["secret"] for v in hashes.values())
