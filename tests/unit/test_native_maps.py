"""The package provider's handling of map properties (a SipCredentialSet's entries): the
schema's types, the camel/snake conversion that leaves the user's keys alone, property
paths, and the detailed diff a plan's paths give."""

from __future__ import annotations

from typing import Any, cast

import pytest
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import PropertyDiffKind

from bw_pulumi.native import schema
from bw_pulumi.native.names import camel_path, camel_text
from bw_pulumi.native.provider import Served, _detailed_diff
from bw_pulumi.native.values import to_plain, to_wire
from bw_pulumi.resources.kind import Operations, Previews
from bw_pulumi.resources.lifecycle import UNKNOWN, Plan
from bw_pulumi.resources.sip_credential_set.definition import SIP_CREDENTIAL_SET
from bw_pulumi.resources.sip_credential_set.kind import SIP_CREDENTIAL_SET_KIND
from bw_pulumi.resources.sip_credential_set.rules import plan

APP_ID = "0d4d5b46-8a5b-4a8e-9c56-1d1f1b0c3d11"


def test_a_map_of_objects_is_an_object_of_refs_and_each_object_a_type() -> None:
    generated = schema.generate()
    spec = generated["resources"]["bandwidth:index:SipCredentialSet"]
    assert spec["inputProperties"]["credentials"]["additionalProperties"] == {
        "$ref": "#/types/bandwidth:index:SipCredentialSetEntry"
    }
    assert spec["properties"]["usernames"]["type"] == "object"
    assert spec["properties"]["usernames"]["additionalProperties"] == {"type": "string"}
    assert "secret" not in spec["properties"]["usernames"]
    assert spec["properties"]["credentials"]["secret"] and spec["properties"]["hashes"]["secret"]
    entry = generated["types"]["bandwidth:index:SipCredentialSetEntry"]
    assert list(entry["properties"]) == ["username", "password", "domain", "httpVoiceV2AppId"]
    assert entry["required"] == ["password", "username"]
    assert [k for k, v in entry["properties"].items() if v.get("secret")] == ["password"]
    assert sorted(generated["types"]) == [
        "bandwidth:index:SipCredentialSetEntry",
        "bandwidth:index:SipCredentialSetHashes",
    ]


def test_entry_fields_change_case_but_keys_never_do() -> None:
    wire = {
        "realmId": PropertyValue("17"),
        "credentials": PropertyValue(
            {
                "desk_phone.1": PropertyValue(
                    {
                        "username": PropertyValue("desk"),
                        "password": PropertyValue("pw").with_secret(True),
                        "httpVoiceV2AppId": PropertyValue(APP_ID),
                    }
                ),
                "realmId": PropertyValue({"username": PropertyValue("odd")}),
            }
        ).with_secret(True),
        "usernames": PropertyValue({"desk_phone.1": PropertyValue("desk")}),
    }
    plain = to_plain(wire, SIP_CREDENTIAL_SET)
    assert plain == {
        "realm_id": "17",
        "credentials": {
            "desk_phone.1": {"username": "desk", "password": "pw", "http_voice_v2_app_id": APP_ID},
            "realmId": {"username": "odd"},
        },
        "usernames": {"desk_phone.1": "desk"},
    }
    back = to_wire({**plain, "adopt": None}, SIP_CREDENTIAL_SET.secrets, SIP_CREDENTIAL_SET)
    assert set(back) == {"realmId", "credentials", "usernames"}
    assert back["credentials"].is_secret and not back["usernames"].is_secret
    entries = cast(Any, back["credentials"].value)
    assert set(entries) == {"desk_phone.1", "realmId"}
    assert set(entries["desk_phone.1"].value) == {"username", "password", "httpVoiceV2AppId"}


def test_an_unknown_map_or_entry_passes_unchanged() -> None:
    props = {"credentials": {"k": UNKNOWN}, "hashes": UNKNOWN}
    assert to_plain(to_wire(props, (), SIP_CREDENTIAL_SET), SIP_CREDENTIAL_SET) == props


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("realm_id", "realmId"),
        ('credentials["a_b.c"]', 'credentials["a_b.c"]'),
        ('credentials["x\\"]y"].http_voice_v2_app_id', 'credentials["x\\"]y"].httpVoiceV2AppId'),
        ("items[0].some_name", "items[0].someName"),
    ],
)
def test_paths_name_properties_in_camel_case_and_keys_as_written(path: str, expected: str) -> None:
    assert camel_path(path) == expected


def test_messages_leave_quoted_keys_alone() -> None:
    names = schema.property_names(SIP_CREDENTIAL_SET)
    assert "http_voice_v2_app_id" in names
    text = 'credentials["realm_id"].http_voice_v2_app_id: bad; realm_id too'
    assert camel_text(text, names) == 'credentials["realm_id"].httpVoiceV2AppId: bad; realmId too'


class _NoOps:
    """Operations that are never called (the detailed diff needs only the definition)."""


def served() -> Served:
    return Served(SIP_CREDENTIAL_SET_KIND, cast(Operations, _NoOps()))


def entry(username: str, password: str = "pw") -> dict[str, str]:  # noqa: S107 (a test's)
    return {"username": username, "password": password}


def test_the_detailed_diff_names_each_changed_entry() -> None:
    olds = {
        "realm": "r.example.com",
        "credentials": {"a": entry("a"), "b": entry("b"), "c": entry("c")},
    }
    news = {
        "realm": "r.example.com",
        "credentials": {"a": entry("a", "new"), "c": entry("c2"), "d_1": entry("d")},
    }
    detailed = _detailed_diff(served(), plan(olds, news), olds, news)
    assert {k: v.kind for k, v in detailed.items()} == {
        'credentials["a"]': PropertyDiffKind.UPDATE,
        'credentials["b"]': PropertyDiffKind.DELETE,
        'credentials["c"]': PropertyDiffKind.UPDATE,  # a new credential, not a new set
        'credentials["d_1"]': PropertyDiffKind.ADD,
    }
    assert all(v.input_diff for v in detailed.values())


def test_without_paths_the_changed_properties_are_the_diff() -> None:
    olds = {"realm": "r.example.com", "credentials": {"a": entry("a")}}
    moved = {**olds, "realm_id": "17"}
    detailed = _detailed_diff(served(), plan(olds, moved), olds, moved)
    assert {k: v.kind for k, v in detailed.items()} == {"realmId": PropertyDiffKind.ADD_REPLACE}
    bare = Plan(changes=True, changed=["realm"])
    assert Plan(changes=False).paths() == {}
    assert set(_detailed_diff(served(), bare, olds, {**olds, "realm": "s"})) == {"realm"}


def test_the_set_previews_its_own_outputs() -> None:
    assert not isinstance(_NoOps(), Previews)

    class WithPreview:
        def preview(self, olds: Any, news: Any) -> Any:
            return {"usernames": {"k": "from the operations"}}

    kind = Served(SIP_CREDENTIAL_SET_KIND, cast(Operations, WithPreview()))
    assert kind.preview({"credentials": {}}) == {"usernames": {"k": "from the operations"}}
