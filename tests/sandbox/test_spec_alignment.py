"""The client, the provider and the sandbox against Bandwidth's published OpenAPI spec.

Source: repository ``Bandwidth/api-docs``, ``site/specs/numbers.yml`` (snapshot of
2023-11-02). The ``SPEC_*`` constants are its examples, verbatim. What it says and where
it disagrees with the other sources: ``docs/bandwidth-api.md`` (mark **[spec]**). The pure
shapes: tests/unit/test_spec_alignment.py; both front doors:
tests/protocol/test_spec_alignment.py.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
import requests

from tests.support.fixtures import RecordingSleeper, oauth_settings
from tests.support.sandbox_http import H1, H1B, XML, creds_url, realms_url
from tests.unit.test_spec_alignment import SPEC_REALM_PUT, parse

from bw_pulumi import compute_hashes
from bw_pulumi.api.errors import InvalidInputError
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.sip_credential.models import Credential
from bw_pulumi.resources.sip_realm.models import RealmSettings
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox

#: "List SIP Credentials On Realm", 404 example.
SPEC_EMPTY_LIST = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<SipCredentialsResponse>
   <ResponseStatus>
      <ErrorCode>23008</ErrorCode>
      <Description>There are no Sip credentials associated with the account with ID = 41</Description>
   </ResponseStatus>
</SipCredentialsResponse>"""  # noqa: E501 (verbatim)

PASSWORD = "spec-shaped-password"


class RecordingSession(requests.Session):
    """A real session that keeps every body it sends (for the realm PUT's shape)."""

    sent: ClassVar[list[tuple[str, str, bytes]]] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        body = kwargs.get("data")
        if isinstance(body, bytes):
            RecordingSession.sent.append((str(method), str(url), body))
        return super().request(method, url, *args, **kwargs)


# -- realm update: RealmUpdateRequest is Default and Description only ---------------------


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
