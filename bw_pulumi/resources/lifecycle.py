"""What every resource's lifecycle hooks return, independent of any Pulumi front door.

Each resource's operations (``bw_pulumi.resources.<resource>.operations``) speak these
plain types; :mod:`bw_pulumi.provider` maps them to ``pulumi.dynamic`` results, and a
package provider can map them to its own. Nothing here imports ``pulumi.dynamic``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from bw_pulumi.api.errors import InvalidInputError

Props = dict[str, Any]
"""Resource properties as the engine passes them (names as the front door declares)."""

__all__ = [
    "UNKNOWN",
    "Checked",
    "Created",
    "Failure",
    "Found",
    "OperationFailure",
    "Plan",
    "Props",
]


class OperationFailure(Exception):
    """An operation failed in a way the user can act on, told whole in its message (which
    holds no secret): a front door shows it as one line (see
    :mod:`bw_pulumi.resources.hook_errors`), as it shows Bandwidth's refusals."""


class PartialFailure(OperationFailure):
    """A create or update that did part of its work: ``outputs`` is the state to keep (with
    ``id``), ``reasons`` one line per failed part. Both front doors save the state and
    still fail the ``up``: the package provider through Pulumi's initialization failure,
    the dynamic provider (which cannot fail and return state in one call) by returning the
    state, whose outputs record the failures for the resource class to raise."""

    def __init__(self, message: str, id_: str, outputs: Props, reasons: list[str]) -> None:
        super().__init__(message)
        self.id = id_
        self.outputs = outputs
        self.reasons = reasons

    def __repr__(self) -> str:  # the outputs hold secrets
        return f"PartialFailure({str(self)!r}, reasons={len(self.reasons)})"


@dataclass(frozen=True)
class Failure:
    """One input that breaks a rule: the property's name and a message naming the rule."""

    property: str
    reason: str


@dataclass(frozen=True)
class Checked:
    inputs: Props
    failures: list[Failure] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    """The outcome of a diff: whether anything changes, and which changes replace."""

    changes: bool
    replaces: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    changed: list[str] = field(default_factory=list)

    def summary(self) -> str | None:
        """One line naming what changes inside the resource, for a front door that can show
        no detailed diff (a set's entries); None when the changed properties say it all."""
        return None

    def plus(self, changed: Sequence[str] = (), replaces: Sequence[str] = ()) -> Plan:
        """This plan, with ``changed`` changed too and ``replaces`` replacing too: how a
        resource's own rules compose on the diff its definition gives
        (:func:`bw_pulumi.resources.derived.diff_inputs`)."""
        all_changed = [*self.changed, *changed]
        return replace(
            self,
            changes=bool(all_changed),
            replaces=[*self.replaces, *replaces],
            changed=all_changed,
        )

    def delete_first_if(self, collides: bool) -> Plan:
        """Delete the old resource before creating its replacement when they would collide
        (the same key at Bandwidth); otherwise create first, so it never goes missing."""
        return replace(self, delete_before_replace=bool(self.replaces) and collides)


@dataclass(frozen=True)
class Created:
    id: str
    outputs: Props


@dataclass(frozen=True)
class Found:
    """A read: ``id`` None means the resource is gone (the engine drops it)."""

    id: str | None
    outputs: Props


def is_unknown(value: object) -> bool:
    """A value not known yet (a preview of an output of a resource not created yet).

    The SDK hands a provider unknowns as ``pulumi.output.Unknown`` instances (the dynamic
    provider server's Check and Diff) or as the wire sentinel string :data:`UNKNOWN`.
    """
    return isinstance(value, Unknown) or value == UNKNOWN


def known(props: Mapping[str, Any], *keys: str) -> bool:
    return all(props.get(key) is not None and not is_unknown(props.get(key)) for key in keys)


def string_failures(
    inputs: Mapping[str, Any], validators: Mapping[str, Callable[[Any], None]]
) -> list[Failure]:
    """Run each string validator on its known value; a non-string fails by type."""
    failures = []
    for key, validate in validators.items():
        value = inputs.get(key)
        if value is None or is_unknown(value):
            continue
        if not isinstance(value, str):
            failures.append(Failure(key, f"{key}: must be a string (got {type(value).__name__})"))
            continue
        try:
            validate(value)
        except InvalidInputError as error:
            failures.append(Failure(key, str(error)))
    return failures


def bool_failure(inputs: Mapping[str, Any], key: str) -> list[Failure]:
    value = inputs.get(key)
    if value is None or is_unknown(value) or isinstance(value, bool):
        return []
    return [Failure(key, f"{key}: must be true or false")]


def required_failures(inputs: Mapping[str, Any], keys: tuple[str, ...]) -> list[Failure]:
    return [Failure(key, f"{key}: is required") for key in keys if key not in inputs]


def present(news: Mapping[str, Any], keys: tuple[str, ...]) -> Props:
    """The declared inputs among ``keys``; empty strings and None mean absent."""
    return {key: news[key] for key in keys if news.get(key) not in (None, "")}


def without_none(values: Mapping[str, Any]) -> Props:
    return {key: value for key, value in values.items() if value is not None}
