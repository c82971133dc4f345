"""Check and diff rules of SipRealm and of realm-scoped SipCredentials: pure, no API."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from bw_pulumi.api.errors import InvalidInputError
from bw_pulumi.resources.sip_credential.operations import CredentialOperations
from bw_pulumi.resources.sip_realm.operations import RealmOperations
from bw_pulumi.resources.sip_realm.rules import realm_name_in, validate_realm_name


def no_api() -> Any:
    raise AssertionError("check and diff must not call the API")


realms = RealmOperations(no_api)
credentials = CredentialOperations(no_api)
FQDN = "office-1a2b3c4d.auth.bandwidth.com"


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "must not be empty"),
        ("x" * 31, "at most 30"),
        ("has space", "letters, digits and '-'"),
        ("-office", "not start or end with '-'"),
        ("office.hq", "letters, digits and '-'"),
    ],
)
def test_realm_name_rules(name: str, rule: str) -> None:
    with pytest.raises(InvalidInputError, match=rule) as caught:
        validate_realm_name(name)
    assert caught.value.field == "name"


@pytest.mark.parametrize(
    ("fqdn", "name"),
    [
        ("office-1a2b3c4d.auth.bandwidth.com", "office"),
        ("east-hq-2-0f0f0f0f.auth.bandwidth.com", "east-hq-2"),
        ("custxx.auth.bandwidth.com", None),  # an account's own realm: not from the API
        ("office-1a2b3c4d.auth.example.com", None),
        ("-1a2b3c4d.auth.bandwidth.com", None),
    ],
)
def test_the_realm_name_in_an_fqdn(fqdn: str, name: str | None) -> None:
    assert realm_name_in(fqdn) == name


def test_realm_check_names_each_bad_field() -> None:
    checked = realms.check({}, {"name": "bad name", "description": 7, "default": "yes"})
    assert {f.property for f in checked.failures} == {"name", "description", "default"}
    assert realms.check({}, {}).failures[0].reason == "name: is required"


def test_realm_check_refuses_turning_default_off_and_says_how() -> None:
    checked = realms.check({"name": "a", "default": True}, {"name": "a", "default": False})
    [failure] = checked.failures
    assert failure.property == "default"
    assert "make another realm the default" in failure.reason


def test_realm_check_lets_default_be_left_out_or_promoted() -> None:
    assert realms.check({"name": "a", "default": True}, {"name": "a"}).failures == []
    assert realms.check({"name": "a"}, {"name": "a", "default": True}).failures == []
    assert realms.check({}, {"name": UNKNOWN, "description": UNKNOWN}).failures == []


def state(**extra: Any) -> dict[str, Any]:
    return {"name": "office", "description": "HQ", "default": False, "status": "ACTIVE", **extra}


@pytest.mark.parametrize(
    ("news", "changes", "replaces"),
    [
        ({"name": "office", "description": "HQ"}, False, []),
        ({"name": "office", "description": "HQ", "default": False}, False, []),
        ({"name": "office", "description": "HQ phones"}, True, []),
        ({"name": "office"}, True, []),
        ({"name": "office", "description": "HQ", "default": True}, True, []),
        ({"name": "branch", "description": "HQ"}, True, ["name"]),
    ],
)
def test_realm_diff(news: dict[str, Any], changes: bool, replaces: list[str]) -> None:
    plan = realms.diff(state(), news)
    assert (plan.changes, plan.replaces) == (changes, replaces)


def test_realm_diff_never_demotes_a_default_realm() -> None:
    plan = realms.diff(state(default=True), {"name": "office", "description": "HQ"})
    assert plan.changes is False


def test_a_realm_that_failed_or_is_being_deleted_is_replaced() -> None:
    plan = realms.diff(state(status="DELETE_PENDING"), {"name": "office", "description": "HQ"})
    assert plan.replaces == ["status"]
    assert plan.delete_before_replace is True


def test_realm_name_case_change_deletes_first() -> None:
    plan = realms.diff(state(), {"name": "Office", "description": "HQ"})
    assert plan.replaces == ["name"]
    assert plan.delete_before_replace is True


def inputs(**extra: Any) -> dict[str, Any]:
    return {"username": "ext100", "password": "pw", "realm": FQDN, "realm_id": "101", **extra}


def test_a_realm_scoped_credential_has_no_domain() -> None:
    [failure] = credentials.check({}, inputs(domain="x.com")).failures
    assert failure.property == "domain"
    assert "realm-scoped" in failure.reason


def test_realm_id_must_be_a_plain_id() -> None:
    [failure] = credentials.check({}, inputs(realm_id="1/2")).failures
    assert failure.property == "realm_id"


def created(**extra: Any) -> dict[str, Any]:
    from bw_pulumi.resources.sip_credential.rules import compute_hashes

    hashes = compute_hashes("ext100", "pw", FQDN)
    return {**inputs(), "hash1": hashes.hash1, "hash1b": hashes.hash1b, **extra}


@pytest.mark.parametrize(
    ("change", "replaces", "delete_first"),
    [
        ({"password": "new"}, [], False),
        ({"realm_id": "102"}, ["realm_id"], False),
        ({"realm_id": UNKNOWN}, ["realm_id"], False),
        ({"username": "ext200"}, ["username"], False),
        ({"username": "EXT100"}, ["username"], True),
        ({"realm_id": None}, ["realm_id"], False),
    ],
)
def test_realm_scoped_diff(change: dict[str, Any], replaces: list[str], delete_first: bool) -> None:
    plan = credentials.diff(created(), {**inputs(), **change})
    assert plan.changes is True
    assert plan.replaces == replaces
    assert plan.delete_before_replace is delete_first


def test_unknowns_as_the_sdk_hands_them_pass_check() -> None:
    unknown = Unknown()
    checked = credentials.check({}, inputs(realm=unknown, realm_id=unknown))
    assert checked.failures == []
    assert realms.check({}, {"name": unknown, "default": unknown}).failures == []
    assert credentials.diff(created(), inputs(realm_id=unknown)).replaces == ["realm_id"]


def test_realm_scoped_diff_no_change() -> None:
    assert credentials.diff(created(credential_id="5", last_write=1.0), inputs()).changes is False
