"""Dot-segment ids (``.``, ``..``) never reach a URL: ``requests`` resolves them away, so a
DELETE of credential ``..`` would go to ``/accounts/{id}/`` and one of ``realm/..`` to the
realm itself. Refused from every source: the inputs, the state, an import, an API reply
(the username rule alone: tests/unit/test_dot_segments.py; over the protocol:
tests/protocol/test_dot_segments.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from tests.support.fixtures import oauth_settings

from bw_pulumi import InvalidInputError
from bw_pulumi.api.errors import BandwidthApiError
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.sip_credential.models import Credential
from bw_pulumi.resources.sip_credential.operations import CredentialOperations
from bw_pulumi.resources.sip_realm.models import RealmSettings
from bw_pulumi.resources.sip_realm.operations import RealmOperations
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox

BAD_IDS = [".", "..", "", "../x", "1/..", "../..", "1/.", "/1"]


@pytest.mark.parametrize("segment", [".", "..", ""])
def test_the_transport_refuses_a_dot_segment_before_any_request(
    client: BandwidthClient, sandbox: Sandbox, segment: str
) -> None:
    with pytest.raises(InvalidInputError, match="cannot be part of a URL path"):
        client.credentials.delete_credential(segment)
    with pytest.raises(InvalidInputError):
        client.realms.delete_realm(segment)
    with pytest.raises(InvalidInputError):
        client.realm_credentials.get_credential("1", segment)
    assert sandbox.requests == [] and sandbox.token_requests == 0


def test_an_account_id_of_dots_is_refused_naming_the_setting(sandbox: Sandbox) -> None:
    settings = oauth_settings(sandbox)
    dotted = BandwidthClient(type(settings)("..", settings.auth, settings.api_url))
    with pytest.raises(InvalidInputError, match=r"^bandwidth:accountId: '\.\.'"):
        dotted.credentials.list_credentials()
    assert sandbox.requests == []


@pytest.mark.parametrize("id_", BAD_IDS)
def test_credential_ids_from_state_are_refused_before_any_request(
    client: BandwidthClient, sandbox: Sandbox, id_: str
) -> None:
    ops = CredentialOperations(lambda: client)
    state = {"username": "bob", "password": "pw", "realm": DEFAULT_REALM}
    for call in (
        lambda: ops.read(id_, state),
        lambda: ops.delete(id_, state),
        lambda: ops.update(id_, state, state),
    ):
        with pytest.raises(InvalidInputError) as caught:
            call()
        assert caught.value.field == "id"
    assert sandbox.requests == []


@pytest.mark.parametrize("id_", [".", "..", "", "a/b", "%2e%2e"])
def test_realm_ids_from_state_are_refused_before_any_request(
    client: BandwidthClient, sandbox: Sandbox, id_: str
) -> None:
    ops = RealmOperations(lambda: client)
    for call in (
        lambda: ops.read(id_, {}),
        lambda: ops.delete(id_, {"name": "office"}),
        lambda: ops.update(id_, {"name": "office"}, {"name": "office"}),
    ):
        with pytest.raises(InvalidInputError) as caught:
            call()
        assert caught.value.field == "id"
    assert sandbox.requests == []


class DotIdSession(requests.Session):
    """The API answers every create with the id ``..``."""

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        response = super().request(method, url, *args, **kwargs)
        if method == "POST" and "/accounts/" in str(url):
            response._content = re.sub(rb"<Id>[^<]*</Id>", b"<Id>..</Id>", response.content)
        return response


def test_an_id_of_dots_in_an_api_reply_is_refused_and_never_used(sandbox: Sandbox) -> None:
    client = BandwidthClient(oauth_settings(sandbox), session_factory=DotIdSession)
    with pytest.raises(BandwidthApiError, match=r"answered the id '\.\.', which cannot be used"):
        client.realms.create_realm(RealmSettings(name="office", description=None, default=False))
    main = sandbox.add_realm_out_of_band("main")
    wanted = Credential(user_name="ext1", hash1="0" * 32, hash1b="1" * 32)
    before = len(sandbox.requests)
    with pytest.raises(BandwidthApiError, match=r"SIP credential 'ext1'.*answered the id '\.\.'"):
        client.realm_credentials.create_credential(main.id, wanted)
    assert [r.method for r in sandbox.requests[before:]] == ["POST"]  # no collapsed URL


# -- through Pulumi's provider protocol ------------------------------------------------------
