"""One source of truth: the operations, the front doors, the dynamic resources, the generated
schema and the committed ``sdk/schema.json`` behave as the resource definitions say."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import json
from pathlib import Path

import pulumi
import pytest

from bw_pulumi.config import settings
from bw_pulumi.config.properties import PROVIDER_CONFIG
from bw_pulumi.native import schema
from bw_pulumi.native.names import camel_text, to_camel, to_snake
from bw_pulumi.native.provider import BandwidthProvider
from bw_pulumi.provider import KindProvider, SipCredentialProvider, SipRealmProvider
from bw_pulumi.resource import SipCredential, SipCredentialSet, SipRealm
from bw_pulumi.resource import _declare as declare
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.derived import diff_inputs
from bw_pulumi.resources.properties import ResourceDefinition
from bw_pulumi.resources.registry import KINDS, RESOURCES
from bw_pulumi.resources.sip_credential import operations as credential_ops
from bw_pulumi.resources.sip_credential.definition import SIP_CREDENTIAL
from bw_pulumi.resources.sip_credential.kind import SIP_CREDENTIAL_KIND
from bw_pulumi.resources.sip_credential.operations import CredentialOperations, DesiredCredential
from bw_pulumi.resources.sip_credential_set.definition import SIP_CREDENTIAL_SET
from bw_pulumi.resources.sip_realm.definition import SIP_REALM
from bw_pulumi.resources.sip_realm.kind import SIP_REALM_KIND
from bw_pulumi.resources.sip_realm.models import Realm
from bw_pulumi.resources.sip_realm.operations import RealmOperations
from bw_pulumi.resources.sip_realm.operations import _outputs as realm_outputs

REALM = Realm("r1", "office-1.auth.example.com", default=False, status="ACTIVE", description="d")

COMMITTED_SCHEMA = Path(__file__).resolve().parents[2] / "sdk" / "schema.json"


def no_api() -> BandwidthClient:
    raise AssertionError("check and diff make no API call")


def changed_value(value: object) -> object:
    return "7" if value is None else f"{value}x"


CREDENTIAL_INPUTS = {
    "username": "alice",
    "password": "a password",
    "realm": "r.example.com",
    "domain": "d.example.com",
    "http_voice_v2_app_id": "app",
}


def test_the_credential_operations_follow_its_definition() -> None:
    ops = CredentialOperations(no_api)
    missing = ops.check({}, {})
    assert [f.property for f in missing.failures] == list(SIP_CREDENTIAL.required_inputs)
    declared = {name: CREDENTIAL_INPUTS.get(name, "7") for name in SIP_CREDENTIAL.input_names}
    assert set(ops.check({}, {**declared, "adopt": True}).inputs) == set(SIP_CREDENTIAL.input_names)
    state = DesiredCredential.from_props(CREDENTIAL_INPUTS).outputs()
    for name in SIP_CREDENTIAL.compared_inputs:
        plan = ops.diff(state, {**CREDENTIAL_INPUTS, name: changed_value(state.get(name))})
        assert plan.changed == [name]
        assert (name in plan.replaces) == SIP_CREDENTIAL.get(name).replace_on_changes
    assert not ops.diff(state, {**CREDENTIAL_INPUTS, "adopt": True}).changes
    desired = DesiredCredential("u", "p", "r.example.com", "d.example.com", "app", "7", True)
    outputs = set(desired.outputs("12", 1.0)) - {credential_ops.LAST_WRITE}
    assert outputs == set(SIP_CREDENTIAL.names)


def test_the_realm_operations_follow_its_definition() -> None:
    ops = RealmOperations(no_api)
    missing = ops.check({}, {})
    assert [f.property for f in missing.failures] == list(SIP_REALM.required_inputs)
    news = {"name": "office", "description": "d", "default": True, "adopt": True}
    assert set(ops.check({}, news).inputs) == set(SIP_REALM.input_names)
    state = {"name": "office", "description": "d", "status": "ACTIVE"}
    for name in SIP_REALM.compared_inputs:
        plan = ops.diff(state, {**state, name: changed_value(state.get(name))})
        assert plan.changed == [name]
        assert (name in plan.replaces) == SIP_REALM.get(name).replace_on_changes
    assert not ops.diff(state, {**state, "adopt": True}).changes
    assert set(realm_outputs({"name": "office", "adopt": True}, REALM)) == set(SIP_REALM.names)


def test_a_flag_on_a_property_changes_the_derived_diff() -> None:
    """The diff reads the flags: no copy of them elsewhere can disagree."""
    state = DesiredCredential.from_props(CREDENTIAL_INPUTS).outputs()
    news = {**CREDENTIAL_INPUTS, "realm": "s.example.com"}
    assert diff_inputs(SIP_CREDENTIAL, state, news).replaces == []
    realm_replaces = with_flags(SIP_CREDENTIAL, "realm", replace_on_changes=True)
    assert diff_inputs(realm_replaces, state, news).replaces == ["realm"]
    realm_ignored = with_flags(SIP_CREDENTIAL, "realm", compared=False)
    assert not diff_inputs(realm_ignored, state, news).changes


def with_flags(definition: ResourceDefinition, name: str, **flags: bool) -> ResourceDefinition:
    properties = tuple(
        dataclasses.replace(p, **flags) if p.name == name else p for p in definition.properties
    )
    return dataclasses.replace(definition, properties=properties)


def test_every_kind_is_served_by_both_front_doors() -> None:
    """The registry is the one list: the package provider dispatches on it, and each kind
    has its dynamic provider class (pickled by name: defined in bw_pulumi.provider)."""
    assert tuple(kind.definition for kind in KINDS) == RESOURCES
    served = BandwidthProvider("1.2.3", environ={})._kinds
    assert {token: s.kind for token, s in served.items()} == {
        schema.type_token(kind.definition): kind for kind in KINDS
    }
    dynamic = {cls.kind: cls for cls in KindProvider.__subclasses__()}
    assert set(dynamic) == set(KINDS)
    assert {cls.__module__ for cls in dynamic.values()} == {"bw_pulumi.provider"}
    assert dynamic[SIP_CREDENTIAL_KIND] is SipCredentialProvider
    assert dynamic[SIP_REALM_KIND] is SipRealmProvider


def test_dynamic_resources_take_their_secrets_from_the_definition() -> None:
    props, opts = declare(SipCredentialProvider(), {"username": "u", "password": "p"}, None)
    assert opts is not None and opts.additional_secret_outputs == list(SIP_CREDENTIAL.secrets)
    assert isinstance(props["password"], pulumi.Output) and props["username"] == "u"
    assert {name for name, value in props.items() if value is None} == set(
        SIP_CREDENTIAL.computed_names
    )
    realm_props, realm_opts = declare(SipRealmProvider(), {"name": "office"}, None)
    assert realm_opts is None and set(realm_props) == {"name", *SIP_REALM.computed_names}


@pytest.mark.parametrize(
    ("resource", "definition"),
    [
        (SipCredential, SIP_CREDENTIAL),
        (SipRealm, SIP_REALM),
        (SipCredentialSet, SIP_CREDENTIAL_SET),
    ],
)
def test_dynamic_resources_declare_the_defined_properties(
    resource: type, definition: object
) -> None:
    assert definition in RESOURCES
    parameters = inspect.signature(resource.__init__).parameters
    arguments = set(parameters) - {"self", "resource_name", "opts"}
    assert arguments == {p.name for p in definition.inputs}  # type: ignore[attr-defined]
    outputs = set(inspect.get_annotations(resource))
    assert outputs == set(definition.names) - {"adopt"}  # type: ignore[attr-defined]


def test_every_setting_is_provider_configuration() -> None:
    defined = {item.setting for item in PROVIDER_CONFIG}
    declared = {value for value in vars(settings).values() if isinstance(value, settings.Setting)}
    assert defined == declared
    assert {item.name for item in PROVIDER_CONFIG if item.secret} == {"clientSecret", "apiPassword"}


def test_schema_is_generated_from_the_definitions() -> None:
    generated = schema.generate("1.2.3")
    credential = generated["resources"]["bandwidth:index:SipCredential"]
    assert set(credential["properties"]) == {to_camel(n) for n in SIP_CREDENTIAL.names}
    assert set(credential["inputProperties"]) == {
        "username",
        "password",
        "realm",
        "domain",
        "httpVoiceV2AppId",
        "realmId",
        "adopt",
    }
    assert credential["requiredInputs"] == ["password", "realm", "username"]
    secret = {name for name, spec in credential["properties"].items() if spec.get("secret")}
    assert secret == {"password", "hash1", "hash1b"}
    replacing = {n for n, spec in credential["properties"].items() if spec.get("replaceOnChanges")}
    assert replacing == {"username", "domain", "realmId"}
    realm = generated["resources"]["bandwidth:index:SipRealm"]
    assert set(realm["properties"]) == {
        "name",
        "description",
        "default",
        "adopt",
        "realmId",
        "fqdn",
        "status",
        "sipCredentialCount",
    }
    assert set(realm["inputProperties"]) == {"name", "description", "default", "adopt"}
    assert realm["properties"]["sipCredentialCount"]["type"] == "integer"
    provider = generated["provider"]["inputProperties"]
    assert {n for n, spec in provider.items() if spec.get("secret")} == {
        "clientSecret",
        "apiPassword",
    }
    assert set(provider) == set(generated["config"]["variables"])
    assert generated["version"] == "1.2.3"


def test_committed_schema_is_the_generated_one() -> None:
    """``sdk/schema.json`` feeds the SDK generator: regenerate it with scripts/gen-sdk."""
    committed = json.loads(COMMITTED_SCHEMA.read_text())
    assert committed == schema.generate(), "sdk/schema.json is stale: run scripts/gen-sdk"
    assert COMMITTED_SCHEMA.read_text() == schema.render()


def test_names_round_trip() -> None:
    for definition in RESOURCES:
        for name in definition.names:
            assert to_snake(to_camel(name)) == name
    assert to_camel("http_voice_v2_app_id") == "httpVoiceV2AppId"
    assert to_camel("sip_credential_count") == "sipCredentialCount"


def test_messages_name_properties_in_camel_case_only_when_known() -> None:
    text = "realm_id: no realm; keep it with the retain_on_delete resource option"
    assert camel_text(text, SIP_CREDENTIAL.names) == (
        "realmId: no realm; keep it with the retain_on_delete resource option"
    )


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module if node.level == 0 else "." * node.level + node.module)
    return found


def test_nothing_outside_the_package_provider_imports_it() -> None:
    """The core (and the dynamic front door) knows nothing of bw_pulumi.native."""
    package = Path(__file__).resolve().parents[2] / "bw_pulumi"
    outside = [p for p in package.rglob("*.py") if "native" not in p.relative_to(package).parts]
    assert len(outside) > 20
    offenders = {
        str(path.relative_to(package)): sorted(i for i in imports_of(path) if "native" in i)
        for path in outside
    }
    assert {name: found for name, found in offenders.items() if found} == {}
