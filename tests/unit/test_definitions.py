"""One source of truth: the resource definitions agree with the operations, the dynamic
resources, the generated schema and the committed ``sdk/schema.json``."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import pytest

from bw_pulumi.config import settings
from bw_pulumi.config.properties import PROVIDER_CONFIG
from bw_pulumi.native import schema
from bw_pulumi.native.names import camel_text, to_camel, to_snake
from bw_pulumi.resource import SECRET_OUTPUTS, SipCredential, SipRealm
from bw_pulumi.resources.registry import RESOURCES
from bw_pulumi.resources.sip_credential import operations as credential_ops
from bw_pulumi.resources.sip_credential.definition import SIP_CREDENTIAL
from bw_pulumi.resources.sip_credential.operations import DesiredCredential
from bw_pulumi.resources.sip_realm import operations as realm_ops
from bw_pulumi.resources.sip_realm.definition import SIP_REALM

COMMITTED_SCHEMA = Path(__file__).resolve().parents[2] / "sdk" / "schema.json"


def test_credential_definition_matches_the_operations() -> None:
    definition = SIP_CREDENTIAL
    assert {p.name for p in definition.inputs} == set(credential_ops.INPUTS)
    required = {p.name for p in definition.inputs if p.required}
    assert required == set(credential_ops.REQUIRED_INPUTS)
    assert set(definition.replacing) == set(credential_ops.REPLACING_INPUTS)
    assert set(definition.secrets) == set(credential_ops.SECRET_OUTPUTS) == set(SECRET_OUTPUTS)
    desired = DesiredCredential("u", "p", "r.example.com", "d.example.com", "app", "7", True)
    outputs = set(desired.outputs("12", 1.0)) - {credential_ops.LAST_WRITE}
    assert outputs == set(definition.names)


def test_realm_definition_matches_the_operations() -> None:
    assert {p.name for p in SIP_REALM.inputs} == set(realm_ops.INPUTS)
    assert {p.name for p in SIP_REALM.computed} == set(realm_ops.OUTPUTS)
    assert SIP_REALM.replacing == ("name",)


@pytest.mark.parametrize(
    ("resource", "definition"), [(SipCredential, SIP_CREDENTIAL), (SipRealm, SIP_REALM)]
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
