"""SipCredentialSet's pure parts: the checks (each failure naming its key), the per-entry
plan (unknowns at preview included), the definition and the outcome's messages."""

from __future__ import annotations

from typing import Any

import pytest

from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.lifecycle import UNKNOWN, Props
from bw_pulumi.resources.properties import ObjectType, Property
from bw_pulumi.resources.sip_credential.rules import compute_hashes
from bw_pulumi.resources.sip_credential_set import operations, rules, writes
from bw_pulumi.resources.sip_credential_set.definition import ENTRY, HASHES, SIP_CREDENTIAL_SET
from bw_pulumi.resources.sip_credential_set.outcome import SetOutcome
from bw_pulumi.resources.sip_credential_set.rules import check_failures, entry_path, plan

REALM = "custxx.auth.bandwidth.com"


def no_client() -> BandwidthClient:
    raise AssertionError("a pure operation made an API call")


OFFLINE = operations.SipCredentialSetOperations(no_client)


def reasons(news: Props) -> list[str]:
    return [f.reason for f in check_failures(rules.normalized(news))]


def news(credentials: Any, **extra: Any) -> Props:
    return {"realm": REALM, "credentials": credentials, **extra}


def state(credentials: dict[str, dict[str, Any]], realm: str = REALM, **extra: Any) -> Props:
    """A state as the operations write it (hashes computed)."""
    hashes = {}
    for key, entry in credentials.items():
        computed = compute_hashes(entry["username"], entry["password"], realm, entry.get("domain"))
        hashes[key] = {"hash1": computed.hash1, "hash1b": computed.hash1b}
    return {"realm": realm, "credentials": credentials, "hashes": hashes, **extra}


BOB = {"username": "bob", "password": "pw-bob"}
AMY = {"username": "amy", "password": "pw-amy", "domain": "corp.example.com"}


# -- check ---------------------------------------------------------------------------------------


def test_a_valid_set_passes() -> None:
    assert reasons(news({"b": BOB, "a": AMY})) == []


def test_each_failure_names_its_key_and_field() -> None:
    found = reasons(
        news(
            {
                "phone-12": {"username": "x" * 40, "password": "p"},
                "phone-13": {"username": "ok"},
                "phone-14": {"username": "a:b", "password": "p", "domain": "bad_domain"},
                "phone-15": {"username": "u", "password": "p", "http_voice_v2_app_id": "nope"},
            }
        )
    )
    assert found == [
        'credentials["phone-12"].username: must be at most 32 characters (got 40)',
        'credentials["phone-13"].password: is required',
        "credentials[\"phone-14\"].username: must not contain ':' or '@' (they would corrupt"
        " the digest input)",
        "credentials[\"phone-14\"].domain: must be a hostname such as 'example.com' (letters,"
        " digits, '-', '.')",
        "credentials[\"phone-15\"].http_voice_v2_app_id: must be a UUID such as '1b2c...-...'",
    ]


def test_a_password_is_never_echoed() -> None:
    secret = "x" * 2000
    [reason] = reasons(news({"k": {"username": "u", "password": secret}}))
    assert secret not in reason and "must be at most 1024 bytes" in reason


def test_duplicate_usernames_are_refused_regardless_of_case_naming_both_keys() -> None:
    found = reasons(
        news(
            {
                "desk": {"username": "Bob", "password": "p"},
                "phone": {"username": "bob", "password": "q"},
                "other": {"username": "bob", "password": "p", "domain": "x.com"},
            }
        )
    )
    assert len(found) == 1
    assert found[0].startswith("credentials[\"phone\"].username: 'bob' is also the username of")
    assert 'credentials["desk"]' in found[0]


def test_keys_must_be_non_empty_and_entries_objects() -> None:
    found = reasons(news({"": BOB, "k": "bob"}))
    assert "credentials: every key must be a non-empty string" in found
    assert any(r.startswith('credentials["k"]: must be an object') for r in found)


def test_a_realm_scoped_entry_takes_no_domain() -> None:
    found = reasons(news({"a": AMY}, realm_id="7"))
    assert found == [
        'credentials["a"].domain: a realm-scoped set (realm_id set) has no domain; drop'
        " domain, or drop realm_id for account-level credentials"
    ]


def test_unknown_fields_and_bad_top_level_inputs_are_named() -> None:
    found = reasons(
        {
            "realm": "nodots",
            "realm_id": "../x",
            "adopt": "yes",
            "credentials": {"k": {**BOB, "pin": 1}},
        }
    )
    assert 'credentials["k"].pin: is not a field of an entry' in found
    assert any(r.startswith("realm: must be a fully qualified hostname") for r in found)
    assert "realm_id: must be an id of letters, digits, '-' or '_'" in found
    assert "adopt: must be true or false" in found
    assert reasons({}) == ["realm: is required", "credentials: is required"]


def test_unknown_values_at_preview_pass_the_check() -> None:
    assert reasons(news(UNKNOWN)) == []
    assert reasons(news({"k": UNKNOWN, "j": {"username": UNKNOWN, "password": UNKNOWN}})) == []
    assert reasons({"realm": UNKNOWN, "credentials": {"k": BOB}}) == []


def test_empty_optional_values_mean_absent() -> None:
    checked = rules.normalized(news({"k": {**BOB, "domain": "", "http_voice_v2_app_id": None}}))
    assert checked["credentials"] == {"k": BOB}


# -- the per-entry plan ----------------------------------------------------------------------------


def test_each_kind_of_change_gets_its_action() -> None:
    olds = state(
        {
            "same": BOB,
            "pw": {"username": "pw", "password": "old"},
            "rename": {"username": "before", "password": "p"},
            "gone": {"username": "gone", "password": "p"},
            "app": {"username": "app", "password": "p", "http_voice_v2_app_id": "a-b"},
            "newapp": {"username": "newapp", "password": "p"},
        }
    )
    wanted = news(
        {
            "same": BOB,
            "pw": {"username": "pw", "password": "new"},
            "rename": {"username": "after", "password": "p"},
            "app": {"username": "app", "password": "p"},
            "newapp": {"username": "newapp", "password": "p", "http_voice_v2_app_id": "c-d"},
            "added": {"username": "added", "password": "p"},
        }
    )
    planned = plan(olds, wanted)
    assert planned.entries == {
        "pw": "update",
        "rename": "replace",
        "gone": "delete",
        "app": "replace",  # a PUT cannot clear the voice application
        "newapp": "update",
        "added": "create",
    }
    assert planned.changes and planned.changed == ["credentials"] and planned.replaces == []
    assert planned.summary() == (
        "credentials: 1 to create (added), 2 to update (newapp, pw), 2 to replace (app,"
        " rename), 1 to delete (gone)"
    )
    assert planned.paths()['credentials["rename"]'] == "replace"


def test_nothing_changed_is_no_change_and_adopt_alone_changes_nothing() -> None:
    assert not plan(state({"k": BOB}), news({"k": BOB})).changes
    assert not plan(state({"k": BOB}), news({"k": BOB}, adopt=True)).changes


def test_a_changed_realm_id_replaces_the_whole_set() -> None:
    planned = plan(state({"k": BOB}, realm_id="1"), news({"k": BOB}, realm_id="2"))
    assert planned.replaces == ["realm_id"] and planned.entries == {}
    assert plan(state({"k": BOB}), news({"k": BOB}, realm_id="2")).replaces == ["realm_id"]


def test_a_changed_realm_updates_every_entry() -> None:
    planned = plan(state({"k": BOB, "a": AMY}), {**news({"k": BOB, "a": AMY}), "realm": "b.c.d"})
    assert planned.entries == {"a": "update", "k": "update"}
    assert planned.changed == ["realm", "credentials"]


def test_drifted_or_missing_hashes_are_an_update() -> None:
    olds = state({"k": BOB, "j": AMY})
    olds["hashes"]["k"] = {"hash1": "0" * 32, "hash1b": "1" * 32}
    del olds["hashes"]["j"]
    assert plan(olds, news({"k": BOB, "j": AMY})).entries == {"j": "update", "k": "update"}


def test_unknowns_are_planned_conservatively() -> None:
    olds = state({"k": BOB, "j": AMY})
    whole = plan(olds, news(UNKNOWN))
    assert whole.changes and whole.entries == {}
    assert plan(olds, {"realm": UNKNOWN, "credentials": {"k": BOB}}).changes
    planned = plan(
        olds,
        news({"k": {"username": "bob", "password": UNKNOWN}, "j": {**AMY, "username": UNKNOWN}}),
    )
    assert planned.entries == {"j": "replace", "k": "update"}
    assert plan(olds, news({"k": UNKNOWN, "j": AMY})).entries == {"k": "replace"}
    assert plan(state({"k": BOB}, realm_id="1"), news({"k": BOB}, realm_id=UNKNOWN)).replaces


def test_retired_credentials_are_a_change() -> None:
    planned = plan(state({"k": BOB}, retired={"old": "k"}), news({"k": BOB}))
    assert planned.changes and planned.retired == 1 and planned.entries == {}
    assert "1 replaced credential(s) still to delete" in planned.summary()


def test_entry_paths_are_pulumi_property_paths() -> None:
    assert entry_path("phone-12") == 'credentials["phone-12"]'
    assert entry_path('a"b', "username") == 'credentials["a\\"b"].username'


# -- the definition ------------------------------------------------------------------------------


def test_the_definition_matches_the_operations() -> None:
    definition = SIP_CREDENTIAL_SET
    assert {p.name for p in definition.inputs} == set(rules.INPUTS)
    assert {p.name for p in definition.inputs if p.required} == set(rules.REQUIRED_INPUTS)
    assert definition.replacing == ("realm_id",)
    assert set(definition.secrets) == set(operations.SECRET_OUTPUTS)
    assert ENTRY.names == rules.ENTRY_FIELDS
    assert [p.name for p in ENTRY.properties if p.required] == list(rules.ENTRY_REQUIRED)
    assert [p.name for p in ENTRY.properties if p.secret] == ["password"]
    assert definition.get("credentials").items is ENTRY
    assert definition.get("hashes").items is HASHES
    assert definition.get("usernames").items == "string"
    scope = operations.Scope(REALM, "7", True)
    held = {"k": scope.held(rules.Entry("k", "bob", "p"), "12")}
    outputs = operations.state_outputs(scope, held, {"j": "why"}, {"3": "j"}, last_write=1.0)
    assert set(outputs) - {operations.LAST_WRITE} == set(definition.names)


def test_what_can_be_exported_holds_no_secret() -> None:
    plain = [p for p in SIP_CREDENTIAL_SET.properties if not p.secret and not p.input]
    assert {p.name for p in plain} == {"usernames", "credential_ids", "failures", "retired"}
    assert all(p.items == "string" for p in plain)


def test_a_map_property_needs_its_items_and_only_a_map_takes_them() -> None:
    with pytest.raises(ValueError, match="items is given for, and only for, a map"):
        Property("m", "map", "a map")
    with pytest.raises(ValueError, match="items"):
        Property("s", "string", "a string", items="string")
    entry = ObjectType("T", "t", (Property("f", "string", "f"),))
    assert Property("m", "map", "m", items=entry).items is entry
    assert entry.get("f").type == "string"


# -- the outcome ---------------------------------------------------------------------------------


def test_an_outcome_names_each_failed_key_in_one_line_and_hides_secrets() -> None:
    failures = {f"k{i}": f"Bandwidth refused it [23009]: exists {i}" for i in range(7)}
    outputs = {"usernames": {"a": "a"}, "credentials": {"a": {"password": "hunter2"}}}
    outcome = SetOutcome("id", outputs, failures)
    message = outcome.message()
    assert "\n" not in message and message.startswith("7 SIP credential(s) of the set failed")
    assert 'credentials["k0"]: Bandwidth refused it [23009]: exists 0' in message
    assert "and 2 more" in message and "sends only these" in message
    assert outcome.reasons()[0] == 'credentials["k0"]: Bandwidth refused it [23009]: exists 0'
    assert "hunter2" not in repr(outcome)
    assert SetOutcome("id", outputs).ok


# -- the preview ----------------------------------------------------------------------------------


def test_a_preview_keeps_usernames_and_hashes_known_where_the_inputs_are() -> None:
    olds = state({"k": BOB, "j": AMY}, realm_id="7", credential_ids={"k": "11", "j": "12"})
    wanted = news(
        {
            "k": {"username": "bob", "password": "rotated"},
            "j": {"username": UNKNOWN, "password": "p"},
            "n": {"username": "new", "password": UNKNOWN},
        },
        realm_id="7",
    )
    previewed = OFFLINE.preview(olds, wanted)
    assert previewed["usernames"] == {"k": "bob", "j": UNKNOWN, "n": "new"}
    rotated = compute_hashes("bob", "rotated", REALM)
    assert previewed["hashes"]["k"] == {"hash1": rotated.hash1, "hash1b": rotated.hash1b}
    assert previewed["hashes"]["j"] == previewed["hashes"]["n"] == UNKNOWN
    assert previewed["credential_ids"] == {"k": "11", "j": UNKNOWN, "n": UNKNOWN}
    assert previewed["failures"] == UNKNOWN and previewed["credentials"] == wanted["credentials"]


def test_a_preview_of_an_unknown_map_is_unknown() -> None:
    previewed = OFFLINE.preview({}, news(UNKNOWN))
    assert previewed["usernames"] == previewed["hashes"] == UNKNOWN
    account = OFFLINE.preview({}, news({"k": BOB}))
    assert account["usernames"] == {"k": "bob"} and account["credential_ids"] == {}


def test_claims_move_renamed_keys_free_case_changes_and_create_the_rest() -> None:
    scope = operations.Scope(REALM, None, False)
    old_entries = {
        "gone": {"username": "bob", "password": "p"},
        "recase": {"username": "amy", "password": "p"},
        "rename": {"username": "cat", "password": "p"},
    }
    olds = state(old_entries)
    wanted = news(
        {
            "new-bob": {"username": "bob", "password": "p"},
            "recase": {"username": "AMY", "password": "p"},
            "rename": {"username": "dog", "password": "p"},
            "fresh": {"username": "eve", "password": "p"},
        }
    )
    held = {k: scope.held(rules.Entry.from_props(k, v)) for k, v in old_entries.items()}
    planned = plan(olds, wanted)
    moves, frees, creates = writes.claims(held, rules.entries_of(wanted), planned)
    assert moves == {"new-bob": "gone"}
    assert frees == {"recase": "recase"}
    assert sorted(creates) == ["fresh", "rename"]
