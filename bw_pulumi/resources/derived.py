"""The check and the diff a resource gets from its definition alone, as pulumi-go-provider's
``infer`` derives a default diff from its fields' tags.

Each resource's operations start from these and compose their own rules on top: checks
across fields, drift only the API shows, which replacements must delete first. What an
input is (required, a string or a boolean, compared, replacing) is read from its
:class:`~bw_pulumi.resources.properties.Property`, never restated. Pure: no API call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bw_pulumi.resources.lifecycle import (
    Checked,
    Failure,
    Plan,
    bool_failure,
    present,
    required_failures,
    string_failures,
)
from bw_pulumi.resources.properties import ResourceDefinition

Validator = Callable[[str], None]


def check_inputs(
    definition: ResourceDefinition,
    news: Mapping[str, Any],
    validators: Mapping[str, Validator] | None = None,
) -> Checked:
    """The declared inputs (empty strings and None mean absent), and a failure for each
    required one missing, each string input that is not a string or breaks its rule in
    ``validators``, and each boolean input that is not true or false. Unknown values (a
    preview) pass."""
    rules = dict(validators or {})
    strings = definition.inputs_of_type("string")
    if stray := sorted(set(rules) - set(strings)):
        raise ValueError(f"{definition.name}: no string input {', '.join(stray)} to validate")
    inputs = present(news, definition.input_names)
    failures: list[Failure] = [
        *required_failures(inputs, definition.required_inputs),
        *string_failures(inputs, {name: rules.get(name, _any_string) for name in strings}),
    ]
    for name in definition.inputs_of_type("boolean"):
        failures += bool_failure(inputs, name)
    return Checked(inputs, failures)


def diff_inputs(
    definition: ResourceDefinition, olds: Mapping[str, Any], news: Mapping[str, Any]
) -> Plan:
    """The state (``olds``) against the checked inputs (``news``): each compared input whose
    value differs is changed (absent, None and "" alike), and a changed one with
    ``replace_on_changes`` replaces. A value unknown at preview differs from any state: the
    engine shows it as a possible change (a replacement, for a replacing input). Never
    deletes before replacing: only a resource's own rule knows when the old and the new
    one would collide."""
    changed = [
        name for name in definition.compared_inputs if _value(olds, name) != _value(news, name)
    ]
    replacing = set(definition.replacing)
    return Plan(
        changes=bool(changed),
        replaces=[name for name in changed if name in replacing],
        changed=changed,
    )


def _value(props: Mapping[str, Any], name: str) -> object:
    value = props.get(name)
    return None if isinstance(value, str) and value == "" else value


def _any_string(_value: str) -> None:
    """A string input without a rule of its own: only its type is checked."""
