"""The sandbox's Python API and JSON control routes for the realms API: what tests in
other modules and e2e runs in another process use to steer it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
import requests

from tests.support.sandbox_http import BASIC, H1, H1B, JSON, XML, FakeClock, realms_url, web

from bw_pulumi.sandbox import RealmSettings, Sandbox

NEW_H1 = "3" * 32


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def box(clock: FakeClock) -> Iterator[Sandbox]:
    sb = Sandbox(clock=clock)
    with sb.running():
        yield sb


def control(sb: Sandbox, route: str) -> str:
    return sb.base_url.removesuffix("/api") + "/_sandbox/" + route


def api_status(sb: Sandbox, *parts: str) -> int:
    return web("GET", realms_url(sb, *parts), auth=BASIC).status_code


# -- Python API ---------------------------------------------------------------------------


def test_out_of_band_realms(box: Sandbox) -> None:
    office = box.add_realm_out_of_band("office", description="HQ")
    branch = box.add_realm_out_of_band("branch")
    assert (office.id, office.default, office.status, office.description) == (
        "101",
        True,
        "ACTIVE",
        "HQ",
    )
    assert branch.default is False
    box.make_default_realm_out_of_band("branch")
    box.set_realm_description_out_of_band("101", None)
    assert [(r.name, r.default, r.description) for r in box.api_realms()] == [
        ("office", False, None),
        ("branch", True, None),
    ]
    assert box.api_realm("BRANCH") == box.api_realms()[1]
    assert box.api_realm("nope") is None
    assert box.writes == 0  # out-of-band changes are not API writes
    with pytest.raises(ValueError, match="1-30 characters"):
        box.add_realm_out_of_band("bad_name")
    with pytest.raises(ValueError, match="already exists"):
        box.add_realm_out_of_band("OFFICE")


def test_deleting_the_default_out_of_band_passes_the_default_on(box: Sandbox) -> None:
    box.add_realm_out_of_band("office")
    box.add_realm_out_of_band("branch")
    box.add_realm_credential_out_of_band("101", "ext100", H1, H1B)
    assert box.delete_realm_out_of_band("office") is True  # default, with credentials
    assert box.delete_realm_out_of_band("office") is False
    assert [(r.name, r.default) for r in box.api_realms()] == [("branch", True)]
    with pytest.raises(KeyError):
        box.realm_credentials("101")


def test_pinned_status(box: Sandbox) -> None:
    realm = box.add_realm_out_of_band("office")
    box.pin_realm_status_out_of_band(realm.id, "DELETE_FAILED")
    assert api_status(box, realm.id) == 200
    record = box.api_realm(realm.id)
    assert record is not None and record.status == "DELETE_FAILED"
    box.pin_realm_status_out_of_band(realm.id, None)
    record = box.api_realm(realm.id)
    assert record is not None and record.status == "ACTIVE"
    with pytest.raises(ValueError, match="status must be one of"):
        box.pin_realm_status_out_of_band(realm.id, "GONE")  # type: ignore[arg-type]


def test_out_of_band_credentials(box: Sandbox) -> None:
    realm = box.add_realm_out_of_band("office")
    added = box.add_realm_credential_out_of_band(realm.id, "ext100", H1, H1B)
    assert (added.id, added.realm_id, added.realm) == ("50001", realm.id, realm.fqdn)
    assert H1 not in repr(added) and H1B not in repr(added)  # hashes are secrets
    tampered = box.put_realm_credential_out_of_band(dataclasses.replace(added, hash1=NEW_H1))
    assert tampered.hash1 == NEW_H1
    assert box.realm_credentials(realm.id) == [tampered]
    got = web("GET", realms_url(box, realm.id, "sipcredentials", added.id), auth=BASIC)
    assert f"<Hash1>{NEW_H1}</Hash1>" in got.text
    assert box.writes == 0
    with pytest.raises(ValueError, match="already exists"):
        box.add_realm_credential_out_of_band(realm.id, "EXT100", H1, H1B)
    with pytest.raises(ValueError, match="23014"):
        box.add_realm_credential_out_of_band(realm.id, "a:b", H1, H1B)
    with pytest.raises(KeyError):
        box.put_realm_credential_out_of_band(dataclasses.replace(added, id="59999"))
    assert box.delete_realm_credential_out_of_band(realm.id, added.id) is True
    assert box.delete_realm_credential_out_of_band(realm.id, added.id) is False
    assert api_status(box, realm.id, "sipcredentials", added.id) == 404


def test_settings_validation(box: Sandbox) -> None:
    assert box.realm_settings == RealmSettings()
    box.set_realm_timing(activation_seconds=5)
    box.set_realm_timing(deletion_seconds=7)
    assert (box.realm_settings.activation_seconds, box.realm_settings.deletion_seconds) == (5, 7)
    with pytest.raises(ValueError, match="activation_seconds"):
        box.set_realm_timing(activation_seconds=-1)
    with pytest.raises(ValueError, match="read_lag_seconds"):
        box.set_read_lag(float("nan"))
    with pytest.raises(ValueError, match="username_echo_case"):
        box.set_username_echo_case("title")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="failing_realm_creations"):
        box.fail_next_realm_creations(-1)


def test_fail_next_counts_down(box: Sandbox) -> None:
    box.fail_next_realm_creations(2)
    body = "<Realm><Realm>{}</Realm><Default>false</Default></Realm>"
    for name in ("a", "b", "c"):
        response = web("POST", realms_url(box), data=body.format(name), headers=XML, auth=BASIC)
        assert response.status_code == 201
    assert [r.status for r in box.api_realms()] == ["CREATE_FAILED", "CREATE_FAILED", "ACTIVE"]
    assert box.realm_settings.failing_realm_creations == 0


# -- control endpoint ---------------------------------------------------------------------


def test_control_settings(box: Sandbox, clock: FakeClock) -> None:
    assert web("GET", control(box, "realm-settings")).json() == RealmSettings().to_json()
    changed = web(
        "PATCH",
        control(box, "realm-settings"),
        json={
            "activation_seconds": 30,
            "read_lag_seconds": 2.5,
            "username_echo_case": "swapcase",
            "failing_realm_creations": 1,
        },
    )
    assert changed.status_code == 200
    assert changed.json()["activation_seconds"] == 30
    settings = box.realm_settings
    assert (settings.read_lag_seconds, settings.username_echo_case) == (2.5, "swapcase")
    assert settings.deletion_seconds == 0  # untouched
    off = web("PATCH", control(box, "realm-settings"), json={"sip_credentials_enabled": False})
    assert off.json()["sip_credentials_enabled"] is False
    assert api_status(box) == 403


@pytest.mark.parametrize(
    "body",
    [
        {"activation_seconds": -1},
        {"activation_seconds": "5"},
        {"sip_credentials_enabled": "no"},
        {"username_echo_case": "title"},
        {"failing_realm_creations": 1.5},
        {"read_lag": 3},
        [1],
    ],
)
def test_control_bad_settings_are_400(box: Sandbox, body: object) -> None:
    response = web("PATCH", control(box, "realm-settings"), json=body)
    assert response.status_code == 400
    assert response.json()["error"]
    assert box.realm_settings == RealmSettings()


def test_control_realms(box: Sandbox) -> None:
    added = web("POST", control(box, "api-realms"), json={"name": "office", "description": "HQ"})
    assert added.status_code == 201
    assert added.json()["fqdn"].startswith("office-")
    web("POST", control(box, "api-realms"), json={"name": "branch", "default": False})
    listed = web("GET", control(box, "api-realms")).json()["realms"]
    assert [(r["id"], r["name"], r["default"]) for r in listed] == [
        ("101", "office", True),
        ("102", "branch", False),
    ]
    patched = web(
        "PATCH",
        control(box, "api-realms/branch"),
        json={"description": "drifted", "default": True, "pinned_status": "CREATE_PENDING"},
    )
    assert patched.status_code == 200
    assert (patched.json()["description"], patched.json()["default"]) == ("drifted", True)
    assert patched.json()["status"] == "CREATE_PENDING"
    assert web("GET", control(box, "api-realms/101")).json()["default"] is False
    refused = web("PATCH", control(box, "api-realms/101"), json={"default": False})
    assert refused.status_code == 400
    assert web("DELETE", control(box, "api-realms/branch"), headers=JSON).status_code == 200
    assert web("GET", control(box, "api-realms/branch")).status_code == 404
    assert web("DELETE", control(box, "api-realms/branch"), headers=JSON).status_code == 404
    assert web("POST", control(box, "api-realms"), json={"name": "-x"}).status_code == 400
    assert box.writes == 0


def test_control_realm_credentials(box: Sandbox) -> None:
    web("POST", control(box, "api-realms"), json={"name": "office"})
    route = control(box, "api-realms/101/credentials")
    added = web("POST", route, json={"user_name": "ext100", "hash1": H1, "hash1b": H1B})
    assert added.status_code == 201
    assert added.json()["id"] == "50001"
    listed = web("GET", route).json()["credentials"]
    assert [(c["user_name"], c["hash1"]) for c in listed] == [("ext100", H1)]
    tampered = web("PUT", route + "/50001", json={"hash1": NEW_H1})
    assert tampered.status_code == 200
    assert (tampered.json()["hash1"], tampered.json()["hash1b"]) == (NEW_H1, H1B)
    assert box.realm_credentials("101")[0].hash1 == NEW_H1
    assert web("PUT", route + "/59999", json={"hash1": NEW_H1}).status_code == 404
    assert web("PUT", route + "/50001", json={"password": "x"}).status_code == 400
    assert (
        web("POST", route, json={"user_name": "a:b", "hash1": H1, "hash1b": H1B}).status_code == 400
    )
    assert web("GET", control(box, "api-realms/999/credentials")).status_code == 404
    assert web("DELETE", route + "/50001", headers=JSON).status_code == 200
    assert web("DELETE", route + "/50001", headers=JSON).status_code == 404
    assert box.realm_credentials("101") == []


def test_snapshot_and_reset(box: Sandbox) -> None:
    realm = box.add_realm_out_of_band("office")
    box.add_realm_credential_out_of_band(realm.id, "ext100", H1, H1B)
    box.set_read_lag(4)
    state = web("GET", control(box, "state")).json()
    (listed,) = state["api_realms"]
    assert (listed["name"], listed["status"], listed["sip_credential_count"]) == (
        "office",
        "ACTIVE",
        1,
    )
    assert [c["hash1"] for c in listed["credentials"]] == [H1]
    assert state["realm_settings"]["read_lag_seconds"] == 4
    assert web("POST", control(box, "reset"), headers=JSON).status_code == 200
    state = web("GET", control(box, "state")).json()
    assert (state["api_realms"], state["realm_settings"]) == ([], RealmSettings().to_json())


def test_unknown_realm_control_routes_are_404(box: Sandbox) -> None:
    assert web("GET", control(box, "api-realms/1/2/3/4")).status_code == 404
    assert web("GET", control(box, "api-realmsx")).status_code == 404
    assert web("GET", control(box, "realm-settings/101")).status_code == 404
    assert web("GET", control(box, "api-realms/")).status_code == 404
    assert web("DELETE", control(box, "realm-settings"), headers=JSON).status_code == 404


def test_lag_set_over_control_applies_to_api_reads(box: Sandbox, clock: FakeClock) -> None:
    """The lag set over the control endpoint applies to API reads, on the sandbox clock."""
    web("PATCH", control(box, "realm-settings"), json={"read_lag_seconds": 3})
    box.add_realm_out_of_band("office")
    body = (
        f"<SipCredentials><SipCredential><UserName>ext100</UserName><Hash1>{H1}</Hash1>"
        f"<Hash1b>{H1B}</Hash1b></SipCredential></SipCredentials>"
    )
    with requests.Session() as http:
        http.auth = BASIC
        created = http.post(realms_url(box, "101", "sipcredentials"), data=body, headers=XML)
        assert created.status_code == 201
        assert http.get(realms_url(box, "101", "sipcredentials", "50001")).status_code == 404
        clock.advance(3)
        assert http.get(realms_url(box, "101", "sipcredentials", "50001")).status_code == 200
