"""The check and the diff derived from a resource's definition (pure: no socket, no API)."""

from __future__ import annotations

import pytest
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from bw_pulumi.api.errors import InvalidInputError
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.derived import check_inputs, diff_inputs
from bw_pulumi.resources.lifecycle import Plan
from bw_pulumi.resources.properties import Property, ResourceDefinition
from bw_pulumi.resources.sip_credential.operations import CredentialOperations, DesiredCredential

THING = ResourceDefinition(
    name="Thing",
    description="A resource to derive from.",
    properties=(
        Property("key", "string", "Its key.", input=True, required=True, replace_on_changes=True),
        Property("note", "string", "A note.", input=True),
        Property("flag", "boolean", "A flag.", input=True),
        Property("adopt", "boolean", "Take one over.", input=True, compared=False),
        Property("thing_id", "string", "Its id.", required=True, derived_from=("key",)),
    ),
)
STATE = {"key": "k1", "note": "hello", "flag": True, "adopt": True, "thing_id": "7"}
INPUTS = {"key": "k1", "note": "hello", "flag": True, "adopt": True}


def test_no_difference_is_no_change() -> None:
    assert diff_inputs(THING, STATE, INPUTS) == Plan(changes=False)


def test_a_replacing_property_changed_replaces() -> None:
    plan = diff_inputs(THING, STATE, {**INPUTS, "key": "k2"})
    assert plan == Plan(changes=True, replaces=["key"], changed=["key"])


def test_another_property_changed_updates_in_place() -> None:
    plan = diff_inputs(THING, STATE, {**INPUTS, "note": "bye", "flag": False})
    assert plan == Plan(changes=True, replaces=[], changed=["note", "flag"])


def test_a_property_removed_is_a_change() -> None:
    news = {key: value for key, value in INPUTS.items() if key != "note"}
    assert diff_inputs(THING, STATE, news).changed == ["note"]


@pytest.mark.parametrize("adopt", [None, False, True])
def test_a_property_not_compared_is_no_change(adopt: bool | None) -> None:
    news = {**INPUTS, "adopt": adopt}
    assert diff_inputs(THING, {**STATE, "adopt": None}, news) == Plan(changes=False)


def test_empty_and_absent_are_the_same() -> None:
    assert not diff_inputs(THING, {**STATE, "note": ""}, {**INPUTS, "note": None}).changes
    assert not diff_inputs(THING, {**STATE, "note": None}, {**INPUTS, "note": ""}).changes


def test_outputs_are_not_inputs_to_compare() -> None:
    assert not diff_inputs(THING, {**STATE, "thing_id": "8"}, INPUTS).changes


@pytest.mark.parametrize("unknown", [UNKNOWN, Unknown()], ids=["wire", "sdk"])
def test_an_unknown_value_at_preview_is_a_possible_change(unknown: object) -> None:
    replacing = diff_inputs(THING, STATE, {**INPUTS, "key": unknown})
    assert replacing == Plan(changes=True, replaces=["key"], changed=["key"])
    updating = diff_inputs(THING, STATE, {**INPUTS, "note": unknown})
    assert updating == Plan(changes=True, replaces=[], changed=["note"])


def test_a_resource_rule_composes_on_the_derived_plan() -> None:
    plan = diff_inputs(THING, STATE, {**INPUTS, "key": "K1"})
    assert plan.delete_before_replace is False
    assert plan.delete_first_if(True).delete_before_replace is True
    assert diff_inputs(THING, STATE, INPUTS).delete_first_if(True).delete_before_replace is False
    more = plan.plus(changed=["status"], replaces=["status"])
    assert more == Plan(changes=True, replaces=["key", "status"], changed=["key", "status"])


def test_check_reports_each_rule_of_the_definition() -> None:
    def no_spaces(value: str) -> None:
        if " " in value:
            raise InvalidInputError("key", "no spaces")

    checked = check_inputs(
        THING, {"key": "a b", "note": 3, "flag": "yes", "adopt": ""}, {"key": no_spaces}
    )
    assert [f.property for f in checked.failures] == ["key", "note", "flag"]
    assert checked.inputs == {"key": "a b", "note": 3, "flag": "yes"}
    assert [f.property for f in check_inputs(THING, {}).failures] == ["key"]
    unknowns = check_inputs(THING, {"key": UNKNOWN, "flag": Unknown()}, {"key": no_spaces})
    assert unknowns.failures == []


def test_a_validator_for_no_string_input_is_a_bug() -> None:
    with pytest.raises(ValueError, match="no string input flag"):
        check_inputs(THING, {}, {"flag": lambda _value: None})


def no_api() -> BandwidthClient:
    raise AssertionError("a diff makes no API call")


CREDENTIAL = {"username": "alice", "password": "a password", "realm": "r.example.com"}


def test_the_credential_diff_composes_on_the_derived_one() -> None:
    ops = CredentialOperations(no_api)
    state = DesiredCredential.from_props(CREDENTIAL).outputs()
    assert not ops.diff(state, {**CREDENTIAL, "adopt": True}).changes
    case_only = ops.diff(state, {**CREDENTIAL, "username": "Alice"})
    assert case_only.replaces == ["username"] and case_only.delete_before_replace
    renamed = ops.diff(state, {**CREDENTIAL, "username": "bob"})
    assert renamed.replaces == ["username"] and not renamed.delete_before_replace
    drifted = ops.diff({**state, "hash1": "0" * 32}, CREDENTIAL)
    assert drifted == Plan(changes=True, replaces=[], changed=["hash1", "hash1b"])
    unknown = ops.diff(state, {**CREDENTIAL, "username": UNKNOWN})
    assert unknown.replaces == ["username"] and not unknown.delete_before_replace
