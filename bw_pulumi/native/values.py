"""Between the provider protocol's property values (camelCase keys, secret markers) and the
plain snake_case dicts the operations speak.

Two rough edges of ``pulumi.provider.experimental`` (3.272) shape this: a
``PropertyValue.computed()`` cannot be marshalled, so an unknown value travels as the SDK's
``UNKNOWN`` string (which the engine reads as unknown, as it does from the dynamic
provider); and numbers must be floats.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue

from bw_pulumi.native.names import to_camel, to_snake
from bw_pulumi.resources.lifecycle import UNKNOWN, Props
from bw_pulumi.resources.properties import ObjectType, ResourceDefinition


def to_plain(
    values: Mapping[str, PropertyValue], definition: ResourceDefinition | None = None
) -> Props:
    """snake_case keys, plain Python values (secret markers dropped, unknowns as UNKNOWN).
    With ``definition``, the fields of the objects its maps hold are snake_cased too; the
    maps' own keys are the user's and stay as they are."""
    props = {to_snake(key): plain_value(value) for key, value in values.items()}
    return _rename_object_fields(props, definition, to_snake) if definition else props


def to_wire(
    props: Mapping[str, Any],
    secrets: Collection[str] = (),
    definition: ResourceDefinition | None = None,
) -> dict[str, PropertyValue]:
    """camelCase keys; the properties named in ``secrets`` (snake_case) marked secret (a
    secret map is secret whole). With ``definition``, as :func:`to_plain` in reverse."""
    if definition is not None:
        props = _rename_object_fields(props, definition, to_camel)
    return {
        to_camel(key): _wire(value).with_secret(key in secrets)
        for key, value in props.items()
        if value is not None
    }


def _rename_object_fields(
    props: Mapping[str, Any], definition: ResourceDefinition, rename: Callable[[str], str]
) -> Props:
    """``props`` with each object held in a map of objects given renamed fields (absent
    ones dropped); anything else (the map's keys, an unknown value) untouched."""
    renamed = dict(props)
    for prop in definition.properties:
        value = props.get(prop.name)
        if isinstance(prop.items, ObjectType) and isinstance(value, Mapping):
            renamed[prop.name] = {
                key: _renamed(item, rename) if isinstance(item, Mapping) else item
                for key, item in value.items()
            }
    return renamed


def _renamed(fields: Mapping[str, Any], rename: Callable[[str], str]) -> dict[str, Any]:
    return {rename(name): value for name, value in fields.items() if value is not None}


def secret_keys(values: Mapping[str, PropertyValue]) -> set[str]:
    """The snake_case names of the values that arrived secret: they stay secret."""
    return {to_snake(key) for key, value in values.items() if value.contains_secret()}


def plain_value(value: PropertyValue) -> Any:
    inner = value.value
    if isinstance(inner, Computed):
        return UNKNOWN
    if isinstance(inner, Mapping):
        return {key: plain_value(item) for key, item in inner.items()}
    if isinstance(inner, Sequence) and not isinstance(inner, str):
        return [plain_value(item) for item in inner]
    return inner


def _wire(value: Any) -> PropertyValue:
    if isinstance(value, PropertyValue):
        return value
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return PropertyValue(value)
    if isinstance(value, (int, float)):
        return PropertyValue(float(value))
    if isinstance(value, Mapping):
        return PropertyValue({str(key): _wire(item) for key, item in value.items()})
    if isinstance(value, Sequence):
        return PropertyValue([_wire(item) for item in value])
    raise TypeError(f"cannot send a {type(value).__name__} to the engine")
