"""The client, the provider and the sandbox against Bandwidth's published OpenAPI spec.

Source: repository ``Bandwidth/api-docs``, ``site/specs/numbers.yml`` (snapshot of
2023-11-02). The ``SPEC_*`` constants are its examples, verbatim. What it says and where
it disagrees with the other sources: ``docs/bandwidth-api.md`` (mark **[spec]**).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import pytest
import requests
from conftest import RecordingSleeper, oauth_settings
from native_process import NativeProcess, Secret, plain
from provider_process import PROVIDER_KEY, ProviderProcess
from pulumi.runtime import proto
from sandbox_http import H1, H1B, XML, creds_url, realms_url
from test_protocol import oauth_config

from bw_pulumi import compute_hashes
from bw_pulumi.api.errors import InvalidInputError
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.sip_credential import xml as credential_xml
from bw_pulumi.resources.sip_credential.models import Credential
from bw_pulumi.resources.sip_credential.rules import split_aggregated
from bw_pulumi.resources.sip_realm import xml as realm_xml
from bw_pulumi.resources.sip_realm.models import RealmSettings
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox, StoredCredential

#: "Update Realm" request example.
SPEC_REALM_PUT = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Realm>
   <Default>true</Default>
   <Description>This is realm has been updated.</Description>
</Realm>"""

#: "Retrieve SIP Credential", 200 example "With aggregated UserName and Domain".
SPEC_GET_AGGREGATED = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<SipCredentialResponse>
   <SipCredential>
      <Id>39</Id>
      <RealmId>4</RealmId>
      <UserName>Bill@bw.com</UserName>
      <Hash1>1g32gadgs433dd4</Hash1>
      <Realm>realm2.abc123.auth.bandwidth.com</Realm>
      <HttpVoiceV2AppId>7a1626ea-6a3e-11eb-9439-0242ac130002</HttpVoiceV2AppId>
   </SipCredential>
</SipCredentialResponse>"""

#: "List SIP Credentials On Realm", 404 example.
SPEC_EMPTY_LIST = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<SipCredentialsResponse>
   <ResponseStatus>
      <ErrorCode>23008</ErrorCode>
      <Description>There are no Sip credentials associated with the account with ID = 41</Description>
   </ResponseStatus>
</SipCredentialsResponse>"""  # noqa: E501 (verbatim)

PASSWORD = "spec-shaped-password"
NATIVE_NO_ENV = {"BW_ACCOUNT_ID": "", "BW_USERNAME": "", "BW_CLIENT_ID": "", "BW_CLIENT_SECRET": ""}


class RecordingSession(requests.Session):
    """A real session that keeps every body it sends (for the realm PUT's shape)."""

    sent: ClassVar[list[tuple[str, str, bytes]]] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        body = kwargs.get("data")
        if isinstance(body, bytes):
            RecordingSession.sent.append((str(method), str(url), body))
        return super().request(method, url, *args, **kwargs)


def parse(body: bytes) -> Element:
    root: Element = SafeET.fromstring(body)
    return root


# -- realm update: RealmUpdateRequest is Default and Description only ---------------------


def test_the_realm_put_body_has_the_shape_of_the_specs_example() -> None:
    body = realm_xml.encode_realm_update(RealmSettings("office", "HQ phones", True))
    root, example = parse(body), parse(SPEC_REALM_PUT)
    assert root.tag == example.tag == "Realm"
    assert [child.tag for child in root] == [child.tag for child in example]
    assert root.find("Realm") is None
    not_default = parse(realm_xml.encode_realm_update(RealmSettings("office", "HQ", False)))
    assert [(c.tag, c.text) for c in not_default] == [("Description", "HQ")]  # never "false"


def test_a_realm_update_sends_no_realm_element_and_succeeds(sandbox: Sandbox) -> None:
    sandbox.add_realm_out_of_band("main", default=True)
    office = sandbox.add_realm_out_of_band("office")
    RecordingSession.sent = []
    client = BandwidthClient(oauth_settings(sandbox), session_factory=RecordingSession)
    updated = client.realms.update_realm(office.id, RealmSettings("office", "HQ phones", True))
    assert (updated.description, updated.default) == ("HQ phones", True)
    [(_, url, body)] = [sent for sent in RecordingSession.sent if sent[0] == "PUT"]
    assert url.endswith(f"/realms/{office.id}")
    assert [child.tag for child in parse(body)] == ["Default", "Description"]


def test_a_description_change_of_a_realm_that_is_not_the_default_sends_no_default(
    sandbox: Sandbox,
) -> None:
    sandbox.add_realm_out_of_band("main", default=True)
    office = sandbox.add_realm_out_of_band("office", description="HQ")
    RecordingSession.sent = []
    client = BandwidthClient(oauth_settings(sandbox), session_factory=RecordingSession)
    updated = client.realms.update_realm(office.id, RealmSettings("office", "HQ phones", False))
    assert (updated.description, updated.default) == ("HQ phones", False)
    [body] = [sent[2] for sent in RecordingSession.sent if sent[0] == "PUT"]
    assert [(c.tag, c.text) for c in parse(body)] == [("Description", "HQ phones")]
    assert {r.name: r.default for r in sandbox.api_realms()} == {"main": True, "office": False}


def test_the_sandbox_answers_the_specs_put_example_and_33005(
    sandbox: Sandbox, api: requests.Session
) -> None:
    realm = sandbox.add_realm_out_of_band("office", default=True)
    ok = api.put(realms_url(sandbox, realm.id), data=SPEC_REALM_PUT, headers=XML)
    assert ok.status_code == 200, ok.text
    assert parse(ok.content).findtext("Realm/Description") == "This is realm has been updated."
    renamed = SPEC_REALM_PUT.replace(b"<Default>", b"<Realm>branch</Realm><Default>")
    refused = api.put(realms_url(sandbox, realm.id), data=renamed, headers=XML)
    assert refused.status_code == 400
    assert parse(refused.content).findtext("ResponseStatus/ErrorCode") == "33005"


# -- aggregated usernames: UserName "name@domain" without a Domain ------------------------


@pytest.mark.parametrize(
    ("user_name", "domain", "expected"),
    [
        ("bob@somewhere.com", None, ("bob", "somewhere.com")),
        ("bob", "somewhere.com", ("bob", "somewhere.com")),
        ("bob", None, ("bob", None)),
        ("bob@x.com", "y.com", ("bob@x.com", "y.com")),  # a Domain given: not aggregated
        ("bob@", None, ("bob@", None)),
        ("@x.com", None, ("@x.com", None)),
    ],
)
def test_split_aggregated(user_name: str, domain: str | None, expected: tuple[Any, ...]) -> None:
    assert split_aggregated(user_name, domain) == expected


def test_the_specs_aggregated_example_is_the_separated_credential() -> None:
    aggregated = credential_xml.decode_credential(SPEC_GET_AGGREGATED)
    assert (aggregated.user_name, aggregated.domain) == ("Bill@bw.com", None)
    separated = aggregated.separated()
    assert (separated.user_name, separated.domain) == ("Bill", "bw.com")
    assert separated.composite_username == aggregated.composite_username == "Bill@bw.com"


def _aggregated_user_names(body: bytes, path: str) -> list[tuple[str | None, str | None]]:
    return [(n.findtext("UserName"), n.findtext("Domain")) for n in parse(body).iterfind(path)]


def test_the_sandbox_can_answer_usernames_aggregated(
    sandbox: Sandbox, api: requests.Session
) -> None:
    sandbox.set_response_shapes(aggregated_usernames=True)
    entries = "".join(
        f"<SipCredential><UserName>{user}</UserName>{domain}<Hash1>{H1}</Hash1>"
        f"<Hash1b>{H1B}</Hash1b></SipCredential>"
        for user, domain in (("bob", "<Domain>somewhere.com</Domain>"), ("amy", ""))
    )
    created = api.post(
        creds_url(sandbox), data=f"<SipCredentials>{entries}</SipCredentials>", headers=XML
    )
    assert created.status_code == 201, created.text
    expected = [("bob@somewhere.com", None), ("amy", None)]
    assert _aggregated_user_names(created.content, "ValidSipCredentials/SipCredential") == expected
    listed = api.get(creds_url(sandbox) + "?page=1&size=500")
    assert sorted(_aggregated_user_names(listed.content, "SipCredentials/SipCredential")) == sorted(
        expected
    )
    one = api.get(creds_url(sandbox, "bob@somewhere.com"))
    assert _aggregated_user_names(one.content, "SipCredential") == [expected[0]]
    put = api.put(
        creds_url(sandbox, "bob@somewhere.com"),
        data=f"<SipCredential><Hash1>{H1}</Hash1></SipCredential>",
        headers=XML,
    )
    assert _aggregated_user_names(put.content, "SipCredential") == [expected[0]]
    held = sandbox.get_credential("bob@somewhere.com")
    assert held is not None and (held.user_name, held.domain) == ("bob", "somewhere.com")
    assert b"<Hash1b>" in one.content
    switch = api.patch(
        sandbox.base_url.replace("/api", "/_sandbox/response-shapes"), json={"omit_hash1b": True}
    )
    assert switch.json() == {
        "aggregated_usernames": True,
        "omit_hash1b": True,
        "empty_list_not_found": False,
    }
    without = api.get(creds_url(sandbox, "bob@somewhere.com"))
    assert parse(without.content).find("SipCredential/Hash1b") is None
    assert parse(without.content).findtext("SipCredential/Hash1") == H1
    sandbox.reset()
    assert sandbox.state.shapes.to_json() == dict.fromkeys(switch.json(), False)


def test_the_client_reads_aggregated_usernames_as_declared(
    sandbox: Sandbox, client: BandwidthClient
) -> None:
    sandbox.set_response_shapes(aggregated_usernames=True)
    hashes = compute_hashes("bob", PASSWORD, DEFAULT_REALM, "somewhere.com")
    wanted = Credential("bob", hashes.hash1, hashes.hash1b, domain="somewhere.com")
    reads = [
        client.credentials.create_credential(wanted),
        client.credentials.get_credential("bob@somewhere.com"),
        *client.credentials.list_credentials(),
        *client.credentials.credentials_page("page=1&size=500")[0],
    ]
    assert [(c.user_name if c else None, c.domain if c else None) for c in reads] == [
        ("bob", "somewhere.com")
    ] * 4


def test_a_lost_create_answered_aggregated_is_still_adopted(
    sandbox: Sandbox, client: BandwidthClient
) -> None:
    """The adopt path reads the existing credential: aggregated, it is still ours."""
    sandbox.set_response_shapes(aggregated_usernames=True)
    hashes = compute_hashes("bob", PASSWORD, DEFAULT_REALM, "somewhere.com")
    wanted = Credential("bob", hashes.hash1, hashes.hash1b, domain="somewhere.com")
    client.credentials.create_credential(wanted)
    again = client.credentials.create_credential(wanted)
    assert (again.user_name, again.domain) == ("bob", "somewhere.com")


# -- refresh then preview: no change when Bandwidth answers aggregated ----------------------


@pytest.fixture
def plugin() -> Iterator[ProviderProcess]:
    with ProviderProcess(env={"BW_ACCOUNT_ID": "", "BW_USERNAME": "", "BW_CLIENT_ID": ""}) as p:
        yield p


def _without_provider(props: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in props.items() if key != PROVIDER_KEY}


@pytest.mark.protocol
def test_refresh_then_preview_shows_no_change_when_usernames_come_back_aggregated(
    plugin: ProviderProcess, sandbox: Sandbox
) -> None:
    plugin.configure(oauth_config(sandbox))
    news = {"username": "carol", "password": PASSWORD, "realm": DEFAULT_REALM}
    news["domain"] = "corp.example.com"
    id_, state = plugin.create("carol", news)
    sandbox.set_response_shapes(aggregated_usernames=True, omit_hash1b=True)  # as the spec shows

    read_id, refreshed = plugin.read("carol", id_, state)  # pulumi refresh
    assert read_id == id_ == "carol@corp.example.com"
    assert (refreshed["username"], refreshed["domain"]) == ("carol", "corp.example.com")
    assert _without_provider(refreshed) == _without_provider(state)

    preview = plugin.diff("carol", id_, refreshed, news)  # pulumi preview
    assert preview.changes == proto.DiffResponse.DIFF_NONE
    assert list(preview.replaces) == []

    # Hash1b is not reported, but a password changed by hand still shows (through Hash1).
    other = compute_hashes("carol", "changed by hand", DEFAULT_REALM, "corp.example.com")
    sandbox.put_credential(
        StoredCredential("carol", "corp.example.com", other.hash1, other.hash1b, DEFAULT_REALM)
    )
    _, drifted = plugin.read("carol", id_, refreshed)
    assert drifted["hash1"] == other.hash1 and drifted.get("hash1b", "") == ""
    repaired = plugin.diff("carol", id_, drifted, news)
    assert repaired.changes == proto.DiffResponse.DIFF_SOME
    assert list(repaired.replaces) == []


# -- empty lists: 404/23008 (the spec) or 200 with none (the sandbox's default) -------------


def test_the_sandbox_can_answer_empty_lists_as_the_spec_does(
    sandbox: Sandbox, api: requests.Session
) -> None:
    assert api.get(realms_url(sandbox)).status_code == 200
    sandbox.set_response_shapes(empty_list_not_found=True)
    no_realms = api.get(realms_url(sandbox))
    assert no_realms.status_code == 404
    assert parse(no_realms.content).tag == "RealmsResponse"
    assert parse(no_realms.content).findtext("ResponseStatus/ErrorCode") == "23008"
    realm = sandbox.add_realm_out_of_band("office", default=True)
    empty = api.get(realms_url(sandbox, realm.id, "sipcredentials") + "?page=1&size=500")
    assert empty.status_code == 404
    expected = parse(SPEC_EMPTY_LIST)
    assert parse(empty.content).tag == expected.tag
    assert parse(empty.content).findtext("ResponseStatus/ErrorCode") == "23008"
    redirect = api.get(realms_url(sandbox, realm.id, "sipcredentials"), allow_redirects=False)
    assert redirect.status_code == 303  # the 303 to the first page comes first, as live
    sandbox.add_realm_credential_out_of_band(realm.id, "ext100", H1, H1B)
    listed = api.get(realms_url(sandbox, realm.id, "sipcredentials") + "?page=1&size=500")
    assert listed.status_code == 200


@pytest.mark.parametrize("spec_shaped", [False, True], ids=["200-empty", "404-23008"])
def test_the_client_takes_either_empty_answer_as_an_empty_list(
    sandbox: Sandbox, sleeper: RecordingSleeper, spec_shaped: bool
) -> None:
    sandbox.set_response_shapes(empty_list_not_found=spec_shaped)
    client = BandwidthClient(oauth_settings(sandbox), sleep=sleeper)
    assert client.realms.list_realms() == []
    realm = sandbox.add_realm_out_of_band("office", default=True)
    assert client.realm_credentials.list_credentials(realm.id) == []
    assert client.realm_credentials.credentials_page(realm.id, "page=1&size=500") == ((), None)
    assert [r.id for r in client.realms.list_realms()] == [realm.id]
    assert sleeper.delays == []


@pytest.mark.protocol
def test_the_package_provider_refreshes_and_imports_aggregated_usernames_as_declared(
    sandbox: Sandbox,
) -> None:
    with NativeProcess(env=NATIVE_NO_ENV) as native:
        native.configure(
            {
                "accountId": sandbox.account_id,
                "clientId": sandbox.config.client_id,
                "clientSecret": Secret(sandbox.config.client_secret),
                "apiUrl": sandbox.base_url,
                "oauthUrl": sandbox.token_url,
            }
        )
        news = {
            "username": "carol",
            "password": Secret(PASSWORD),
            "realm": DEFAULT_REALM,
            "domain": "corp.example.com",
        }
        id_, state = native.create("carol", news)
        sandbox.set_response_shapes(aggregated_usernames=True, omit_hash1b=True)

        read_id, refreshed, _ = native.read("carol", id_, state, inputs=news)
        assert read_id == id_ and refreshed == state
        assert native.diff("carol", id_, refreshed, news).changes == proto.DiffResponse.DIFF_NONE

        imported_id, imported, _ = native.read("carol", id_, {})  # pulumi import
        assert imported_id == id_
        assert (plain(imported)["username"], plain(imported)["domain"]) == (
            "carol",
            "corp.example.com",
        )


# -- list filters: 3-64 characters ----------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"user_name_fragment": "bo"}, "user_name_fragment"),
        ({"domain_fragment": ""}, "domain_fragment"),
        ({"domain_fragment": "x" * 65}, "domain_fragment"),
    ],
)
def test_a_fragment_the_spec_refuses_is_refused_before_any_call(
    sandbox: Sandbox, client: BandwidthClient, kwargs: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        client.credentials.list_credentials(**kwargs)
    assert caught.value.field == field and "3-64 characters" in str(caught.value)
    assert sandbox.requests == []


def test_a_fragment_of_three_characters_filters(sandbox: Sandbox, client: BandwidthClient) -> None:
    for user in ("bob", "bobby", "amy"):
        hashes = compute_hashes(user, PASSWORD, DEFAULT_REALM)
        client.credentials.create_credential(Credential(user, hashes.hash1, hashes.hash1b))
    listed = client.credentials.list_credentials(user_name_fragment="bob")
    assert sorted(c.user_name for c in listed) == ["bob", "bobby"]
