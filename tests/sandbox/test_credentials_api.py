"""The API client against the sandbox: operations, retries, auth, error hygiene."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from requests.exceptions import ChunkedEncodingError

from tests.support.fixtures import RecordingSleeper, basic_settings, oauth_settings

from bw_pulumi import compute_hashes
from bw_pulumi.api.auth import OAuthClientCredentials
from bw_pulumi.api.errors import BandwidthApiError
from bw_pulumi.api.retry import RetryPolicy
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.sip_credential.models import Credential
from bw_pulumi.sandbox import DEFAULT_REALM, Fault, Sandbox, StoredCredential

PASSWORD = "Tr0ub4dor&3-not-in-any-message"


def credential(username: str, domain: str | None = None, password: str = PASSWORD) -> Credential:
    hashes = compute_hashes(username, password, DEFAULT_REALM, domain)
    return Credential(username, hashes.hash1, hashes.hash1b, domain=domain, realm=DEFAULT_REALM)


def stored(cred: Credential) -> StoredCredential:
    return StoredCredential(
        user_name=cred.user_name,
        domain=cred.domain,
        hash1=cred.hash1,
        hash1b=cred.hash1b,
        realm=cred.realm or DEFAULT_REALM,
        http_voice_v2_app_id=cred.http_voice_v2_app_id,
    )


def test_create_single_then_get(client: BandwidthClient, sandbox: Sandbox) -> None:
    wanted = credential("alice", "example.com")
    created = client.credentials.create_credential(wanted)
    assert created.composite_username == "alice@example.com"
    [held] = sandbox.credentials()
    assert (held.hash1, held.hash1b, held.realm) == (wanted.hash1, wanted.hash1b, DEFAULT_REALM)
    fetched = client.credentials.get_credential("alice@example.com")
    assert fetched is not None and fetched.same_hashes(wanted)


def test_bulk_create(client: BandwidthClient, sandbox: Sandbox) -> None:
    result = client.credentials.create_credentials(
        [credential("a"), credential("b"), credential("c")]
    )
    assert sorted(c.composite_username for c in result.created) == ["a", "b", "c"]
    assert result.errors == ()
    assert len(sandbox.credentials()) == 3


def test_partial_201_reports_both_lists(client: BandwidthClient, sandbox: Sandbox) -> None:
    bad_realm = Credential("bad", "1" * 32, "2" * 32, realm="nope.auth.example.com")
    result = client.credentials.create_credentials([credential("good"), bad_realm])
    assert [c.composite_username for c in result.created] == ["good"]
    assert [(e.code, e.composite_username) for e in result.errors] == [("23018", "bad")]
    assert [c.composite_username for c in sandbox.credentials()] == ["good"]


def test_all_failed_400_raises_with_codes_for_a_single_create(client: BandwidthClient) -> None:
    with pytest.raises(BandwidthApiError) as caught:
        client.credentials.create_credential(
            Credential("x", "1" * 32, "2" * 32, realm="nope.example.com")
        )
    assert caught.value.codes == ("23018",)
    assert caught.value.status == 400


def test_all_failed_400_is_a_result_for_bulk(client: BandwidthClient) -> None:
    result = client.credentials.create_credentials(
        [Credential("x", "1" * 32, "2" * 32, realm="no.pe.com")]
    )
    assert result.created == ()
    assert [e.code for e in result.errors] == ["23018"]


def test_duplicate_with_other_hashes_is_refused(client: BandwidthClient) -> None:
    client.credentials.create_credential(credential("dup"))
    with pytest.raises(BandwidthApiError) as caught:
        client.credentials.create_credential(credential("DUP", password="another password"))
    assert caught.value.codes == ("23009",)


def test_duplicate_with_identical_hashes_is_adopted(
    client: BandwidthClient, sandbox: Sandbox
) -> None:
    client.credentials.create_credential(credential("again"))
    writes = sandbox.writes
    adopted = client.credentials.create_credential(credential("again"))
    assert adopted.composite_username == "again"
    assert len(sandbox.credentials()) == 1
    assert sandbox.writes == writes


def test_list_follows_the_303_and_every_next_page(
    client: BandwidthClient, sandbox: Sandbox
) -> None:
    for index in range(1201):
        sandbox.put_credential(stored(Credential(f"user{index:04}", "1" * 32, "2" * 32)))
    listed = client.credentials.list_credentials()
    assert len(listed) == 1201
    assert len({c.composite_username for c in listed}) == 1201
    pages = [r.path for r in sandbox.requests if r.method == "GET"]
    assert pages[0].endswith("/sipcredentials")
    assert any("page=3" in path for path in pages)


def test_list_with_fragment_and_empty_account(client: BandwidthClient) -> None:
    assert client.credentials.list_credentials() == []
    client.credentials.create_credentials([credential("sales1"), credential("ops1", "corp.com")])
    assert [
        c.user_name for c in client.credentials.list_credentials(user_name_fragment="SALES")
    ] == ["sales1"]
    assert [c.user_name for c in client.credentials.list_credentials(domain_fragment="corp")] == [
        "ops1"
    ]


def test_update_rotates_hashes(client: BandwidthClient, sandbox: Sandbox) -> None:
    client.credentials.create_credential(credential("rot"))
    rotated = credential("rot", password="a brand new password")
    client.credentials.update_credential(rotated)
    held = sandbox.get_credential("rot")
    assert held is not None and (held.hash1, held.hash1b) == (rotated.hash1, rotated.hash1b)


def test_update_of_missing_maps_404(client: BandwidthClient) -> None:
    with pytest.raises(BandwidthApiError) as caught:
        client.credentials.update_credential(credential("ghost"))
    assert caught.value.is_not_found
    assert caught.value.codes == ("23007",)


def test_get_missing_is_none_and_delete_is_idempotent(
    client: BandwidthClient, sandbox: Sandbox
) -> None:
    assert client.credentials.get_credential("nobody") is None
    client.credentials.create_credential(credential("temp", "x.com"))
    assert client.credentials.delete_credential("TEMP@x.com") is True
    assert sandbox.credentials() == []
    assert client.credentials.delete_credential("temp@x.com") is False


def test_429_honours_retry_after_without_sleeping(
    client: BandwidthClient, sandbox: Sandbox, sleeper: RecordingSleeper
) -> None:
    sandbox.inject(Fault(kind="status", status=429, retry_after="7"))
    assert client.credentials.get_credential("nobody") is None
    assert sleeper.delays == [pytest.approx(7.0, abs=0.5)]  # until the wall clock's now + 7


def test_503_is_retried_with_backoff(
    client: BandwidthClient, sandbox: Sandbox, sleeper: RecordingSleeper
) -> None:
    sandbox.inject(Fault(kind="status", status=503))
    sandbox.inject(Fault(kind="status", status=503))
    client.credentials.create_credential(credential("patient"))
    assert len(sleeper.delays) == 2
    assert sleeper.delays[1] > sleeper.delays[0]
    assert [c.composite_username for c in sandbox.credentials()] == ["patient"]


def test_retries_are_bounded(sandbox: Sandbox, sleeper: RecordingSleeper) -> None:
    client = BandwidthClient(
        oauth_settings(sandbox), policy=RetryPolicy(max_attempts=3), sleep=sleeper
    )
    client.credentials.get_credential("warmup")  # token first, so faults hit the API call
    for _ in range(5):
        sandbox.inject(Fault(kind="status", status=502))
    with pytest.raises(BandwidthApiError) as caught:
        client.credentials.get_credential("x")
    assert caught.value.status == 502
    assert len(sleeper.delays) == 2


def test_500_after_commit_on_create_ends_with_one_credential_and_no_error(
    client: BandwidthClient, sandbox: Sandbox
) -> None:
    sandbox.inject(Fault(kind="after_commit", status=500, method="POST"))
    created = client.credentials.create_credential(credential("lost-response"))
    assert created.composite_username == "lost-response"
    assert [c.composite_username for c in sandbox.credentials()] == ["lost-response"]


def test_a_500_on_a_read_is_not_retried(client: BandwidthClient, sandbox: Sandbox) -> None:
    client.credentials.create_credential(credential("x"))
    sandbox.inject(Fault(kind="status", status=500, method="GET"))
    with pytest.raises(BandwidthApiError) as caught:
        client.credentials.get_credential("x")
    assert caught.value.status == 500


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_a_500_after_commit_on_an_idempotent_write_is_retried_to_success(
    client: BandwidthClient, sandbox: Sandbox, method: str
) -> None:
    """A 500 may be a lost answer to a committed write: PUT and DELETE are sent again."""
    client.credentials.create_credential(credential("x"))
    sandbox.inject(Fault(kind="after_commit", status=500, method=method))
    rotated = credential("x", password="new password here")
    if method == "PUT":
        client.credentials.update_credential(rotated)
        held = sandbox.get_credential("x")
        assert held is not None and held.hash1 == rotated.hash1
    else:
        assert client.credentials.delete_credential("x") is False  # the retry found it gone
        assert sandbox.credentials() == []
    assert [r.status for r in sandbox.requests if r.method == method] == [
        500,
        200 if method == "PUT" else 404,
    ]


def test_timeout_is_retried(sandbox: Sandbox, sleeper: RecordingSleeper) -> None:
    client = BandwidthClient(
        oauth_settings(sandbox), policy=RetryPolicy(read_timeout=0.2), sleep=sleeper
    )
    client.credentials.get_credential("warmup")
    sandbox.inject(Fault(kind="delay", seconds=1.0))
    assert client.credentials.get_credential("x") is None
    assert len(sleeper.delays) == 1


def test_unreachable_api_fails_clearly(sleeper: RecordingSleeper) -> None:
    from bw_pulumi.api.auth import BasicAuth
    from bw_pulumi.api.transport import ClientSettings

    settings = ClientSettings("1", BasicAuth("u", PASSWORD), api_url="http://127.0.0.1:9/api")
    client = BandwidthClient(settings, policy=RetryPolicy(max_attempts=2), sleep=sleeper)
    with pytest.raises(BandwidthApiError, match="no response from Bandwidth after 2 attempt"):
        client.credentials.get_credential("x")


def test_token_is_reused_then_refreshed_on_expiry_and_on_401(sandbox: Sandbox) -> None:
    now = [1000.0]
    client = BandwidthClient(oauth_settings(sandbox), clock=lambda: now[0])
    client.credentials.get_credential("a")
    client.credentials.get_credential("b")
    assert sandbox.token_requests == 1
    now[0] += 3600  # past expires_in less the safety margin
    client.credentials.get_credential("c")
    assert sandbox.token_requests == 2
    sandbox.revoke_tokens()
    client.credentials.get_credential("d")
    assert sandbox.token_requests == 3
    assert {r.auth for r in sandbox.requests if "/accounts/" in r.path} == {"bearer"}


def test_wrong_client_secret_is_a_clear_error(sandbox: Sandbox) -> None:
    from dataclasses import replace

    settings = replace(
        oauth_settings(sandbox),
        auth=OAuthClientCredentials(
            sandbox.config.client_id, "wrong-secret-value", sandbox.token_url
        ),
    )
    with pytest.raises(BandwidthApiError) as caught:
        BandwidthClient(settings).credentials.get_credential("x")
    assert caught.value.status == 401
    assert "bandwidth:clientSecret" in str(caught.value)
    assert "wrong-secret-value" not in str(caught.value)


def test_basic_auth(sandbox: Sandbox) -> None:
    client = BandwidthClient(basic_settings(sandbox))
    client.credentials.create_credential(credential("legacy"))
    assert {r.auth for r in sandbox.requests if "/accounts/" in r.path} == {"basic"}
    assert sandbox.token_requests == 0


def _error_from(action: str, client: BandwidthClient, sandbox: Sandbox) -> BandwidthApiError:
    victim = credential("victim")
    with pytest.raises(BandwidthApiError) as caught:
        if action == "duplicate":
            client.credentials.create_credential(victim)
            client.credentials.create_credential(credential("victim", password="other " + PASSWORD))
        elif action == "bad-realm":
            client.credentials.create_credential(
                Credential("v", victim.hash1, victim.hash1b, realm="x.y.z")
            )
        elif action == "partial":
            result = client.credentials.create_credentials(
                [credential("ok"), Credential("bad user", victim.hash1, victim.hash1b)]
            )
            raise BandwidthApiError(str(result.errors))
        elif action == "update-missing":
            client.credentials.update_credential(victim)
        elif action == "server-error":
            sandbox.inject(Fault(kind="status", status=500, method="PUT"))
            client.credentials.update_credential(victim)
        elif action == "bad-app-id":
            client.credentials.create_credential(
                Credential("v", victim.hash1, victim.hash1b, http_voice_v2_app_id="not-a-uuid")
            )
    return caught.value


@pytest.mark.parametrize(
    "action",
    ["duplicate", "bad-realm", "partial", "update-missing", "server-error", "bad-app-id"],
)
def test_no_error_text_contains_a_hash_or_secret(
    action: str, client: BandwidthClient, sandbox: Sandbox
) -> None:
    error = _error_from(action, client, sandbox)
    victim = credential("victim")
    other = credential("victim", password="other " + PASSWORD)
    text = " ".join([str(error), repr(error), error.description, repr(error.entries)])
    for secret in (victim.hash1, victim.hash1b, other.hash1, other.hash1b, PASSWORD):
        assert secret not in text
    assert sandbox.config.client_secret not in text


def test_a_404_without_bandwidths_not_found_code_is_an_error_not_a_deletion(
    sandbox: Sandbox, sleeper: RecordingSleeper
) -> None:
    """A wrong API path must never look like 'the credential is gone'."""
    from dataclasses import replace

    settings = replace(oauth_settings(sandbox), api_url=sandbox.base_url + "/wrong")
    client = BandwidthClient(settings, sleep=sleeper)
    with pytest.raises(BandwidthApiError) as caught:
        client.credentials.get_credential("x")
    assert caught.value.status == 404
    with pytest.raises(BandwidthApiError):
        client.credentials.delete_credential("x")


def test_a_retry_after_beyond_the_wait_budget_fails_at_once_naming_the_time(
    sandbox: Sandbox, sleeper: RecordingSleeper
) -> None:
    policy = RetryPolicy(rate_limit_wait=60.0)
    client = BandwidthClient(oauth_settings(sandbox), policy=policy, sleep=sleeper)
    sandbox.inject(Fault(kind="status", status=429, retry_after="120"))
    sandbox.drain_requests()
    with pytest.raises(
        BandwidthApiError, match=r"rate-limited by Bandwidth until \d\d:\d\d:\d\d UTC"
    ):
        client.credentials.get_credential("x")
    assert sleeper.delays == []
    assert [r.status for r in sandbox.drain_requests() if "/accounts/" in r.path] == [429]


class FlakySession(requests.Session):
    """A real session whose first API call dies mid-response (after the server acted)."""

    def __init__(self) -> None:
        super().__init__()
        self.broken = False

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        response = super().request(method, url, *args, **kwargs)
        if "/accounts/" in str(url) and not self.broken:
            self.broken = True
            raise ChunkedEncodingError("connection broken mid-body")
        return response


def test_a_response_lost_mid_body_on_create_is_retried_and_adopted(
    sandbox: Sandbox, sleeper: RecordingSleeper
) -> None:
    client = BandwidthClient(oauth_settings(sandbox), session_factory=FlakySession, sleep=sleeper)
    created = client.credentials.create_credential(credential("midbody"))
    assert created.composite_username == "midbody"
    assert [c.composite_username for c in sandbox.credentials()] == ["midbody"]
    assert len(sleeper.delays) == 1


class BadTokenSession(requests.Session):
    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if str(url).endswith("/oauth2/token"):
            response = requests.Response()
            response.status_code = 200
            response._content = json.dumps({"access_token": "tok en\nSECRET-TAIL"}).encode()
            return response
        return super().request(method, url, *args, **kwargs)


def test_a_malformed_token_is_refused_without_echoing_it(sandbox: Sandbox) -> None:
    client = BandwidthClient(oauth_settings(sandbox), session_factory=BadTokenSession)
    with pytest.raises(BandwidthApiError, match="malformed access token") as caught:
        client.credentials.get_credential("x")
    assert "SECRET-TAIL" not in str(caught.value)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_a_write_whose_answer_is_held_past_the_read_timeout_ends_as_asked(
    sandbox: Sandbox, sleeper: RecordingSleeper, method: str
) -> None:
    """The sandbox commits, then holds the answer past the read timeout: a lost answer by
    timeout. The retry finds the write done (a duplicate with our hashes, the same PUT
    again, a credential already gone) and the call succeeds."""
    client = BandwidthClient(
        oauth_settings(sandbox), policy=RetryPolicy(read_timeout=0.3), sleep=sleeper
    )
    if method != "POST":
        client.credentials.create_credential(credential("held"))
    sandbox.inject(Fault(kind="after_commit", status=504, seconds=0.8, method=method))
    wanted = credential("held", password="the password after")
    if method == "POST":
        assert client.credentials.create_credential(wanted).composite_username == "held"
    elif method == "PUT":
        client.credentials.update_credential(wanted)
    else:
        client.credentials.delete_credential("held")
    held = {c.composite_username: c.hash1 for c in sandbox.credentials()}
    assert held == ({} if method == "DELETE" else {"held": wanted.hash1})
    assert sandbox.pending_faults == [] and len(sleeper.delays) == 1
