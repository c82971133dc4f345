"""The sandbox's realms API and realm-scoped credentials, against the reference
(section "Realms and realm-scoped credentials") and the choices in
``bw_pulumi/sandbox/realms/`` (``store.py``, ``rules.py`` and ``routes.py``).

Plain ``requests`` and raw XML only; the clock is injected, nothing sleeps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import pytest
import requests
from sandbox_http import (
    ACCOUNT,
    BASIC,
    CLIENT,
    H1,
    H1B,
    XML,
    FakeClock,
    creds_url,
    realms_url,
    web,
)

from bw_pulumi.sandbox import DEFAULT_REALM, Fault, RealmStatus, Sandbox

APP_ID = "1b7d4d6a-3f3e-4c55-9c1e-5b2f6f0f9a11"
NEW_H1 = "1" * 32
NEW_H1B = "2" * 32


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def box(clock: FakeClock) -> Iterator[Sandbox]:
    sb = Sandbox(clock=clock)
    with sb.running():
        yield sb


@pytest.fixture
def http(box: Sandbox) -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.auth = BASIC
        yield session


# -- helpers ----------------------------------------------------------------------------


def parse(response: requests.Response) -> Element:
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    root: Element = SafeET.fromstring(response.content)
    return root


def fields(element: Element | None) -> dict[str, str]:
    assert element is not None
    return {child.tag: child.text or "" for child in element}


def tags(element: Element | None) -> list[str]:
    assert element is not None
    return [child.tag for child in element]


def realm_body(name: str | None, default: str | None = "false", description: str = "") -> str:
    inner = "" if name is None else f"<Realm>{name}</Realm>"
    inner += description
    inner += "" if default is None else f"<Default>{default}</Default>"
    return f"<Realm>{inner}</Realm>"


def create_realm(
    http: requests.Session, sb: Sandbox, name: str, default: str = "false", description: str = ""
) -> requests.Response:
    return http.post(realms_url(sb), data=realm_body(name, default, description), headers=XML)


def put_realm(http: requests.Session, sb: Sandbox, ref: str, body: str) -> requests.Response:
    return http.put(realms_url(sb, ref), data=body, headers=XML)


def realm_of(response: requests.Response) -> dict[str, str]:
    root = parse(response)
    assert root.tag == "RealmResponse"
    return fields(root.find("Realm"))


def new_realm(http: requests.Session, sb: Sandbox, name: str, default: str = "false") -> str:
    """Create a realm through the API; returns its id (active on the next read)."""
    response = create_realm(http, sb, name, default)
    assert response.status_code == 201, response.text
    return realm_of(response)["Id"]


def status(http: requests.Session, sb: Sandbox, ref: str) -> str:
    response = http.get(realms_url(sb, ref))
    assert response.status_code == 200, response.text
    return realm_of(response)["Status"]


def entry(
    user: str | None, hash1: str | None = H1, hash1b: str | None = H1B, extra: str = ""
) -> str:
    parts = [("UserName", user), ("Hash1", hash1), ("Hash1b", hash1b)]
    inner = "".join(f"<{tag}>{value}</{tag}>" for tag, value in parts if value is not None)
    return f"<SipCredential>{inner}{extra}</SipCredential>"


def create_creds(
    http: requests.Session, sb: Sandbox, realm_id: str, *entries: str
) -> requests.Response:
    body = f"<SipCredentials>{''.join(entries)}</SipCredentials>"
    return http.post(realms_url(sb, realm_id, "sipcredentials"), data=body, headers=XML)


def new_cred(http: requests.Session, sb: Sandbox, realm_id: str, user: str) -> str:
    response = create_creds(http, sb, realm_id, entry(user))
    assert response.status_code == 201, response.text
    return fields(parse(response).find("ValidSipCredentials/SipCredential"))["Id"]


def cred_url(sb: Sandbox, realm_id: str, cred_id: str) -> str:
    return realms_url(sb, realm_id, "sipcredentials", cred_id)


def put_cred(
    http: requests.Session, sb: Sandbox, realm_id: str, cred_id: str, inner: str
) -> requests.Response:
    body = f"<SipCredential>{inner}</SipCredential>"
    return http.put(cred_url(sb, realm_id, cred_id), data=body, headers=XML)


def error_codes(root: Element) -> list[str]:
    return [e.findtext("ErrorCode", "") for e in root.findall("Errors/Error")]


def assert_envelope_without_code(response: requests.Response, status: int, root_tag: str) -> str:
    """Bandwidth's XML envelope with ``ResponseStatus/Description`` and no ErrorCode."""
    assert response.status_code == status, response.text
    root = parse(response)
    assert root.tag == root_tag
    assert root.find("ResponseStatus/ErrorCode") is None
    description = root.findtext("ResponseStatus/Description")
    assert description
    return description


def assert_code(response: requests.Response, status: int, root_tag: str, code: str) -> str:
    assert response.status_code == status, response.text
    root = parse(response)
    assert root.tag == root_tag
    assert root.findtext("ResponseStatus/ErrorCode") == code
    return root.findtext("ResponseStatus/Description", "")


# -- realms: create ----------------------------------------------------------------------


def test_create_answers_pending_with_the_fqdn(http: requests.Session, box: Sandbox) -> None:
    response = create_realm(http, box, "Office", "false", "<Description>HQ phones</Description>")
    assert response.status_code == 201
    root = parse(response)
    realm = root.find("Realm")
    assert tags(realm) == [
        "Id",
        "Realm",
        "Description",
        "Default",
        "SipCredentialCount",
        "Status",
    ]
    answered = fields(realm)
    assert answered["Id"] == "101"
    assert re.fullmatch(r"office-[0-9a-f]{8}\.auth\.bandwidth\.com", answered["Realm"])
    assert answered["Description"] == "HQ phones"
    assert (answered["SipCredentialCount"], answered["Status"]) == ("0", "CREATE_PENDING")
    assert box.writes == 1
    assert [r.fqdn for r in box.api_realms()] == [answered["Realm"]]


def test_fqdn_depends_on_the_account_not_only_the_name() -> None:
    """A client cannot build the FQDN from the name and a fixed suffix."""
    fqdns = []
    for account in ("9900000", "42"):
        sb = Sandbox(account_id=account)
        fqdns.append(sb.add_realm_out_of_band("office").fqdn)
    assert fqdns[0] != fqdns[1]
    assert all(f.startswith("office-") and f.endswith(".auth.bandwidth.com") for f in fqdns)


def test_first_realm_is_default_whatever_default_says(http: requests.Session, box: Sandbox) -> None:
    assert realm_of(create_realm(http, box, "first", "false"))["Default"] == "true"
    assert realm_of(create_realm(http, box, "second", "false"))["Default"] == "false"
    assert realm_of(create_realm(http, box, "third", "true"))["Default"] == "true"
    assert [(r.name, r.default) for r in box.api_realms()] == [
        ("first", False),
        ("second", False),
        ("third", True),
    ]


def test_ids_are_numeric_and_distinct_from_credential_ids(
    http: requests.Session, box: Sandbox
) -> None:
    assert [new_realm(http, box, "a"), new_realm(http, box, "b")] == ["101", "102"]
    assert new_cred(http, box, "101", "ext100") == "50001"


@pytest.mark.parametrize(
    "name", ["-office", "office-", "of_fice", "of.fice", "of fice", "x" * 31, "büro", " office"]
)
def test_bad_realm_name_is_400_naming_the_rule(
    http: requests.Session, box: Sandbox, name: str
) -> None:
    description = assert_envelope_without_code(create_realm(http, box, name), 400, "RealmResponse")
    assert "1-30 characters of letters, digits and '-'" in description
    assert box.api_realms() == []
    assert box.writes == 0


@pytest.mark.parametrize("name", ["a", "x" * 30, "A-1", "123", "o-f-f"])
def test_accepted_realm_names(http: requests.Session, box: Sandbox, name: str) -> None:
    assert create_realm(http, box, name).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        realm_body(None),
        realm_body(""),
        realm_body("office", default=None),
        realm_body("office", default=""),
    ],
)
def test_realm_and_default_are_required_1003(
    http: requests.Session, box: Sandbox, body: str
) -> None:
    response = http.post(realms_url(box), data=body, headers=XML)
    assert_code(response, 400, "RealmResponse", "1003")
    assert box.api_realms() == []


def test_default_must_be_true_or_false(http: requests.Session, box: Sandbox) -> None:
    response = create_realm(http, box, "office", default="yes")
    assert "Default must be true or false" in assert_envelope_without_code(
        response, 400, "RealmResponse"
    )


def test_duplicate_name_is_400_33002_case_insensitive(http: requests.Session, box: Sandbox) -> None:
    """33002: the code issue 16 reports from the live API for a name already in use."""
    new_realm(http, box, "office")
    response = create_realm(http, box, "OFFICE")
    assert "already exists" in assert_code(response, 400, "RealmResponse", "33002")
    assert len(box.api_realms()) == 1
    assert box.writes == 1


@pytest.mark.parametrize("body", ["<Realm><Realm>x</Realm>", "<Realms/>", "", "not xml"])
def test_bad_realm_body_is_400(http: requests.Session, box: Sandbox, body: str) -> None:
    response = http.post(realms_url(box), data=body, headers=XML)
    assert_envelope_without_code(response, 400, "RealmResponse")


def test_realm_body_must_be_declared_xml(http: requests.Session, box: Sandbox) -> None:
    response = http.post(
        realms_url(box), data=realm_body("office"), headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert box.api_realms() == []


# -- realms: status over time ----------------------------------------------------------------


def test_activation_is_immediate_by_default(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    assert status(http, box, realm_id) == "ACTIVE"


def test_activation_delay_follows_the_clock(
    http: requests.Session, box: Sandbox, clock: FakeClock
) -> None:
    box.set_realm_timing(activation_seconds=30)
    realm_id = new_realm(http, box, "office")
    assert status(http, box, realm_id) == "CREATE_PENDING"
    clock.advance(29.9)
    assert status(http, box, realm_id) == "CREATE_PENDING"
    clock.advance(0.1)
    assert status(http, box, realm_id) == "ACTIVE"


def test_failed_creation_turns_create_failed(
    http: requests.Session, box: Sandbox, clock: FakeClock
) -> None:
    box.set_realm_timing(activation_seconds=5)
    box.fail_next_realm_creations(1)
    failing = create_realm(http, box, "doomed")
    assert failing.status_code == 201
    assert realm_of(failing)["Status"] == "CREATE_PENDING"
    fine = new_realm(http, box, "fine")
    clock.advance(5)
    assert status(http, box, "doomed") == "CREATE_FAILED"
    assert status(http, box, fine) == "ACTIVE"


def test_realm_list(http: requests.Session, box: Sandbox, clock: FakeClock) -> None:
    empty = http.get(realms_url(box))
    assert empty.status_code == 200
    root = parse(empty)
    assert root.tag == "RealmsResponse"
    assert root.findall("Realms/Realm") == []
    box.set_realm_timing(activation_seconds=10)
    new_realm(http, box, "alpha")
    new_realm(http, box, "beta")
    listed = parse(http.get(realms_url(box))).findall("Realms/Realm")
    assert [(fields(r)["Id"], fields(r)["Status"]) for r in listed] == [
        ("101", "CREATE_PENDING"),
        ("102", "CREATE_PENDING"),
    ]
    clock.advance(10)
    listed = parse(http.get(realms_url(box))).findall("Realms/Realm")
    assert [fields(r)["Status"] for r in listed] == ["ACTIVE", "ACTIVE"]


@pytest.mark.parametrize("ref", ["101", "office", "OFFICE", "Office"])
def test_get_realm_by_id_or_name(http: requests.Session, box: Sandbox, ref: str) -> None:
    new_realm(http, box, "Office")
    response = http.get(realms_url(box, ref))
    assert response.status_code == 200
    assert realm_of(response)["Id"] == "101"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_missing_realm_is_404_without_error_code(
    http: requests.Session, box: Sandbox, method: str
) -> None:
    response = http.request(method, realms_url(box, "999"), data=realm_body("x"), headers=XML)
    assert "999" in assert_envelope_without_code(response, 404, "RealmResponse")


# -- realms: update ---------------------------------------------------------------------------


def test_put_is_a_full_replace(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    body = realm_body("office", "true", "<Description>HQ</Description>")
    response = put_realm(http, box, realm_id, body)
    assert response.status_code == 200
    assert realm_of(response)["Description"] == "HQ"
    assert realm_of(response)["Status"] == "ACTIVE"
    cleared = put_realm(http, box, realm_id, realm_body("office", "true"))
    assert realm_of(cleared)["Description"] == ""
    record = box.api_realm(realm_id)
    assert record is not None
    assert record.description is None
    assert box.writes == 3  # create + two PUTs (even a PUT that changes little is a write)


def test_put_default_true_moves_the_default(http: requests.Session, box: Sandbox) -> None:
    first = new_realm(http, box, "first")
    second = new_realm(http, box, "second")
    response = put_realm(http, box, second, realm_body("second", "true"))
    assert realm_of(response)["Default"] == "true"
    assert realm_of(http.get(realms_url(box, first)))["Default"] == "false"
    again = put_realm(http, box, first, realm_body("first", "false"))  # not default: fine
    assert again.status_code == 200


def test_put_default_false_on_the_default_is_refused(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    response = put_realm(http, box, realm_id, realm_body("office", "false"))
    description = assert_envelope_without_code(response, 400, "RealmResponse")
    assert "Default can only be set to true" in description
    record = box.api_realm(realm_id)
    assert record is not None
    assert record.default is True
    assert box.writes == 1


#: The request body of the "Update Realm" example in Bandwidth's OpenAPI spec, verbatim.
SPEC_PUT_EXAMPLE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Realm>
   <Default>true</Default>
   <Description>This is realm has been updated.</Description>
</Realm>"""


def test_put_accepts_the_specs_own_example(http: requests.Session, box: Sandbox) -> None:
    """``RealmUpdateRequest`` is Default and Description only: no ``<Realm>`` in it."""
    new_realm(http, box, "first")
    realm_id = new_realm(http, box, "office")
    response = put_realm(http, box, realm_id, SPEC_PUT_EXAMPLE)
    assert response.status_code == 200, response.text
    updated = realm_of(response)
    assert updated["Default"] == "true"
    assert updated["Description"] == "This is realm has been updated."
    assert box.writes == 3


def test_put_without_default_keeps_the_flag(http: requests.Session, box: Sandbox) -> None:
    first = new_realm(http, box, "first")
    second = new_realm(http, box, "second")
    for realm_id, default in ((first, "true"), (second, "false")):
        body = "<Realm><Description>kept flag</Description></Realm>"
        response = put_realm(http, box, realm_id, body)
        assert response.status_code == 200, response.text
        assert realm_of(response)["Default"] == default
        assert realm_of(response)["Description"] == "kept flag"


def test_put_changing_the_realm_value_is_33005(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    for other in ("branch", "branch-1a2b3c4d.auth.bandwidth.com"):
        response = put_realm(http, box, realm_id, realm_body(other, "true"))
        description = assert_code(response, 400, "RealmResponse", "33005")
        assert description == "Cannot update Realm value. Instead, you must delete and recreate it."
    assert box.writes == 1


def test_put_with_the_realms_own_value_changes_nothing(
    http: requests.Session, box: Sandbox
) -> None:
    """The realm's own name or FQDN (any case) is no change: accepted, name kept."""
    realm_id = new_realm(http, box, "office")
    fqdn = box.api_realms()[0].fqdn
    for same in ("office", "OFFICE", fqdn, fqdn.upper(), ""):
        response = put_realm(http, box, realm_id, realm_body(same, "true"))
        assert response.status_code == 200, (same, response.text)
    assert box.api_realms()[0].name == "office"


def test_put_by_name(http: requests.Session, box: Sandbox) -> None:
    new_realm(http, box, "office")
    response = put_realm(
        http, box, "Office", realm_body("office", "true", "<Description>x</Description>")
    )
    assert realm_of(response)["Description"] == "x"


# -- realms: delete -------------------------------------------------------------------------


def test_delete_is_202_empty_then_gone(
    http: requests.Session, box: Sandbox, clock: FakeClock
) -> None:
    new_realm(http, box, "main")
    doomed = new_realm(http, box, "doomed")
    response = http.delete(realms_url(box, doomed))
    assert response.status_code == 202
    assert response.content == b""
    assert box.writes == 3
    assert http.get(realms_url(box, doomed)).status_code == 404  # deletion_seconds=0
    assert [r.name for r in box.api_realms()] == ["main"]


def test_deletion_delay_follows_the_clock(
    http: requests.Session, box: Sandbox, clock: FakeClock
) -> None:
    box.set_realm_timing(deletion_seconds=20)
    new_realm(http, box, "main")
    doomed = new_realm(http, box, "doomed")
    assert http.delete(realms_url(box, doomed)).status_code == 202
    assert status(http, box, doomed) == "DELETE_PENDING"
    again = http.delete(realms_url(box, doomed))
    assert (again.status_code, again.content) == (202, b"")
    assert box.writes == 3  # the second DELETE changed nothing
    refused = put_realm(http, box, doomed, realm_body("doomed", "false"))
    assert "being deleted" in assert_envelope_without_code(refused, 400, "RealmResponse")
    listed = parse(http.get(realms_url(box))).findall("Realms/Realm")
    assert (doomed, "DELETE_PENDING") in [(fields(r)["Id"], fields(r)["Status"]) for r in listed]
    clock.advance(19)
    assert status(http, box, doomed) == "DELETE_PENDING"
    clock.advance(1)
    assert_envelope_without_code(http.get(realms_url(box, doomed)), 404, "RealmResponse")
    assert create_realm(http, box, "doomed").status_code == 201  # the name is free again


def test_default_realm_cannot_be_deleted_33006(http: requests.Session, box: Sandbox) -> None:
    only = new_realm(http, box, "office")
    assert_code(http.delete(realms_url(box, only)), 400, "RealmResponse", "33006")
    other = new_realm(http, box, "branch", default="true")
    assert_code(http.delete(realms_url(box, other)), 400, "RealmResponse", "33006")
    assert http.delete(realms_url(box, only)).status_code == 202  # no longer the default
    assert box.writes == 3


def test_realm_with_credentials_cannot_be_deleted_12666(
    http: requests.Session, box: Sandbox
) -> None:
    new_realm(http, box, "main")
    realm_id = new_realm(http, box, "office")
    first = new_cred(http, box, realm_id, "ext100")
    new_cred(http, box, realm_id, "ext101")
    description = assert_code(http.delete(realms_url(box, realm_id)), 400, "RealmResponse", "12666")
    assert "2 SIP credential" in description
    assert http.delete(cred_url(box, realm_id, first)).status_code == 200
    description = assert_code(http.delete(realms_url(box, realm_id)), 400, "RealmResponse", "12666")
    assert "1 SIP credential" in description
    assert realm_of(http.get(realms_url(box, realm_id)))["SipCredentialCount"] == "1"


def test_create_failed_realm_can_be_deleted(http: requests.Session, box: Sandbox) -> None:
    new_realm(http, box, "main")
    box.fail_next_realm_creations(1)
    doomed = new_realm(http, box, "doomed")
    assert status(http, box, doomed) == "CREATE_FAILED"
    assert http.delete(realms_url(box, doomed)).status_code == 202
    assert http.get(realms_url(box, doomed)).status_code == 404


# -- the account switch (33004) ---------------------------------------------------------------


def test_disabled_account_answers_33004_everywhere(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    cred_id = new_cred(http, box, realm_id, "ext100")
    box.set_sip_credentials_enabled(False)
    attempts = [
        ("GET", realms_url(box), "", "RealmsResponse"),
        ("POST", realms_url(box), realm_body("branch"), "RealmResponse"),
        ("GET", realms_url(box, realm_id), "", "RealmResponse"),
        ("PUT", realms_url(box, realm_id), realm_body("office", "true"), "RealmResponse"),
        ("DELETE", realms_url(box, realm_id), "", "RealmResponse"),
        ("GET", realms_url(box, realm_id, "sipcredentials"), "", "SipCredentialsResponse"),
        (
            "POST",
            realms_url(box, realm_id, "sipcredentials"),
            "<SipCredentials/>",
            "SipCredentialsResponse",
        ),
        ("GET", cred_url(box, realm_id, cred_id), "", "SipCredentialResponse"),
        ("PUT", cred_url(box, realm_id, cred_id), "<SipCredential/>", "SipCredentialResponse"),
        ("DELETE", cred_url(box, realm_id, cred_id), "", "SipCredentialResponse"),
    ]
    for method, url, body, root in attempts:
        response = http.request(method, url, data=body, headers=XML)
        assert_code(response, 403, root, "33004")
    assert len(box.realm_credentials(realm_id)) == 1
    assert box.writes == 2
    # Account-level credentials are not behind the switch.
    assert http.get(creds_url(box, "nobody")).status_code == 404
    box.set_sip_credentials_enabled(True)
    assert http.get(cred_url(box, realm_id, cred_id)).status_code == 200


# -- auth, methods, paths ---------------------------------------------------------------------


def test_realm_routes_need_auth(box: Sandbox) -> None:
    assert web("GET", realms_url(box)).status_code == 401
    assert web("GET", realms_url(box), auth=("sandbox-user", "wrong")).status_code == 401
    token = web(
        "POST", box.token_url, auth=CLIENT, data={"grant_type": "client_credentials"}
    ).json()["access_token"]
    response = web("GET", realms_url(box), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert box.requests[-1].auth == "bearer"


def test_unknown_account_is_403(http: requests.Session, box: Sandbox) -> None:
    response = http.get(realms_url(box, account="1234567"))
    assert response.status_code == 403
    assert parse(response).findtext("ResponseStatus/ErrorCode") is None


def test_unsupported_methods_and_paths(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    assert http.delete(realms_url(box)).status_code == 405
    assert http.post(realms_url(box, realm_id), data="<x/>", headers=XML).status_code == 405
    assert http.patch(realms_url(box, realm_id, "sipcredentials")).status_code == 405
    assert http.post(cred_url(box, realm_id, "1"), data="<x/>", headers=XML).status_code == 405
    assert http.get(realms_url(box, realm_id, "other")).status_code == 404
    assert http.get(realms_url(box, realm_id, "sipcredentials", "1", "x")).status_code == 404
    assert http.get(realms_url(box) + "/").status_code == 404


# -- realm-scoped credentials: create ------------------------------------------------------------


def test_create_credential_shape(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    fqdn = box.api_realms()[0].fqdn
    app = f"<HttpVoiceV2AppId>{APP_ID}</HttpVoiceV2AppId>"
    response = create_creds(http, box, realm_id, entry("ext100", extra=app))
    assert response.status_code == 201
    root = parse(response)
    assert root.tag == "SipCredentialsResponse"
    assert tags(root) == ["ValidSipCredentials"]
    created = root.find("ValidSipCredentials/SipCredential")
    assert tags(created) == [
        "Id",
        "RealmId",
        "UserName",
        "Realm",
        "Hash1",
        "Hash1b",
        "HttpVoiceV2AppId",
    ]
    assert fields(created) == {
        "Id": "50001",
        "RealmId": realm_id,
        "UserName": "ext100",
        "Realm": fqdn,
        "Hash1": H1,
        "Hash1b": H1B,
        "HttpVoiceV2AppId": APP_ID,
    }
    assert box.writes == 2
    (stored,) = box.realm_credentials(realm_id)
    assert (stored.id, stored.user_name, stored.hash1, stored.realm) == (
        "50001",
        "ext100",
        H1,
        fqdn,
    )
    assert realm_of(http.get(realms_url(box, realm_id)))["SipCredentialCount"] == "1"


def test_bulk_create_with_partial_failure(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    response = create_creds(http, box, realm_id, entry("good"), entry("bad:name"), entry("Good"))
    assert response.status_code == 201
    root = parse(response)
    assert root.find("ResponseStatus") is None
    assert error_codes(root) == ["23014", "23026"]
    valid = root.findall("ValidSipCredentials/SipCredential")
    assert [fields(v)["UserName"] for v in valid] == ["good"]
    assert box.writes == 2


def test_all_invalid_is_400(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    response = create_creds(http, box, realm_id, entry("a@b"), entry("ok", hash1=None))
    assert response.status_code == 400
    root = parse(response)
    assert root.findtext("ResponseStatus/Description") == "Please check your input parameters."
    assert error_codes(root) == ["23014", "1003"]
    assert box.realm_credentials(realm_id) == []
    assert box.writes == 1


def test_duplicate_only_is_201_with_only_errors_echoing_hashes(
    http: requests.Session, box: Sandbox
) -> None:
    """LIVE-VERIFIED: 201, only <Errors>, 23026, the description echoes Hash1/Hash1b."""
    realm_id = new_realm(http, box, "office")
    new_cred(http, box, realm_id, "ext100")
    writes = box.writes
    response = create_creds(http, box, realm_id, entry("EXT100", NEW_H1, NEW_H1B))
    assert response.status_code == 201
    root = parse(response)
    assert tags(root) == ["Errors"]
    (error,) = root.findall("Errors/Error")
    assert error.findtext("ErrorCode") == "23026"
    description = error.findtext("Description", "")
    assert NEW_H1 in description and NEW_H1B in description
    assert fields(error.find("SipCredential"))["Hash1"] == NEW_H1
    assert box.writes == writes
    assert [c.hash1 for c in box.realm_credentials(realm_id)] == [H1]


def test_same_username_in_another_realm_is_fine(http: requests.Session, box: Sandbox) -> None:
    first = new_realm(http, box, "first")
    second = new_realm(http, box, "second")
    new_cred(http, box, first, "ext100")
    assert new_cred(http, box, second, "ext100") == "50002"


def test_duplicate_within_one_request(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    response = create_creds(http, box, realm_id, entry("ext100"), entry("Ext100"))
    assert response.status_code == 201
    assert error_codes(parse(response)) == ["23026"]
    assert [c.user_name for c in box.realm_credentials(realm_id)] == ["ext100"]


@pytest.mark.parametrize(
    ("submitted", "code"),
    [
        (entry(None), "1003"),
        (entry("ext100", hash1=None), "1003"),
        (entry("ext100", hash1b=None), "1003"),
        (entry("ext100", hash1="a" * 65), "23001"),
        (entry("ext:100"), "23014"),
        (entry("e" * 33), "23014"),
        (entry("ext100", extra="<Domain>somewhere.com</Domain>"), "23015"),
        (entry("ext100", extra="<Realm>custxx.auth.bandwidth.com</Realm>"), "23018"),
        (entry("ext100", extra="<HttpVoiceV2AppId>nope</HttpVoiceV2AppId>"), "23020"),
        (entry("ext100", extra="<RealmId>999</RealmId>"), "23031"),
        (entry("ext100", extra="<Password>secret</Password>"), "99001"),
    ],
)
def test_entry_rules(http: requests.Session, box: Sandbox, submitted: str, code: str) -> None:
    realm_id = new_realm(http, box, "office")
    response = create_creds(http, box, realm_id, submitted)
    assert response.status_code == 400
    assert error_codes(parse(response)) == [code]
    assert "secret" not in response.text
    assert box.realm_credentials(realm_id) == []


def test_entry_may_name_its_own_realm(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    fqdn = box.api_realms()[0].fqdn
    extra = f"<Realm>{fqdn.upper()}</Realm><RealmId>{realm_id}</RealmId><Domain/>"
    response = create_creds(http, box, realm_id, entry("ext100", extra=extra))
    assert response.status_code == 201, response.text
    assert fields(parse(response).find("ValidSipCredentials/SipCredential"))["Realm"] == fqdn


@pytest.mark.parametrize("pin", ["CREATE_PENDING", "CREATE_FAILED", "DELETE_FAILED"])
def test_inactive_realm_refuses_credentials_23022(
    http: requests.Session, box: Sandbox, pin: RealmStatus
) -> None:
    realm_id = new_realm(http, box, "office")
    box.pin_realm_status_out_of_band(realm_id, pin)
    response = create_creds(http, box, realm_id, entry("ext100"))
    assert pin in assert_code(response, 400, "SipCredentialsResponse", "23022")
    assert box.realm_credentials(realm_id) == []


def test_pending_realm_accepts_credentials_once_active(
    http: requests.Session, box: Sandbox, clock: FakeClock
) -> None:
    box.set_realm_timing(activation_seconds=60)
    realm_id = new_realm(http, box, "office")
    assert_code(
        create_creds(http, box, realm_id, entry("ext100")), 400, "SipCredentialsResponse", "23022"
    )
    clock.advance(60)
    assert create_creds(http, box, realm_id, entry("ext100")).status_code == 201


def test_create_in_missing_realm_is_404_without_code(http: requests.Session, box: Sandbox) -> None:
    new_realm(http, box, "office")
    assert_envelope_without_code(
        create_creds(http, box, "999", entry("ext100")), 404, "SipCredentialsResponse"
    )
    # Credential paths take the realm id, not its name.
    assert_envelope_without_code(
        create_creds(http, box, "office", entry("ext100")), 404, "SipCredentialsResponse"
    )


def test_username_echoed_in_another_case(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    box.set_username_echo_case("upper")
    response = create_creds(http, box, realm_id, entry("ext100a"))
    echoed = fields(parse(response).find("ValidSipCredentials/SipCredential"))
    assert echoed["UserName"] == "EXT100A"
    assert [c.user_name for c in box.realm_credentials(realm_id)] == ["EXT100A"]
    got = http.get(cred_url(box, realm_id, echoed["Id"]))
    assert fields(parse(got).find("SipCredential"))["UserName"] == "EXT100A"
    # Account-level creates are not affected.
    body = f"<SipCredentials>{entry('bob')}</SipCredentials>"
    account_level = http.post(creds_url(box), data=body, headers=XML)
    assert (
        fields(parse(account_level).find("ValidSipCredentials/SipCredential"))["UserName"] == "bob"
    )
    box.set_username_echo_case("as_sent")
    plain = create_creds(http, box, realm_id, entry("ext101b"))
    assert fields(parse(plain).find("ValidSipCredentials/SipCredential"))["UserName"] == "ext101b"


# -- realm-scoped credentials: get / put / delete ----------------------------------------------


def test_get_one_credential(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    cred_id = new_cred(http, box, realm_id, "ext100")
    response = http.get(cred_url(box, realm_id, cred_id))
    assert response.status_code == 200
    root = parse(response)
    assert root.tag == "SipCredentialResponse"
    assert fields(root.find("SipCredential")) == {
        "Id": cred_id,
        "RealmId": realm_id,
        "UserName": "ext100",
        "Realm": box.api_realms()[0].fqdn,
        "Hash1": H1,
        "Hash1b": H1B,
    }


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_missing_credential_is_404_without_code(
    http: requests.Session, box: Sandbox, method: str
) -> None:
    """LIVE-VERIFIED: the envelope with a Description and no ErrorCode."""
    first = new_realm(http, box, "first")
    second = new_realm(http, box, "second")
    cred_id = new_cred(http, box, first, "ext100")
    for realm_id, credential_id in [(first, "59999"), (second, cred_id), ("999", cred_id)]:
        response = http.request(method, cred_url(box, realm_id, credential_id))
        assert_envelope_without_code(response, 404, "SipCredentialResponse")
    assert len(box.realm_credentials(first)) == 1


def test_put_rotates_and_keeps_the_id(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    cred_id = new_cred(http, box, realm_id, "ext100")
    inner = f"<RealmId>{realm_id}</RealmId><Hash1>{NEW_H1}</Hash1><Hash1b>{NEW_H1B}</Hash1b>"
    response = put_cred(http, box, realm_id, cred_id, inner)
    assert response.status_code == 200
    echoed = fields(parse(response).find("SipCredential"))
    assert (echoed["Id"], echoed["UserName"], echoed["Hash1"], echoed["Hash1b"]) == (
        cred_id,
        "ext100",
        NEW_H1,
        NEW_H1B,
    )
    (stored,) = box.realm_credentials(realm_id)
    assert (stored.id, stored.hash1, stored.hash1b) == (cred_id, NEW_H1, NEW_H1B)
    assert box.writes == 3


def test_put_keeps_absent_fields_and_empty_app_id_unlinks(
    http: requests.Session, box: Sandbox
) -> None:
    realm_id = new_realm(http, box, "office")
    app = f"<HttpVoiceV2AppId>{APP_ID}</HttpVoiceV2AppId>"
    created = create_creds(http, box, realm_id, entry("ext100", extra=app))
    cred_id = fields(parse(created).find("ValidSipCredentials/SipCredential"))["Id"]
    put_cred(http, box, realm_id, cred_id, f"<RealmId>{realm_id}</RealmId><Hash1>{NEW_H1}</Hash1>")
    (stored,) = box.realm_credentials(realm_id)
    assert (stored.hash1, stored.hash1b, stored.http_voice_v2_app_id) == (NEW_H1, H1B, APP_ID)
    inner = f"<RealmId>{realm_id}</RealmId><Hash1>{H1}</Hash1><HttpVoiceV2AppId/>"
    assert put_cred(http, box, realm_id, cred_id, inner).status_code == 200
    assert box.realm_credentials(realm_id)[0].http_voice_v2_app_id is None


@pytest.mark.parametrize(
    ("inner", "code"),
    [
        (f"<Hash1>{NEW_H1}</Hash1>", "23031"),
        (f"<RealmId/><Hash1>{NEW_H1}</Hash1>", "23031"),
        (f"<RealmId>999</RealmId><Hash1>{NEW_H1}</Hash1>", "23031"),
        (
            f"<RealmId>{{realm}}</RealmId><UserName>ext100</UserName><Hash1>{NEW_H1}</Hash1>",
            "23030",
        ),
        (
            f"<RealmId>{{realm}}</RealmId><UserName>ext200</UserName><Hash1>{NEW_H1}</Hash1>",
            "23030",
        ),
        (f"<RealmId>{{realm}}</RealmId><UserName/><Hash1>{NEW_H1}</Hash1>", "23030"),
        ("<RealmId>{realm}</RealmId><Hash1b>x</Hash1b>", "1003"),
        ("<RealmId>{realm}</RealmId><Hash1>a b</Hash1>", "23001"),
        (f"<RealmId>{{realm}}</RealmId><Domain>x.com</Domain><Hash1>{NEW_H1}</Hash1>", "23015"),
        (
            f"<RealmId>{{realm}}</RealmId><Hash1>{NEW_H1}</Hash1><HttpVoiceV2AppId>1</HttpVoiceV2AppId>",
            "23020",
        ),
    ],
)
def test_put_rules(http: requests.Session, box: Sandbox, inner: str, code: str) -> None:
    realm_id = new_realm(http, box, "office")
    cred_id = new_cred(http, box, realm_id, "ext100")
    before = box.realm_credentials(realm_id)
    response = put_cred(http, box, realm_id, cred_id, inner.replace("{realm}", realm_id))
    assert_code(response, 400, "SipCredentialResponse", code)
    assert box.realm_credentials(realm_id) == before
    assert box.writes == 2


def test_put_missing_credential_is_404_23025(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    inner = f"<RealmId>{realm_id}</RealmId><Hash1>{NEW_H1}</Hash1>"
    assert_code(
        put_cred(http, box, realm_id, "59999", inner), 404, "SipCredentialResponse", "23025"
    )
    # A missing realm is the envelope without a code, as for GET and DELETE.
    assert_envelope_without_code(
        put_cred(http, box, "999", "59999", inner), 404, "SipCredentialResponse"
    )


def test_delete_credential(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    cred_id = new_cred(http, box, realm_id, "ext100")
    keep = new_cred(http, box, realm_id, "ext101")
    response = http.delete(cred_url(box, realm_id, cred_id))
    assert (response.status_code, response.content) == (200, b"")
    assert [c.id for c in box.realm_credentials(realm_id)] == [keep]
    assert box.writes == 4
    assert http.delete(cred_url(box, realm_id, cred_id)).status_code == 404
    assert box.writes == 4


# -- realm-scoped credentials: list ------------------------------------------------------------


def list_page(http: requests.Session, url: str) -> tuple[list[str], str | None, str]:
    response = http.get(url, allow_redirects=False)
    assert response.status_code == 200, response.text
    root = parse(response)
    assert root.tag == "SipCredentialsResponse"
    names = [fields(c)["UserName"] for c in root.findall("SipCredentials/SipCredential")]
    next_link = root.findtext("Links/next")
    next_url = None
    if next_link is not None:
        assert next_link.startswith("Link=<") and next_link.endswith('>;rel="next";')
        next_url = next_link[len("Link=<") : -len('>;rel="next";')]
    return names, next_url, root.findtext("Links/first", "")


def test_list_without_page_redirects(http: requests.Session, box: Sandbox) -> None:
    """LIVE-VERIFIED on both credential APIs: 303 to ?page=1&size=500."""
    realm_id = new_realm(http, box, "office")
    new_cred(http, box, realm_id, "ext100")
    url = realms_url(box, realm_id, "sipcredentials")
    response = http.get(url, allow_redirects=False)
    assert response.status_code == 303
    assert response.headers["Location"] == url + "?page=1&size=500"
    sized = http.get(url + "?size=2", allow_redirects=False)
    assert sized.headers["Location"] == url + "?page=1&size=2"
    followed = http.get(url)
    assert followed.status_code == 200
    assert [r.status_code for r in followed.history] == [303]


def test_list_pages_follow_next_in_id_order(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    for user in ("erin", "bob", "alice", "dave", "carol"):
        new_cred(http, box, realm_id, user)
    other = new_realm(http, box, "other")
    new_cred(http, box, other, "zed")
    base = realms_url(box, realm_id, "sipcredentials")
    url: str | None = base + "?page=1&size=2"
    pages = []
    while url is not None:
        names, url, first = list_page(http, url)
        pages.append(names)
        assert first == f'Link=<{base}?page=1&size=2>;rel="first";'
    assert pages == [["erin", "bob"], ["alice", "dave"], ["carol"]]


def test_empty_realm_lists_empty(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    url = realms_url(box, realm_id, "sipcredentials") + "?page=1&size=500"
    assert list_page(http, url)[:2] == ([], None)
    new_cred(http, box, realm_id, "ext100")
    assert list_page(http, url.replace("page=1", "page=2"))[:2] == ([], None)


def test_list_of_missing_realm_is_404(http: requests.Session, box: Sandbox) -> None:
    response = http.get(realms_url(box, "999", "sipcredentials"), allow_redirects=False)
    assert_envelope_without_code(response, 404, "SipCredentialsResponse")


@pytest.mark.parametrize("query", ["page=0", "page=x", "page=1&size=0"])
def test_list_bad_paging_is_400(http: requests.Session, box: Sandbox, query: str) -> None:
    realm_id = new_realm(http, box, "office")
    response = http.get(realms_url(box, realm_id, "sipcredentials") + "?" + query)
    assert response.status_code == 400


# -- read-after-write lag ------------------------------------------------------------------------


def test_created_credential_lags_then_appears(
    http: requests.Session, box: Sandbox, clock: FakeClock
) -> None:
    realm_id = new_realm(http, box, "office")
    box.set_read_lag(10)
    cred_id = new_cred(http, box, realm_id, "ext100")
    listing = realms_url(box, realm_id, "sipcredentials") + "?page=1"
    assert_envelope_without_code(
        http.get(cred_url(box, realm_id, cred_id)), 404, "SipCredentialResponse"
    )
    assert list_page(http, listing)[0] == []
    assert [c.id for c in box.realm_credentials(realm_id)] == [cred_id]  # stored all along
    # Writes see the current state: a duplicate is refused, the count is current.
    assert error_codes(parse(create_creds(http, box, realm_id, entry("ext100")))) == ["23026"]
    assert realm_of(http.get(realms_url(box, realm_id)))["SipCredentialCount"] == "1"
    clock.advance(9.9)
    assert http.get(cred_url(box, realm_id, cred_id)).status_code == 404
    clock.advance(0.1)
    assert http.get(cred_url(box, realm_id, cred_id)).status_code == 200
    assert list_page(http, listing)[0] == ["ext100"]


def test_updated_credential_lags_with_its_previous_hashes(
    http: requests.Session, box: Sandbox, clock: FakeClock
) -> None:
    realm_id = new_realm(http, box, "office")
    cred_id = new_cred(http, box, realm_id, "ext100")
    box.set_read_lag(5)
    inner = f"<RealmId>{realm_id}</RealmId><Hash1>{NEW_H1}</Hash1><Hash1b>{NEW_H1B}</Hash1b>"
    put = put_cred(http, box, realm_id, cred_id, inner)
    assert fields(parse(put).find("SipCredential"))["Hash1"] == NEW_H1  # the write's echo
    stale = fields(parse(http.get(cred_url(box, realm_id, cred_id))).find("SipCredential"))
    assert (stale["Hash1"], stale["Hash1b"]) == (H1, H1B)
    page = parse(http.get(realms_url(box, realm_id, "sipcredentials") + "?page=1"))
    assert [fields(c)["Hash1"] for c in page.findall("SipCredentials/SipCredential")] == [H1]
    clock.advance(5)
    fresh = fields(parse(http.get(cred_url(box, realm_id, cred_id))).find("SipCredential"))
    assert (fresh["Hash1"], fresh["Hash1b"]) == (NEW_H1, NEW_H1B)


def test_lagging_credential_can_be_updated_and_deleted(
    http: requests.Session, box: Sandbox, clock: FakeClock
) -> None:
    realm_id = new_realm(http, box, "office")
    box.set_read_lag(30)
    cred_id = new_cred(http, box, realm_id, "ext100")
    inner = f"<RealmId>{realm_id}</RealmId><Hash1>{NEW_H1}</Hash1>"
    assert put_cred(http, box, realm_id, cred_id, inner).status_code == 200
    # Before that update, the credential existed as created.
    got = http.get(cred_url(box, realm_id, cred_id))
    assert fields(parse(got).find("SipCredential"))["Hash1"] == H1
    assert http.delete(cred_url(box, realm_id, cred_id)).status_code == 200
    assert http.get(cred_url(box, realm_id, cred_id)).status_code == 404  # deletes never lag
    assert box.realm_credentials(realm_id) == []


def test_no_lag_by_default(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    cred_id = new_cred(http, box, realm_id, "ext100")
    assert http.get(cred_url(box, realm_id, cred_id)).status_code == 200


# -- shared machinery: faults, request log, writes, reset --------------------------------------


def test_faults_match_realm_paths(http: requests.Session, box: Sandbox) -> None:
    box.inject(Fault(kind="status", status=503, path_contains="/realms"))
    assert http.get(realms_url(box)).status_code == 503
    box.inject(Fault(kind="after_commit", status=500, method="POST"))
    lost = create_realm(http, box, "office")
    assert lost.status_code == 500
    assert [r.name for r in box.api_realms()] == ["office"]  # committed all the same
    realm_id = box.api_realms()[0].id
    box.inject(Fault(kind="after_commit", path_contains="/sipcredentials"))
    assert create_creds(http, box, realm_id, entry("ext100")).status_code == 500
    assert [c.user_name for c in box.realm_credentials(realm_id)] == ["ext100"]
    box.inject(Fault(kind="status", status=429, retry_after="3"))
    limited = http.get(realms_url(box, realm_id))
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "3")
    assert box.pending_faults == []


def test_request_log_records_realm_requests(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    http.get(realms_url(box, realm_id, "sipcredentials"))
    path = f"/api/accounts/{ACCOUNT}/realms"
    assert [(r.method, r.path, r.status) for r in box.requests] == [
        ("POST", path, 201),
        ("GET", f"{path}/{realm_id}/sipcredentials", 303),
        ("GET", f"{path}/{realm_id}/sipcredentials?page=1&size=500", 200),
    ]


def test_reset_forgets_realms_and_settings(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    new_cred(http, box, realm_id, "ext100")
    box.set_read_lag(5)
    box.set_sip_credentials_enabled(False)
    box.reset()
    assert box.api_realms() == []
    assert box.realm_settings.read_lag_seconds == 0
    assert box.realm_settings.sip_credentials_enabled is True
    assert http.get(realms_url(box, realm_id)).status_code == 404
    assert new_realm(http, box, "office") == "102"  # ids keep counting


# -- account-level behaviour is unchanged --------------------------------------------------------


def test_account_level_credentials_are_separate(http: requests.Session, box: Sandbox) -> None:
    realm_id = new_realm(http, box, "office")
    new_cred(http, box, realm_id, "ext100")
    fqdn = box.api_realms()[0].fqdn
    # The account-level list knows nothing of realm-scoped credentials...
    assert_code(http.get(creds_url(box)), 404, "SipCredentialsResponse", "23008")
    # ...the configured realms are unchanged, and a realms-API FQDN is not one of them.
    assert box.realms == (DEFAULT_REALM,)
    body = f"<SipCredentials>{entry('bob', extra=f'<Realm>{fqdn}</Realm>')}</SipCredentials>"
    refused = http.post(creds_url(box), data=body, headers=XML)
    assert error_codes(parse(refused)) == ["23018"]
    created = http.post(
        creds_url(box), data=f"<SipCredentials>{entry('bob')}</SipCredentials>", headers=XML
    )
    assert created.status_code == 201
    assert [c.user_name for c in box.credentials()] == ["bob"]
    assert [c.user_name for c in box.realm_credentials(realm_id)] == ["ext100"]
