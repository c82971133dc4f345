"""The Pulumi package schema of ``bandwidth``, generated from :mod:`bw_pulumi.resources.properties`.

The plugin serves it (``GetSchema``); ``scripts/gen-sdk`` writes it to ``sdk/schema.json``
and generates the SDKs from that file. Run ``python -m bw_pulumi.native.schema`` to print it.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from bw_pulumi import about
from bw_pulumi.config.properties import PROVIDER_CONFIG, ConfigProperty
from bw_pulumi.native.names import to_camel
from bw_pulumi.resources.properties import ObjectType, Property, ResourceDefinition
from bw_pulumi.resources.registry import RESOURCES

PACKAGE = "bandwidth"
GO_IMPORT_BASE_PATH = f"{about.go_module()}/go/bandwidth"
NODE_PACKAGE = "@bw-pulumi/bandwidth"
PYTHON_PACKAGE = "pulumi_bandwidth"
DOTNET_NAMESPACE = "BwPulumi"


#: The package index's description of pulumi_bandwidth (its generated README.md).
PYTHON_README = """\
The Pulumi SDK of the `bandwidth` package: Bandwidth SIP credentials and realms as Pulumi
resources (`pulumi_bandwidth.SipCredential`, `pulumi_bandwidth.SipRealm`).

It depends on the `bw-pulumi` release of the same version, which carries the provider
plugin `pulumi-resource-bandwidth`: a Python program whose activated virtual environment
holds both needs nothing else. Otherwise install the plugin from the release's archive with
`pulumi plugin install resource bandwidth v<version> --file <archive>`.
"""


def plugin_version() -> str:
    return about.version()


def type_token(definition: ResourceDefinition) -> str:
    return f"{PACKAGE}:index:{definition.name}"


def generate(version: str | None = None) -> dict[str, Any]:
    config = {item.name: _config_spec(item) for item in PROVIDER_CONFIG}
    return {
        "name": PACKAGE,
        "displayName": "Bandwidth",
        "version": version or plugin_version(),
        "description": "Bandwidth SIP credentials and realms as Pulumi resources.",
        "keywords": ["pulumi", "bandwidth", "sip", "category/network"],
        "license": "Apache-2.0",
        "repository": about.project_urls()["Source"],
        "pluginDownloadURL": about.plugin_download_url(),
        "config": {"variables": config},
        "provider": {
            "description": (
                "The bandwidth provider: one Bandwidth account. Each setting falls back to"
                " its environment variable (BW_ACCOUNT_ID, BW_CLIENT_ID, ...)."
            ),
            "inputProperties": config,
            "properties": config,
        },
        "resources": {type_token(d): _resource_spec(d) for d in RESOURCES},
        "types": {object_token(t): _object_spec(t) for t in object_types(RESOURCES)},
        "language": {
            "python": {
                "packageName": PYTHON_PACKAGE,
                "respectSchemaVersion": True,
                "pyproject": {"enabled": True},
                "readme": PYTHON_README,
                # Installing the SDK brings the plugin it needs (pulumi-resource-bandwidth).
                "requires": {
                    about.DISTRIBUTION: f"=={version or plugin_version()}",
                },
            },
            "nodejs": {"packageName": NODE_PACKAGE, "respectSchemaVersion": True},
            "go": {
                "importBasePath": GO_IMPORT_BASE_PATH,
                "respectSchemaVersion": True,
                "generateResourceContainerTypes": True,
            },
            "csharp": {
                "rootNamespace": DOTNET_NAMESPACE,
                "respectSchemaVersion": True,
                "packageReferences": {"Pulumi": "3.*"},
            },
        },
    }


def _config_spec(item: ConfigProperty) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": item.type, "description": item.description}
    if item.secret:
        spec["secret"] = True
    return spec


def object_token(object_type: ObjectType) -> str:
    return f"{PACKAGE}:index:{object_type.name}"


def object_types(definitions: tuple[ResourceDefinition, ...]) -> list[ObjectType]:
    """Every object type a map property of ``definitions`` holds, once, in order."""
    found: dict[str, ObjectType] = {}
    for definition in definitions:
        for prop in definition.properties:
            if isinstance(prop.items, ObjectType):
                found.setdefault(prop.items.name, prop.items)
    return list(found.values())


def property_names(definition: ResourceDefinition) -> tuple[str, ...]:
    """Every snake_case name a resource's messages may mention: its properties, and the
    fields of the objects its maps hold."""
    fields = (p.name for t in object_types((definition,)) for p in t.properties)
    return (*definition.names, *fields)


def _object_spec(object_type: ObjectType) -> dict[str, Any]:
    """A ``types`` entry: its fields named in camelCase, each secret field marked secret."""
    return {
        "type": "object",
        "description": object_type.description,
        "properties": {to_camel(p.name): _property_spec(p) for p in object_type.properties},
        "required": sorted(to_camel(p.name) for p in object_type.properties if p.required),
    }


def _type_spec(prop: Property) -> dict[str, Any]:
    """A map is an object of named values (the user's keys, never converted)."""
    if prop.type != "map":
        return {"type": prop.type}
    items = prop.items
    value = (
        {"$ref": f"#/types/{object_token(items)}"}
        if isinstance(items, ObjectType)
        else {"type": items}
    )
    return {"type": "object", "additionalProperties": value}


def _property_spec(prop: Property) -> dict[str, Any]:
    spec: dict[str, Any] = {**_type_spec(prop), "description": prop.description}
    if prop.secret:
        spec["secret"] = True
    if prop.replace_on_changes:
        spec["replaceOnChanges"] = True
    return spec


def _resource_spec(definition: ResourceDefinition) -> dict[str, Any]:
    return {
        "description": definition.description,
        "properties": {to_camel(p.name): _property_spec(p) for p in definition.properties},
        "required": sorted(to_camel(p.name) for p in definition.properties if p.required),
        "inputProperties": {to_camel(p.name): _property_spec(p) for p in definition.inputs},
        "requiredInputs": sorted(to_camel(p.name) for p in definition.inputs if p.required),
    }


def render(version: str | None = None) -> str:
    """The schema as committed in ``sdk/schema.json`` (stable key order, final newline)."""
    return json.dumps(generate(version), indent=2) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
