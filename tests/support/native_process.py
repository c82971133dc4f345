"""Drive the `pulumi-resource-bandwidth` plugin over gRPC the way the Pulumi engine does."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime import proto

from tests.support.provider_process import PluginProcess

PLUGIN = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "pulumi-resource-bandwidth"
CREDENTIAL = "bandwidth:index:SipCredential"
REALM = "bandwidth:index:SipRealm"
CREDENTIAL_SET = "bandwidth:index:SipCredentialSet"
CALL_TIMEOUT_SECONDS = 60


def urn(name: str, type_: str = CREDENTIAL) -> str:
    return f"urn:pulumi:test::bw-native::{type_}::{name}"


class Secret:
    """A value the test sends marked secret."""

    def __init__(self, value: Any) -> None:
        self.value = value


def encode(props: dict[str, Any]) -> Any:
    return PropertyValue.marshal_map({key: _value(value) for key, value in props.items()})


def _value(value: Any) -> PropertyValue:
    if isinstance(value, PropertyValue):
        return value
    if isinstance(value, Secret):
        return _value(value.value).with_secret(True)
    if isinstance(value, int) and not isinstance(value, bool):
        return PropertyValue(float(value))
    if isinstance(value, dict):
        return PropertyValue({key: _value(item) for key, item in value.items()})
    return PropertyValue(value)


def decode(struct: Any) -> dict[str, PropertyValue]:
    return PropertyValue.unmarshal_map(struct)


def plain(values: dict[str, PropertyValue]) -> dict[str, Any]:
    return {key: value.value for key, value in values.items()}


def deep_plain(values: dict[str, PropertyValue]) -> dict[str, Any]:
    """As :func:`plain`, for nested maps too (secret markers dropped)."""
    return {key: _deep(value) for key, value in values.items()}


def _deep(value: PropertyValue) -> Any:
    inner = value.value
    if isinstance(inner, Mapping):
        return {key: _deep(item) for key, item in inner.items()}
    if isinstance(inner, (list, tuple)):
        return [_deep(item) for item in inner]
    return inner


def secrets(values: dict[str, PropertyValue]) -> set[str]:
    return {key for key, value in values.items() if value.is_secret}


class NativeProcess(PluginProcess):
    """The plugin process, with one engine-like call per hook. ``type_`` picks the resource."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        # The engine passes its own address; the provider needs it only for components.
        super().__init__([str(PLUGIN), "127.0.0.1:1"], {**os.environ, **(env or {})}, PLUGIN.name)

    def schema(self) -> str:
        reply = self.stub.GetSchema(proto.GetSchemaRequest(version=0), timeout=30)
        return str(reply.schema)

    def plugin_version(self) -> str:
        from google.protobuf import empty_pb2

        return str(self.stub.GetPluginInfo(empty_pb2.Empty(), timeout=30).version)

    def configure(self, args: dict[str, Any], variables: dict[str, str] | None = None) -> Any:
        return self.stub.Configure(
            proto.ConfigureRequest(
                args=encode(args), variables=variables or {}, acceptSecrets=True
            ),
            timeout=CALL_TIMEOUT_SECONDS,
        )

    def check_config(self, news: dict[str, Any]) -> Any:
        return self.stub.CheckConfig(
            proto.CheckRequest(urn=urn("default", "pulumi:providers:bandwidth"), news=encode(news)),
            timeout=CALL_TIMEOUT_SECONDS,
        )

    def check(
        self, name: str, olds: dict[str, Any], news: dict[str, Any], type_: str = CREDENTIAL
    ) -> Any:
        return self.stub.Check(
            proto.CheckRequest(urn=urn(name, type_), olds=encode(olds), news=encode(news)),
            timeout=CALL_TIMEOUT_SECONDS,
        )

    def diff(
        self,
        name: str,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        type_: str = CREDENTIAL,
    ) -> Any:
        return self.stub.Diff(
            proto.DiffRequest(id=id_, urn=urn(name, type_), olds=encode(olds), news=encode(news)),
            timeout=CALL_TIMEOUT_SECONDS,
        )

    def create(
        self, name: str, props: dict[str, Any], type_: str = CREDENTIAL, preview: bool = False
    ) -> tuple[str, dict[str, PropertyValue]]:
        reply = self.stub.Create(
            proto.CreateRequest(urn=urn(name, type_), properties=encode(props), preview=preview),
            timeout=CALL_TIMEOUT_SECONDS,
        )
        return reply.id, decode(reply.properties)

    def read(
        self,
        name: str,
        id_: str,
        props: dict[str, Any],
        inputs: dict[str, Any] | None = None,
        type_: str = CREDENTIAL,
    ) -> tuple[str, dict[str, PropertyValue], dict[str, PropertyValue]]:
        reply = self.stub.Read(
            proto.ReadRequest(
                id=id_, urn=urn(name, type_), properties=encode(props), inputs=encode(inputs or {})
            ),
            timeout=CALL_TIMEOUT_SECONDS,
        )
        return reply.id, decode(reply.properties), decode(reply.inputs)

    def update(
        self,
        name: str,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        type_: str = CREDENTIAL,
        preview: bool = False,
    ) -> dict[str, PropertyValue]:
        reply = self.stub.Update(
            proto.UpdateRequest(
                id=id_, urn=urn(name, type_), olds=encode(olds), news=encode(news), preview=preview
            ),
            timeout=CALL_TIMEOUT_SECONDS,
        )
        return decode(reply.properties)

    def delete(self, name: str, id_: str, props: dict[str, Any], type_: str = CREDENTIAL) -> None:
        self.stub.Delete(
            proto.DeleteRequest(id=id_, urn=urn(name, type_), properties=encode(props)),
            timeout=CALL_TIMEOUT_SECONDS,
        )
