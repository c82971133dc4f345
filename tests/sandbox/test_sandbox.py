"""The sandbox against the API reference (docs/reference: bandwidth-sip-api.md).

Plain ``requests`` and raw XML only: no client code from ``bw_pulumi`` is used, so these
tests check the sandbox's own reading of the reference.
"""

from __future__ import annotations

import threading
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import pytest
import requests

from tests.support.sandbox_http import ACCOUNT, BASIC, CLIENT, H1, H1B, XML, creds_url, web

from bw_pulumi.sandbox import DEFAULT_REALM, RequestRecord, Sandbox, StoredCredential

APP_ID = "1b7d4d6a-3f3e-4c55-9c1e-5b2f6f0f9a11"


def entry(
    user: str | None,
    *,
    domain: str | None = None,
    hash1: str | None = H1,
    hash1b: str | None = H1B,
    realm: str | None = None,
    app_id: str | None = None,
    extra: str = "",
) -> str:
    parts = [
        ("UserName", user),
        ("Domain", domain),
        ("Hash1", hash1),
        ("Hash1b", hash1b),
        ("Realm", realm),
        ("HttpVoiceV2AppId", app_id),
    ]
    inner = "".join(f"<{tag}>{value}</{tag}>" for tag, value in parts if value is not None)
    return f"<SipCredential>{inner}{extra}</SipCredential>"


def bulk(*entries: str) -> str:
    return f"<SipCredentials>{''.join(entries)}</SipCredentials>"


def parse(response: requests.Response) -> Element:
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml")
    root: Element = SafeET.fromstring(response.content)
    return root


def fields(element: Element) -> dict[str, str]:
    return {child.tag: child.text or "" for child in element}


def create(api: requests.Session, sb: Sandbox, *entries: str) -> requests.Response:
    return api.post(creds_url(sb), data=bulk(*entries), headers=XML)


def error_codes(root: Element) -> list[str]:
    return [e.findtext("ErrorCode", "") for e in root.findall("Errors/Error")]


# -- authentication ---------------------------------------------------------------------


def grant(
    sb: Sandbox, auth: tuple[str, str] = CLIENT, grant_type: str = "client_credentials"
) -> requests.Response:
    return web("POST", sb.token_url, auth=auth, data={"grant_type": grant_type})


def test_token_grant_and_bearer_use(sandbox: Sandbox) -> None:
    response = grant(sandbox)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"]
    assert sandbox.token_requests == 1
    listed = web(
        "GET",
        creds_url(sandbox) + "?page=1&size=500",
        headers={"Authorization": f"Bearer {body['access_token']}"},
    )
    assert listed.status_code == 404  # authenticated: the account simply has none yet
    assert sandbox.requests[-1].auth == "bearer"


def test_token_bad_secret_is_invalid_client(sandbox: Sandbox) -> None:
    response = grant(sandbox, auth=("sandbox-client", "wrong"))
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client"}
    assert web("POST", sandbox.token_url, data={"grant_type": "client_credentials"}).json() == {
        "error": "invalid_client"
    }
    assert sandbox.token_requests == 0


def test_token_wrong_grant_type(sandbox: Sandbox) -> None:
    response = grant(sandbox, grant_type="password")
    assert response.status_code == 400
    assert response.json() == {"error": "unsupported_grant_type"}


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/json", "application/xml"]
)
def test_token_body_must_be_form_encoded(sandbox: Sandbox, content_type: str | None) -> None:
    """Reference: the token request has a form body ``grant_type=client_credentials``."""
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = web(
        "POST",
        sandbox.token_url,
        auth=CLIENT,
        data=b"grant_type=client_credentials",
        headers=headers,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert sandbox.token_requests == 0


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "Application/X-WWW-Form-Urlencoded; charset=utf-8"],
)
def test_token_form_content_type_variants(sandbox: Sandbox, content_type: str) -> None:
    response = web(
        "POST",
        sandbox.token_url,
        auth=CLIENT,
        data=b"grant_type=client_credentials",
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"


def test_legacy_api_user_is_not_an_oauth_client(sandbox: Sandbox) -> None:
    assert grant(sandbox, auth=BASIC).status_code == 401


def test_revoked_token_gets_401(sandbox: Sandbox) -> None:
    token = grant(sandbox).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    url = creds_url(sandbox, "nobody")
    assert web("GET", url, headers=headers).status_code == 404
    sandbox.revoke_tokens()
    response = web("GET", url, headers=headers)
    assert response.status_code == 401
    assert "invalid_token" in response.headers["WWW-Authenticate"]
    fresh = grant(sandbox).json()["access_token"]
    assert web("GET", url, headers={"Authorization": f"Bearer {fresh}"}).status_code == 404


def test_expired_token_gets_401() -> None:
    sb = Sandbox(token_ttl_seconds=0)
    with sb.running():
        body = grant(sb).json()
        assert body["expires_in"] == 0
        headers = {"Authorization": f"Bearer {body['access_token']}"}
        assert web("GET", creds_url(sb, "x"), headers=headers).status_code == 401


def test_basic_auth_with_legacy_user(sandbox: Sandbox) -> None:
    assert web("GET", creds_url(sandbox, "x"), auth=BASIC).status_code == 404
    assert web("GET", creds_url(sandbox, "x"), auth=("sandbox-user", "no")).status_code == 401
    assert web("GET", creds_url(sandbox, "x"), auth=CLIENT).status_code == 401


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Digest abc", "Basic %%%"])
def test_missing_or_bad_auth_is_401(sandbox: Sandbox, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = web("POST", creds_url(sandbox), data=bulk(entry("bob")), headers=headers | XML)
    assert response.status_code == 401
    parse(response)
    assert sandbox.credentials() == []
    assert sandbox.writes == 0


def test_unknown_account_is_403(api: requests.Session, sandbox: Sandbox) -> None:
    response = api.get(creds_url(sandbox, account="1234567") + "?page=1")
    assert response.status_code == 403
    assert parse(response).find("ResponseStatus/Description") is not None


def test_configured_credentials_are_honoured() -> None:
    sb = Sandbox(account_id="42", basic_username="u", basic_password="p", client_secret="s")
    with sb.running():
        assert web("GET", creds_url(sb, "x", account="42"), auth=("u", "p")).status_code == 404
        assert grant(sb, auth=("sandbox-client", "s")).status_code == 200
        assert web("GET", creds_url(sb, "x"), auth=("u", "p")).status_code == 403


# -- create -------------------------------------------------------------------------------


def test_create_single_defaults_the_realm(api: requests.Session, sandbox: Sandbox) -> None:
    response = create(api, sandbox, entry("sipauthtest"))
    assert response.status_code == 201
    root = parse(response)
    assert root.tag == "SipCredentialsResponse"
    assert root.find("Errors") is None
    (created,) = root.findall("ValidSipCredentials/SipCredential")
    assert fields(created) == {
        "UserName": "sipauthtest",
        "Hash1": H1,
        "Hash1b": H1B,
        "Realm": DEFAULT_REALM,
    }
    assert sandbox.get_credential("sipauthtest") == StoredCredential(
        "sipauthtest", None, H1, H1B, DEFAULT_REALM, None
    )
    assert sandbox.writes == 1


def test_create_bulk(api: requests.Session, sandbox: Sandbox) -> None:
    sandbox.add_realm("other.auth.bandwidth.com")
    response = create(
        api,
        sandbox,
        entry("bob", domain="somewhere.com", app_id=APP_ID),
        entry("alice", realm="other.auth.bandwidth.com"),
        entry("carol", domain="somewhere.com"),
    )
    assert response.status_code == 201
    valid = parse(response).findall("ValidSipCredentials/SipCredential")
    assert [fields(v)["UserName"] for v in valid] == ["bob", "alice", "carol"]
    assert fields(valid[0]) == {
        "UserName": "bob",
        "Domain": "somewhere.com",
        "Hash1": H1,
        "Hash1b": H1B,
        "Realm": DEFAULT_REALM,
        "HttpVoiceV2AppId": APP_ID,
    }
    assert [c.composite_username for c in sandbox.credentials()] == [
        "alice",
        "bob@somewhere.com",
        "carol@somewhere.com",
    ]
    assert sandbox.writes == 1  # one request, one write


def test_partial_create_is_201_with_both_lists(api: requests.Session, sandbox: Sandbox) -> None:
    response = create(api, sandbox, entry("good"), entry("bad:name", hash1="deadbeef"))
    assert response.status_code == 201
    root = parse(response)
    assert root.find("ResponseStatus") is None
    assert [fields(v)["UserName"] for v in root.findall("ValidSipCredentials/SipCredential")] == [
        "good"
    ]
    (error,) = root.findall("Errors/Error")
    assert error.findtext("ErrorCode") == "23014"
    assert error.findtext("Description")
    echoed = error.find("SipCredential")
    assert echoed is not None
    # The real API echoes the submitted entry, hashes included.
    assert fields(echoed) == {"UserName": "bad:name", "Hash1": "deadbeef", "Hash1b": H1B}
    assert [c.user_name for c in sandbox.credentials()] == ["good"]


def test_all_failed_is_400_with_response_status(api: requests.Session, sandbox: Sandbox) -> None:
    response = create(api, sandbox, entry("a@b"), entry("ok", realm="nope.example.com"))
    assert response.status_code == 400
    root = parse(response)
    assert root.tag == "SipCredentialsResponse"
    assert root.findtext("ResponseStatus/Description") == "Please check your input parameters."
    assert error_codes(root) == ["23014", "23018"]
    assert root.find("ValidSipCredentials") is None
    assert sandbox.credentials() == []
    assert sandbox.writes == 0


@pytest.mark.parametrize(
    ("submitted", "code"),
    [
        (entry(None), "1003"),
        (entry(""), "1003"),
        (entry("bob", hash1=None), "1003"),
        (entry("bob", hash1b=None), "1003"),
        (entry("bob", hash1="a" * 65), "23001"),
        (entry("bo:b"), "23014"),
        (entry("bo@b"), "23014"),
        (entry("bo b"), "23014"),
        (entry("  carol  "), "23014"),
        (entry("carol\n"), "23014"),
        (entry("\tcarol"), "23014"),
        (entry("bob", domain=" somewhere.com"), "23015"),
        (entry("bob", domain="somewhere.com  "), "23015"),
        (entry("bob", domain=" "), "23015"),
        (entry("bob", hash1=f" {H1} "), "23001"),
        (entry("bob", hash1b=f"{H1B}\n"), "23001"),
        (entry("bob", realm=f" {DEFAULT_REALM}"), "23018"),
        (entry("bob", app_id=f"{APP_ID} "), "23020"),
        (entry("b" * 33), "23014"),
        (entry("bob", domain="d" * 33), "23015"),
        (entry("bob", domain="bad/domain"), "23015"),
        (entry("bob", domain="a@b.com"), "23015"),
        (entry("bob", domain="corp_x.example.com"), "23015"),
        (entry("bob", realm="unknown.auth.bandwidth.com"), "23018"),
        (entry("bob", app_id="not-a-uuid"), "23020"),
        (entry("bob", extra="<Password>secret</Password>"), "99001"),
    ],
)
def test_entry_validation_codes(
    api: requests.Session, sandbox: Sandbox, submitted: str, code: str
) -> None:
    response = create(api, sandbox, submitted)
    assert response.status_code == 400
    root = parse(response)
    assert error_codes(root) == [code]
    assert "secret" not in response.text  # a password is never echoed back


def test_accepted_edges(api: requests.Session, sandbox: Sandbox) -> None:
    response = create(
        api,
        sandbox,
        entry("aZ0._-!$&amp;*+=~"),
        entry("u" * 32, domain="d" * 28 + ".com"),
        entry("bob", hash1="f" * 64, hash1b="e" * 64),
    )
    assert response.status_code == 201, response.text
    assert parse(response).find("Errors") is None
    assert sandbox.get_credential("aZ0._-!$&*+=~") is not None


def test_whitespace_between_elements_is_fine(api: requests.Session, sandbox: Sandbox) -> None:
    """Pretty-printing (whitespace between elements, not inside values) is accepted."""
    body = (
        "<SipCredentials>\n  <SipCredential>\n    <UserName>carol</UserName>\n"
        f"    <Hash1>{H1}</Hash1>\n    <Hash1b>{H1B}</Hash1b>\n  </SipCredential>\n"
        "</SipCredentials>\n"
    )
    response = api.post(creds_url(sandbox), data=body, headers=XML)
    assert response.status_code == 201, response.text
    assert sandbox.get_credential("carol") is not None


def test_unknown_elements_are_ignored(api: requests.Session, sandbox: Sandbox) -> None:
    response = create(api, sandbox, entry("bob", extra="<Comment>hi</Comment>"))
    assert response.status_code == 201


def test_duplicate_of_existing_is_23009_case_insensitive(
    api: requests.Session, sandbox: Sandbox
) -> None:
    assert create(api, sandbox, entry("bob", domain="somewhere.com")).status_code == 201
    response = create(api, sandbox, entry("BOB", domain="SomeWhere.COM"))
    assert response.status_code == 400
    assert error_codes(parse(response)) == ["23009"]
    assert len(sandbox.credentials()) == 1


def test_duplicate_within_one_request(api: requests.Session, sandbox: Sandbox) -> None:
    response = create(api, sandbox, entry("bob"), entry("Bob"), entry("bob", domain="x.com"))
    assert response.status_code == 201
    root = parse(response)
    assert error_codes(root) == ["23009"]
    assert [c.composite_username for c in sandbox.credentials()] == ["bob", "bob@x.com"]


def test_same_user_different_domain_is_not_a_duplicate(
    api: requests.Session, sandbox: Sandbox
) -> None:
    assert create(api, sandbox, entry("bob")).status_code == 201
    assert create(api, sandbox, entry("bob", domain="somewhere.com")).status_code == 201


def test_realm_is_matched_case_insensitively(api: requests.Session, sandbox: Sandbox) -> None:
    response = create(api, sandbox, entry("bob", realm=DEFAULT_REALM.upper()))
    assert response.status_code == 201
    credential = sandbox.get_credential("bob")
    assert credential is not None
    assert credential.realm == DEFAULT_REALM


def test_concurrent_creates_admit_one(sandbox: Sandbox) -> None:
    statuses: list[int] = []

    def post() -> None:
        response = web(
            "POST", creds_url(sandbox), data=bulk(entry("racer")), headers=XML, auth=BASIC
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=post) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [400] * 11
    assert sandbox.writes == 1


@pytest.mark.parametrize(
    "body",
    [
        "<SipCredentials><SipCredential>",
        "not xml at all",
        "",
        "<SipCredential><UserName>bob</UserName></SipCredential>",
        "<SipCredentials></SipCredentials>",
        '<!DOCTYPE x [<!ENTITY a "aaaa">]><SipCredentials>&a;</SipCredentials>',
    ],
)
def test_bad_create_body_is_400(api: requests.Session, sandbox: Sandbox, body: str) -> None:
    response = api.post(creds_url(sandbox), data=body, headers=XML)
    assert response.status_code == 400
    root = parse(response)
    assert root.findtext("ResponseStatus/Description")
    assert sandbox.writes == 0


def test_body_must_be_declared_xml(api: requests.Session, sandbox: Sandbox) -> None:
    response = api.post(
        creds_url(sandbox), data=bulk(entry("bob")), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 415
    assert sandbox.credentials() == []


# -- list ---------------------------------------------------------------------------------


def seed(sb: Sandbox, *composites: str) -> None:
    for composite in composites:
        user, _, domain = composite.partition("@")
        sb.put_credential(StoredCredential(user, domain or None, H1, H1B))


def test_list_without_page_redirects(api: requests.Session, sandbox: Sandbox) -> None:
    seed(sandbox, "bob")
    response = api.get(creds_url(sandbox), allow_redirects=False)
    assert response.status_code == 303
    assert response.headers["Location"] == creds_url(sandbox) + "?page=1&size=500"
    kept = api.get(creds_url(sandbox) + "?userNamefragment=b", allow_redirects=False)
    assert kept.status_code == 303
    assert "userNamefragment=b" in kept.headers["Location"]
    assert "page=1" in kept.headers["Location"]
    followed = api.get(creds_url(sandbox))
    assert followed.status_code == 200
    assert [r.status_code for r in followed.history] == [303]


def list_page(api: requests.Session, url: str) -> tuple[list[str], str | None, str]:
    response = api.get(url, allow_redirects=False)
    assert response.status_code == 200, response.text
    root = parse(response)
    names = [
        fields(c)["UserName"] + ("@" + fields(c)["Domain"] if "Domain" in fields(c) else "")
        for c in root.findall("SipCredentials/SipCredential")
    ]
    first = root.findtext("Links/first", "")
    next_link = root.findtext("Links/next")
    next_url = None
    if next_link is not None:
        assert next_link.startswith("Link=<") and next_link.endswith('>;rel="next";')
        next_url = next_link[len("Link=<") : -len('>;rel="next";')]
    return names, next_url, first


def test_list_pages_follow_next(api: requests.Session, sandbox: Sandbox) -> None:
    seed(sandbox, "erin", "Bob@somewhere.com", "alice", "dave", "carol")
    url: str | None = creds_url(sandbox) + "?page=1&size=2"
    pages: list[list[str]] = []
    while url is not None:
        names, url, first = list_page(api, url)
        pages.append(names)
        assert first == f'Link=<{creds_url(sandbox)}?page=1&size=2>;rel="first";'
    assert pages == [["alice", "Bob@somewhere.com"], ["carol", "dave"], ["erin"]]


def test_list_page_past_the_end_is_empty(api: requests.Session, sandbox: Sandbox) -> None:
    seed(sandbox, "alice")
    names, next_url, _ = list_page(api, creds_url(sandbox) + "?page=3&size=2")
    assert (names, next_url) == ([], None)


def test_list_fragments(api: requests.Session, sandbox: Sandbox) -> None:
    seed(sandbox, "bob@somewhere.com", "bobby", "alice@Somewhere.com", "carol@else.org")
    base = creds_url(sandbox) + "?page=1&size=500"
    assert list_page(api, base + "&userNamefragment=BOB")[0] == ["bob@somewhere.com", "bobby"]
    assert list_page(api, base + "&domainfragment=WHERE")[0] == [
        "alice@Somewhere.com",
        "bob@somewhere.com",
    ]
    both = base + "&userNamefragment=o&domainfragment=some"
    assert list_page(api, both)[0] == ["bob@somewhere.com"]
    assert list_page(api, base + "&userNamefragment=zzz")[0] == []


def test_list_next_keeps_fragments(api: requests.Session, sandbox: Sandbox) -> None:
    seed(sandbox, "bob1", "bob2", "bob3", "alice")
    names, next_url, _ = list_page(api, creds_url(sandbox) + "?page=1&size=2&userNamefragment=bob")
    assert names == ["bob1", "bob2"]
    assert next_url is not None
    assert list_page(api, next_url)[0] == ["bob3"]


def test_list_empty_account_is_404_23008(api: requests.Session, sandbox: Sandbox) -> None:
    response = api.get(creds_url(sandbox))
    assert response.status_code == 404
    root = parse(response)
    assert root.tag == "SipCredentialsResponse"
    assert root.findtext("ResponseStatus/ErrorCode") == "23008"


@pytest.mark.parametrize("query", ["page=0", "page=x", "page=1&size=0", "page=1&size=-2"])
def test_list_bad_paging_is_400(api: requests.Session, sandbox: Sandbox, query: str) -> None:
    seed(sandbox, "bob")
    assert api.get(f"{creds_url(sandbox)}?{query}").status_code == 400


# -- get / put / delete -------------------------------------------------------------------


def test_get_one(api: requests.Session, sandbox: Sandbox) -> None:
    create(api, sandbox, entry("bob", domain="somewhere.com", app_id=APP_ID))
    for composite in ("bob@somewhere.com", "bob%40somewhere.com", "BOB@SOMEWHERE.COM"):
        response = api.get(creds_url(sandbox, composite))
        assert response.status_code == 200
        root = parse(response)
        assert root.tag == "SipCredentialResponse"
        credential = root.find("SipCredential")
        assert credential is not None
        assert fields(credential) == {
            "UserName": "bob",
            "Domain": "somewhere.com",
            "Hash1": H1,
            "Hash1b": H1B,
            "Realm": DEFAULT_REALM,
            "HttpVoiceV2AppId": APP_ID,
        }


def test_get_missing_is_404_23007(api: requests.Session, sandbox: Sandbox) -> None:
    response = api.get(creds_url(sandbox, "ghost@nowhere.com"))
    assert response.status_code == 404
    root = parse(response)
    assert root.tag == "SipCredentialResponse"
    assert root.findtext("ResponseStatus/ErrorCode") == "23007"
    assert "ghost@nowhere.com" in root.findtext("ResponseStatus/Description", "")


def put(api: requests.Session, sb: Sandbox, composite: str, inner: str) -> requests.Response:
    body = f"<SipCredential>{inner}</SipCredential>"
    return api.put(creds_url(sb, composite), data=body, headers=XML)


def test_put_rotates_and_echoes(api: requests.Session, sandbox: Sandbox) -> None:
    sandbox.add_realm("other.auth.bandwidth.com")
    seed(sandbox, "bob@somewhere.com")
    response = put(
        api,
        sandbox,
        "Bob@somewhere.com",
        f"<Hash1>{'1' * 32}</Hash1><Hash1b>{'2' * 32}</Hash1b>"
        f"<Realm>other.auth.bandwidth.com</Realm><HttpVoiceV2AppId>{APP_ID}</HttpVoiceV2AppId>",
    )
    assert response.status_code == 200
    root = parse(response)
    assert root.tag == "SipCredentialResponse"
    expected = StoredCredential(
        "bob", "somewhere.com", "1" * 32, "2" * 32, "other.auth.bandwidth.com", APP_ID
    )
    credential = root.find("SipCredential")
    assert credential is not None
    assert fields(credential)["Hash1"] == "1" * 32
    assert sandbox.get_credential("bob@somewhere.com") == expected
    assert sandbox.writes == 1


def test_put_keeps_absent_fields_and_empty_app_id_unlinks(
    api: requests.Session, sandbox: Sandbox
) -> None:
    sandbox.put_credential(StoredCredential("bob", None, H1, H1B, DEFAULT_REALM, APP_ID))
    assert put(api, sandbox, "bob", f"<Hash1>{'3' * 32}</Hash1>").status_code == 200
    assert sandbox.get_credential("bob") == StoredCredential(
        "bob", None, "3" * 32, H1B, DEFAULT_REALM, APP_ID
    )
    response = put(api, sandbox, "bob", f"<Hash1>{H1}</Hash1><HttpVoiceV2AppId/>")
    assert response.status_code == 200
    credential = sandbox.get_credential("bob")
    assert credential is not None
    assert credential.http_voice_v2_app_id is None


@pytest.mark.parametrize(
    ("composite", "inner", "status", "code"),
    [
        ("bob@somewhere.com", "<Hash1b>x</Hash1b>", 400, "1003"),
        ("bob@somewhere.com", f"<UserName>robert</UserName><Hash1>{H1}</Hash1>", 400, "23004"),
        ("bob@somewhere.com", f"<Domain>elsewhere.com</Domain><Hash1>{H1}</Hash1>", 400, "23004"),
        ("bob@somewhere.com", f"<Hash1>{H1}</Hash1><Realm>nope.com</Realm>", 400, "23018"),
        (
            "bob@somewhere.com",
            f"<Hash1>{H1}</Hash1><HttpVoiceV2AppId>1</HttpVoiceV2AppId>",
            400,
            "23020",
        ),
        ("ghost", f"<Hash1>{H1}</Hash1>", 404, "23007"),
    ],
)
def test_put_errors(
    api: requests.Session, sandbox: Sandbox, composite: str, inner: str, status: int, code: str
) -> None:
    seed(sandbox, "bob@somewhere.com")
    before = sandbox.credentials()
    response = put(api, sandbox, composite, inner)
    assert response.status_code == status
    root = parse(response)
    assert root.tag == "SipCredentialResponse"
    assert root.findtext("ResponseStatus/ErrorCode") == code
    assert sandbox.credentials() == before
    assert sandbox.writes == 0


@pytest.mark.parametrize(
    "identity",
    [
        "<UserName>bob</UserName>",
        "<UserName>BOB</UserName>",
        "<Domain>somewhere.com</Domain>",
        "<Domain/>",
        "<UserName>bob</UserName><Domain>somewhere.com</Domain>",
    ],
)
def test_put_refuses_username_and_domain_even_unchanged(
    api: requests.Session, sandbox: Sandbox, identity: str
) -> None:
    """Reference: the PUT body is Hash1, Hash1b, Realm, HttpVoiceV2AppId; UserName and
    Domain cannot change (23004)."""
    seed(sandbox, "bob@somewhere.com")
    before = sandbox.credentials()
    response = put(api, sandbox, "bob@somewhere.com", f"{identity}<Hash1>{'4' * 32}</Hash1>")
    assert response.status_code == 400
    assert parse(response).findtext("ResponseStatus/ErrorCode") == "23004"
    assert sandbox.credentials() == before
    assert sandbox.writes == 0


def test_put_bad_body(api: requests.Session, sandbox: Sandbox) -> None:
    seed(sandbox, "bob")
    response = api.put(creds_url(sandbox, "bob"), data="<SipCredential>", headers=XML)
    assert response.status_code == 400
    assert parse(response).findtext("ResponseStatus/Description")


def test_delete(api: requests.Session, sandbox: Sandbox) -> None:
    seed(sandbox, "bob@somewhere.com", "alice")
    response = api.delete(creds_url(sandbox, "BOB%40somewhere.com"))
    assert response.status_code == 200
    assert response.content == b""
    assert api.get(creds_url(sandbox, "bob@somewhere.com")).status_code == 404
    assert [c.user_name for c in sandbox.credentials()] == ["alice"]
    assert sandbox.writes == 1


def test_delete_missing_is_404_23007(api: requests.Session, sandbox: Sandbox) -> None:
    response = api.delete(creds_url(sandbox, "ghost"))
    assert response.status_code == 404
    assert parse(response).findtext("ResponseStatus/ErrorCode") == "23007"
    assert sandbox.writes == 0


def test_unsupported_methods_and_paths(api: requests.Session, sandbox: Sandbox) -> None:
    assert api.patch(creds_url(sandbox, "bob")).status_code == 405
    assert api.put(creds_url(sandbox), data="<x/>", headers=XML).status_code == 405
    assert api.get(f"{sandbox.base_url}/accounts/{ACCOUNT}/nothing").status_code == 404
    assert api.get(sandbox.token_url).status_code == 405


# -- request log --------------------------------------------------------------------------


def test_request_log(api: requests.Session, sandbox: Sandbox) -> None:
    create(api, sandbox, entry("bob"))
    web("GET", creds_url(sandbox, "bob"))
    api.get(creds_url(sandbox, "bob") + "?x=1")
    web("GET", sandbox.base_url.replace("/api", "/_sandbox/state"))
    log = [(r.method, r.path, r.status, r.auth) for r in sandbox.requests]
    path = f"/api/accounts/{ACCOUNT}/sipcredentials"
    assert log == [
        ("POST", path, 201, "basic"),
        ("GET", f"{path}/bob", 401, None),
        ("GET", f"{path}/bob?x=1", 200, "basic"),
    ]


def test_request_log_keeps_the_latest_10000(api: requests.Session, sandbox: Sandbox) -> None:
    first = creds_url(sandbox, "first").removeprefix(sandbox.base_url.removesuffix("/api"))
    assert api.get(creds_url(sandbox, "first")).status_code == 404
    assert sandbox.requests[0].path == first
    filler = RequestRecord("GET", "/api/filler", 404, "basic")
    for _ in range(10_000):
        sandbox.state.record(filler)
    assert api.get(creds_url(sandbox, "last")).status_code == 404
    log = sandbox.requests
    assert len(log) == 10_000
    assert all(record.path != first for record in log)
    assert log[-1].path.endswith("/sipcredentials/last")
