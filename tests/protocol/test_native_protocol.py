"""The `pulumi-resource-bandwidth` plugin process, driven over gRPC as the engine does,
against the sandbox: the same rules as the dynamic provider, in the package's camelCase."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc
import pytest
from pulumi.runtime import proto
from pulumi.runtime.rpc import UNKNOWN

from tests.support.native_process import REALM, NativeProcess, Secret, encode, plain, secrets

from bw_pulumi import compute_hashes
from bw_pulumi.native import schema
from bw_pulumi.sandbox import DEFAULT_REALM, Fault, Sandbox

pytestmark = pytest.mark.protocol

PASSWORD = "native-secret-password"
NO_ENV = {"BW_ACCOUNT_ID": "", "BW_USERNAME": "", "BW_CLIENT_ID": "", "BW_CLIENT_SECRET": ""}


def oauth_args(sandbox: Sandbox) -> dict[str, Any]:
    return {
        "accountId": sandbox.account_id,
        "clientId": sandbox.config.client_id,
        "clientSecret": Secret(sandbox.config.client_secret),
        "apiUrl": sandbox.base_url,
        "oauthUrl": sandbox.token_url,
    }


def basic_args(sandbox: Sandbox) -> dict[str, Any]:
    return {
        "accountId": sandbox.account_id,
        "apiUsername": sandbox.config.basic_username,
        "apiPassword": Secret(sandbox.config.basic_password),
        "apiUrl": sandbox.base_url,
    }


@pytest.fixture
def plugin() -> Iterator[NativeProcess]:
    with NativeProcess(env=NO_ENV) as process:
        yield process


def inputs(username: str = "carol", password: Any = PASSWORD, **extra: Any) -> dict[str, Any]:
    return {"username": username, "password": Secret(password), "realm": DEFAULT_REALM, **extra}


def test_serves_the_generated_schema_and_the_package_version(plugin: NativeProcess) -> None:
    served = json.loads(plugin.schema())
    assert served == schema.generate()
    assert plugin.plugin_version() == served["version"] == schema.plugin_version()


@pytest.mark.parametrize("args", [oauth_args, basic_args], ids=["oauth", "basic"])
def test_credential_lifecycle(plugin: NativeProcess, sandbox: Sandbox, args: Any) -> None:
    plugin.configure(args(sandbox))
    news = inputs(domain="corp.example.com", httpVoiceV2AppId=None)

    checked = plugin.check("carol", {}, news)
    assert list(checked.failures) == []

    id_, state = plugin.create("carol", news)
    expected = compute_hashes("carol", PASSWORD, DEFAULT_REALM, "corp.example.com")
    assert id_ == "carol@corp.example.com"
    assert plain(state) == {
        "username": "carol",
        "password": PASSWORD,
        "realm": DEFAULT_REALM,
        "domain": "corp.example.com",
        "compositeUsername": "carol@corp.example.com",
        "hash1": expected.hash1,
        "hash1b": expected.hash1b,
    }
    assert secrets(state) == {"password", "hash1", "hash1b"}
    held = sandbox.get_credential(id_)
    assert held is not None and held.hash1b == expected.hash1b

    assert plugin.diff("carol", id_, state, news).changes == proto.DiffResponse.DIFF_NONE

    rotated_inputs = {**news, "password": Secret("rotated over grpc")}
    rotated = plugin.diff("carol", id_, state, rotated_inputs)
    assert rotated.changes == proto.DiffResponse.DIFF_SOME
    assert list(rotated.replaces) == []
    assert dict(rotated.detailedDiff) == {
        "password": proto.PropertyDiff(kind=proto.PropertyDiff.UPDATE, inputDiff=True)
    }
    state = plugin.update("carol", id_, state, rotated_inputs)
    held = sandbox.get_credential(id_)
    assert held is not None and held.hash1 == state["hash1"].value
    assert secrets(state) == {"password", "hash1", "hash1b"}

    read_id, live, live_inputs = plugin.read("carol", id_, state, inputs=rotated_inputs)
    assert read_id == id_
    assert live == state
    assert set(live_inputs) == set(rotated_inputs)  # a refresh keeps the declared inputs
    assert live_inputs["password"].value == "rotated over grpc" and "password" in secrets(
        live_inputs
    )

    renamed = plugin.diff("carol", id_, state, {**rotated_inputs, "username": "carol2"})
    assert list(renamed.replaces) == ["username"]
    assert renamed.deleteBeforeReplace is False
    assert renamed.detailedDiff["username"].kind == proto.PropertyDiff.UPDATE_REPLACE

    plugin.delete("carol", id_, state)
    assert sandbox.credentials() == []
    gone_id, _, _ = plugin.read("carol", id_, state)
    assert gone_id == ""
    auth_kinds = {r.auth for r in sandbox.requests if "/accounts/" in r.path}
    assert auth_kinds == ({"bearer"} if args is oauth_args else {"basic"})


def test_password_is_secret_even_when_sent_plain(plugin: NativeProcess, sandbox: Sandbox) -> None:
    plugin.configure(oauth_args(sandbox))
    news = {"username": "plain", "password": PASSWORD, "realm": DEFAULT_REALM}
    checked = plugin.check("plain", {}, news)
    assert checked.inputs.fields["password"].struct_value.fields["value"].string_value == PASSWORD
    _, state = plugin.create("plain", news)
    assert secrets(state) == {"password", "hash1", "hash1b"}


def test_preview_shows_unknown_outputs_without_calling_bandwidth(
    plugin: NativeProcess, sandbox: Sandbox
) -> None:
    plugin.configure(oauth_args(sandbox))
    id_, previewed = plugin.create("dave", inputs("dave"), preview=True)
    assert id_ == ""
    assert plain(previewed)["username"] == "dave"
    for output in ("compositeUsername", "hash1", "hash1b", "credentialId"):
        assert previewed[output].value == UNKNOWN
    _, state = plugin.create("dave", inputs("dave"))
    rotated = plugin.update("dave", "dave", state, inputs("dave", "new one"), preview=True)
    assert rotated["compositeUsername"].value == "dave"  # unchanged by a rotation
    assert rotated["hash1"].value == UNKNOWN
    writes = [r.method for r in sandbox.requests if r.method != "GET" and "/accounts/" in r.path]
    assert writes == ["POST"]


def test_check_failures_name_the_property_in_camel_case(
    plugin: NativeProcess, sandbox: Sandbox
) -> None:
    plugin.configure(oauth_args(sandbox))
    reply = plugin.check("bad", {}, inputs(domain="corp.example.com", realmId="17"))
    [failure] = list(reply.failures)
    assert failure.property == "domain"
    assert "realmId set" in failure.reason and "realm_id" not in failure.reason
    reply = plugin.check("bad", {}, inputs(httpVoiceV2AppId="not-a-uuid"))
    [failure] = list(reply.failures)
    assert failure.property == "httpVoiceV2AppId"
    assert failure.reason.startswith("httpVoiceV2AppId: ")
    assert sandbox.requests == []


def test_expected_failures_are_the_message_alone(plugin: NativeProcess, sandbox: Sandbox) -> None:
    plugin.configure(oauth_args(sandbox))
    plugin.create("erin", inputs("erin"))
    with pytest.raises(grpc.RpcError) as caught:
        plugin.create("erin2", inputs("erin", "a different password"))
    details = caught.value.details() or ""
    assert details.startswith(
        "create SIP credential 'erin' failed: Bandwidth refused to create SIP credential 'erin'"
    )
    assert "23009" in details and "adopt" in details
    assert "Traceback" not in details and 'File "' not in details
    other = compute_hashes("erin", "a different password", DEFAULT_REALM)
    for secret in ("a different password", other.hash1, other.hash1b, sandbox.config.client_secret):
        assert secret not in details


def test_a_wrong_client_secret_is_one_short_line(plugin: NativeProcess, sandbox: Sandbox) -> None:
    plugin.configure({**oauth_args(sandbox), "clientSecret": Secret("not-the-secret")})
    with pytest.raises(grpc.RpcError) as caught:
        plugin.create("fay", inputs("fay"))
    details = caught.value.details() or ""
    assert "401" in details and "\n" not in details
    assert "not-the-secret" not in details


def test_missing_configuration_names_the_keys(plugin: NativeProcess) -> None:
    plugin.configure({})
    with pytest.raises(grpc.RpcError) as caught:
        plugin.create("gus", inputs("gus"))
    details = caught.value.details() or ""
    assert "bandwidth:accountId" in details and "Traceback" not in details


def test_stack_config_variables_configure_the_default_provider(
    plugin: NativeProcess, sandbox: Sandbox
) -> None:
    variables = {f"bandwidth:{key}": value for key, value in basic_args(sandbox).items()}
    variables["bandwidth:apiPassword"] = sandbox.config.basic_password
    plugin.configure({}, variables)
    id_, _ = plugin.create("hal", inputs("hal"))
    assert sandbox.get_credential(id_) is not None


def test_a_bug_keeps_its_traceback(plugin: NativeProcess, sandbox: Sandbox) -> None:
    plugin.configure(oauth_args(sandbox))
    with pytest.raises(grpc.RpcError) as caught:
        plugin.create("ivy", inputs("ivy"), type_="bandwidth:index:NoSuchThing")
    details = caught.value.details() or ""
    assert "no resource type 'bandwidth:index:NoSuchThing'" in details
    assert 'File "' in details


def test_provider_secrets_are_kept_secret_in_its_inputs(plugin: NativeProcess) -> None:
    reply = plugin.check_config({"accountId": "1", "clientSecret": "s", "apiPassword": "p"})
    fields = reply.inputs.fields
    for key in ("clientSecret", "apiPassword"):
        assert fields[key].struct_value.fields["value"].string_value in ("s", "p")
    assert fields["accountId"].string_value == "1"


def test_imported_credential_reads_back_without_its_password(
    plugin: NativeProcess, sandbox: Sandbox
) -> None:
    plugin.configure(oauth_args(sandbox))
    plugin.create("jo", inputs("jo", domain="corp.example.com"))
    id_, live, imported = plugin.read("jo", "jo@corp.example.com", {})
    assert id_ == "jo@corp.example.com"
    assert plain(imported) == {
        "username": "jo",
        "domain": "corp.example.com",
        "realm": DEFAULT_REALM,
    }
    assert secrets(live) == {"hash1", "hash1b"}
    checked = plugin.check("jo", imported, imported)  # the engine checks what import read
    assert list(checked.failures) == []
    declared = plugin.check("jo", imported, {**imported, "realm": "other.example.com"})
    assert [f.property for f in declared.failures] == ["password"]


def test_realm_and_realm_scoped_credential(plugin: NativeProcess, sandbox: Sandbox) -> None:
    sandbox.add_realm_out_of_band("main", default=True)
    plugin.configure({**oauth_args(sandbox), "realmWaitSeconds": 30.0})
    realm_id, realm = plugin.create("office", {"name": "office", "description": "HQ"}, REALM)
    assert plain(realm)["status"] == "ACTIVE" and plain(realm)["realmId"] == realm_id
    assert plain(realm)["sipCredentialCount"] == 0.0
    fqdn = plain(realm)["fqdn"]
    id_, state = plugin.create("ext", inputs("ext100", realm=fqdn, realmId=realm_id))
    assert id_ == f"{realm_id}/{plain(state)['credentialId']}"
    described = plugin.diff(
        "office", realm_id, realm, {"name": "office", "description": "HQ2"}, REALM
    )
    assert list(described.diffs) == ["description"] and list(described.replaces) == []
    plugin.delete("ext", id_, state)
    plugin.delete("office", realm_id, realm, REALM)
    assert [r.name for r in sandbox.api_realms()] == ["main"]


def test_an_imported_realm_reads_back_with_its_name_and_is_then_unchanged(
    plugin: NativeProcess, sandbox: Sandbox
) -> None:
    """The realms API returns no name: import takes it from the FQDN, so the engine's
    check of what import read passes and declaring the realm as read changes nothing."""
    sandbox.add_realm_out_of_band("main", default=True)
    plugin.configure(oauth_args(sandbox))
    realm_id, _ = plugin.create("hq", {"name": "east-hq", "description": "HQ"}, REALM)
    before = len(sandbox.requests)
    id_, live, imported = plugin.read("hq", realm_id, {}, type_=REALM)
    assert id_ == realm_id
    assert plain(imported) == {"name": "east-hq", "description": "HQ", "default": False}
    assert plain(live)["fqdn"].startswith("east-hq-")
    assert list(plugin.check("hq", imported, imported, REALM).failures) == []
    unchanged = plugin.diff("hq", realm_id, live, {"name": "east-hq", "description": "HQ"}, REALM)
    assert unchanged.changes == proto.DiffResponse.DIFF_NONE
    assert [r.method for r in sandbox.requests[before:]] == ["GET"]


def test_a_realm_that_never_activates_is_one_short_line(
    plugin: NativeProcess, sandbox: Sandbox
) -> None:
    sandbox.add_realm_out_of_band("main", default=True)
    sandbox.fail_next_realm_creations(1)
    plugin.configure({**oauth_args(sandbox), "realmWaitSeconds": 30.0})
    with pytest.raises(grpc.RpcError) as caught:
        plugin.create("broken", {"name": "broken"}, REALM)
    details = caught.value.details() or ""
    assert "failed to create" in details and "Traceback" not in details


def test_more_than_four_writes_run_at_once(plugin: NativeProcess, sandbox: Sandbox) -> None:
    """Eight creates must all be inside Bandwidth at the same moment, or none completes."""
    plugin.configure(oauth_args(sandbox))
    together = threading.Barrier(8, timeout=30)
    create_many = sandbox.state.create_many

    def create_when_all_arrived(*args: Any, **kwargs: Any) -> Any:
        together.wait()
        return create_many(*args, **kwargs)

    sandbox.state.create_many = create_when_all_arrived  # type: ignore[method-assign]
    names = [f"user{i}" for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(lambda name: plugin.create(name, inputs(name))[0], names))
    assert sorted(ids) == names
    assert sandbox.token_requests == 1


def test_a_changed_setting_updates_the_provider_in_place(plugin: NativeProcess) -> None:
    olds = {"accountId": "1", "clientSecret": Secret("old")}
    reply = plugin.stub.DiffConfig(
        proto.DiffRequest(
            urn="urn:pulumi:test::bw-native::pulumi:providers:bandwidth::east",
            olds=encode(olds),
            news=encode({**olds, "clientSecret": Secret("new")}),
        ),
        timeout=30,
    )
    assert reply.changes == proto.DiffResponse.DIFF_SOME
    assert list(reply.replaces) == []
    assert dict(reply.detailedDiff) == {
        "clientSecret": proto.PropertyDiff(kind=proto.PropertyDiff.UPDATE, inputDiff=True)
    }


def test_a_realm_name_taken_fails_with_its_id_until_adopt_takes_it_over(
    plugin: NativeProcess, sandbox: Sandbox
) -> None:
    sandbox.add_realm_out_of_band("main", default=True)
    theirs = sandbox.add_realm_out_of_band("office", description="theirs")
    plugin.configure({**oauth_args(sandbox), "realmWaitSeconds": 30.0})
    with pytest.raises(grpc.RpcError) as caught:
        plugin.create("office", {"name": "office"}, REALM)
    details = caught.value.details() or ""
    assert f"(id {theirs.id}," in details and "adopt=True" in details
    assert "pulumi import" in details and "Traceback" not in details
    realm_id, realm = plugin.create("office", {"name": "office", "adopt": True}, REALM)
    assert realm_id == theirs.id and plain(realm)["adopt"] is True


def test_a_realm_create_whose_answer_is_lost_takes_the_realm_over(
    plugin: NativeProcess, sandbox: Sandbox
) -> None:
    sandbox.add_realm_out_of_band("main", default=True)
    plugin.configure({**oauth_args(sandbox), "realmWaitSeconds": 30.0})
    sandbox.inject(Fault("after_commit", status=504, method="POST", path_contains="/realms"))
    realm_id, realm = plugin.create("office", {"name": "office"}, REALM)
    held = sandbox.api_realm("office")
    assert held is not None and held.id == realm_id and plain(realm)["fqdn"] == held.fqdn
    assert sandbox.pending_faults == []
