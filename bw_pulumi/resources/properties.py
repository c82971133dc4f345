"""How a resource's properties are described: each fact about a property (input, required,
secret, replacing, derived from) is stated once, on its :class:`Property`, as
pulumi-go-provider's ``infer`` states it once as a tag on the field.

Everything else derives from a resource's :class:`ResourceDefinition`: the operations'
checks and diffs, the dynamic resources (:mod:`bw_pulumi.resource`), and the package
provider's schema (:mod:`bw_pulumi.native`), and from that the SDKs of every language.
Names here are the core's snake_case; the package provider alone turns them into the
camelCase a Pulumi package uses. No Pulumi import: this is data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PropertyType = Literal["string", "boolean", "integer", "number", "map"]
ScalarType = Literal["string", "boolean", "integer", "number"]


@dataclass(frozen=True)
class Property:
    """One property of a resource.

    ``input``: the user declares it (it is echoed into the state as well); otherwise the
    provider computes it. ``required``: an input the user must declare, or an output that
    is always in the state. ``replace_on_changes``: a change makes a new resource at
    Bandwidth. ``compared``: for an input, whether the default diff
    (:func:`bw_pulumi.resources.derived.diff_inputs`) counts a difference between state and
    inputs as a change to make at Bandwidth; false for an input that only says how to
    create (``adopt``), or whose changes a resource's own rule judges (a realm's
    ``default``, which can only be turned on). ``derived_from``: for an output, the inputs
    whose change leaves its new value unknown until the update has run (a preview shows it
    as unknown).
    """

    name: str
    type: PropertyType
    description: str
    input: bool = False
    required: bool = False
    secret: bool = False
    replace_on_changes: bool = False
    compared: bool = True
    derived_from: tuple[str, ...] = ()
    #: For ``type="map"`` only: what each value of the map is (keys are always strings),
    #: a scalar type or an :class:`ObjectType`.
    items: ScalarType | ObjectType | None = None

    def __post_init__(self) -> None:
        if (self.type == "map") != (self.items is not None):
            raise ValueError(f"{self.name}: items is given for, and only for, a map")


@dataclass(frozen=True)
class ObjectType:
    """A named object type, the value of a map property (a package schema ``types``
    entry, ``bandwidth:index:<name>``). Its fields are :class:`Property` records: only
    ``name``, ``type``, ``description``, ``required`` and ``secret`` apply to them."""

    name: str
    description: str
    properties: tuple[Property, ...]

    def get(self, name: str) -> Property:
        return next(p for p in self.properties if p.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.properties)


@dataclass(frozen=True)
class ResourceDefinition:
    """A resource type: its name in the package (``SipCredential``) and its properties, in
    the order the operations check, diff and report them."""

    name: str
    description: str
    properties: tuple[Property, ...]

    def get(self, name: str) -> Property:
        return next(p for p in self.properties if p.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.properties)

    @property
    def inputs(self) -> tuple[Property, ...]:
        return tuple(p for p in self.properties if p.input)

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.inputs)

    @property
    def required_inputs(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.inputs if p.required)

    @property
    def compared_inputs(self) -> tuple[str, ...]:
        """The inputs whose difference the default diff counts as a change."""
        return tuple(p.name for p in self.inputs if p.compared)

    def inputs_of_type(self, type_: PropertyType) -> tuple[str, ...]:
        return tuple(p.name for p in self.inputs if p.type == type_)

    @property
    def computed(self) -> tuple[Property, ...]:
        """The outputs the provider computes (not declared by the user)."""
        return tuple(p for p in self.properties if not p.input)

    @property
    def computed_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.computed)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.properties if p.secret)

    @property
    def replacing(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.properties if p.replace_on_changes)
