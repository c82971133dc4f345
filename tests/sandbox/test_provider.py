"""SipCredentialProvider hooks called directly, against the sandbox."""

from __future__ import annotations

import pickle
import threading
from typing import Any

import dill
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.runtime.rpc import UNKNOWN

from tests.unit.test_provider import PASSWORD, inputs

from bw_pulumi import SipCredentialProvider, compute_hashes
from bw_pulumi.api.errors import BandwidthApiError, ConfigurationError
from bw_pulumi.resources.hook_errors import ProviderOperationError
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox, StoredCredential


def configured(sandbox: Sandbox, **overrides: str) -> SipCredentialProvider:
    config = {
        "bandwidth:accountId": sandbox.account_id,
        "bandwidth:clientId": sandbox.config.client_id,
        "bandwidth:clientSecret": sandbox.config.client_secret,
        "bandwidth:apiUrl": sandbox.base_url,
        "bandwidth:oauthUrl": sandbox.token_url,
        **overrides,
    }
    provider = SipCredentialProvider()
    provider.configure(ConfigureRequest(Config(config, "bw-pulumi")))
    return provider


@pytest.fixture
def provider(sandbox: Sandbox) -> SipCredentialProvider:
    return configured(sandbox)


# -- check ------------------------------------------------------------------------------------


def test_check_accepts_good_inputs_and_drops_unknown_keys(
    provider: SipCredentialProvider, sandbox: Sandbox
) -> None:
    result = provider.check({}, {**inputs(domain="x.com"), "surprise": 1, "__provider": "p"})
    assert result.failures == []
    # composite_username rides along, so a preview shows it known (see provider.py).
    assert result.inputs == {**inputs(domain="x.com"), "composite_username": "alice@x.com"}
    assert sandbox.requests == []


def test_check_reports_each_bad_property_without_secrets(
    provider: SipCredentialProvider, sandbox: Sandbox
) -> None:
    news = {
        "username": "bad:name",
        "password": "p" * 2000,
        "realm": "nodots",
        "domain": "a b",
        "http_voice_v2_app_id": "nope",
        "adopt": "yes",
    }
    failures = {f.property: f.reason for f in provider.check({}, news).failures}
    assert set(failures) == {
        "username",
        "password",
        "realm",
        "domain",
        "http_voice_v2_app_id",
        "adopt",
    }
    assert "':' or '@'" in failures["username"]
    assert all("p" * 20 not in reason for reason in failures.values())
    assert sandbox.requests == []


def test_check_requires_username_password_realm(provider: SipCredentialProvider) -> None:
    failures = provider.check({}, {}).failures
    assert sorted(f.property for f in failures) == ["password", "realm", "username"]


def test_check_lets_unknown_values_through(provider: SipCredentialProvider) -> None:
    result = provider.check({}, inputs(password=UNKNOWN, domain=UNKNOWN))
    assert result.failures == []


def test_check_rejects_non_string(provider: SipCredentialProvider) -> None:
    [failure] = provider.check({}, inputs(username=42)).failures
    assert failure.property == "username"
    assert "must be a string" in failure.reason


# -- diff -------------------------------------------------------------------------------------


def created_state(provider: SipCredentialProvider, **kwargs: Any) -> dict[str, Any]:
    return provider.create(inputs(**kwargs)).outs or {}


def test_diff_no_change(provider: SipCredentialProvider, sandbox: Sandbox) -> None:
    olds = created_state(provider)
    requests_before = len(sandbox.requests)
    result = provider.diff("alice", olds, inputs())
    assert result.changes is False
    assert result.replaces == []
    assert len(sandbox.requests) == requests_before


@pytest.mark.parametrize(
    ("change", "replaces", "delete_first"),
    [
        ({"password": "a new password"}, [], False),
        ({"realm": "other.auth.bandwidth.com"}, [], False),
        ({"http_voice_v2_app_id": "6f1f2b56-3c4b-4e9f-9d3a-0c1e2f3a4b5c"}, [], False),
        ({"username": "bob"}, ["username"], False),
        ({"domain": "x.com"}, ["domain"], False),
        ({"username": "ALICE"}, ["username"], True),
    ],
)
def test_diff_update_or_replace(
    provider: SipCredentialProvider,
    change: dict[str, str],
    replaces: list[str],
    delete_first: bool,
) -> None:
    olds = created_state(provider)
    result = provider.diff("alice", olds, {**inputs(), **change})
    assert result.changes is True
    assert result.replaces == replaces
    assert bool(result.delete_before_replace) is delete_first


def test_diff_domain_case_only_change_deletes_first(provider: SipCredentialProvider) -> None:
    olds = created_state(provider, domain="x.com")
    result = provider.diff("alice@x.com", olds, inputs(domain="X.COM"))
    assert result.replaces == ["domain"]
    assert result.delete_before_replace is True


def test_diff_removing_the_app_id_recreates(provider: SipCredentialProvider) -> None:
    app = "6f1f2b56-3c4b-4e9f-9d3a-0c1e2f3a4b5c"
    olds = created_state(provider, http_voice_v2_app_id=app)
    result = provider.diff("alice", olds, inputs())
    assert result.replaces == ["http_voice_v2_app_id"]
    assert result.delete_before_replace is True


def test_diff_detects_drifted_hashes(provider: SipCredentialProvider) -> None:
    olds = {**created_state(provider), "hash1": "0" * 32}
    assert provider.diff("alice", olds, inputs()).changes is True


def test_diff_ignores_adopt(provider: SipCredentialProvider) -> None:
    olds = created_state(provider)
    assert provider.diff("alice", olds, inputs(adopt=True)).changes is False


def test_diff_with_unknown_password_reports_a_change(provider: SipCredentialProvider) -> None:
    olds = created_state(provider)
    result = provider.diff("alice", olds, inputs(password=UNKNOWN))
    assert result.changes is True
    assert result.replaces == []


# -- create / read / update / delete ----------------------------------------------------------


def test_create_outputs_everything(provider: SipCredentialProvider, sandbox: Sandbox) -> None:
    result = provider.create(inputs(domain="x.com"))
    expected = compute_hashes("alice", PASSWORD, DEFAULT_REALM, "x.com")
    assert result.id == "alice@x.com"
    assert result.outs == {
        "username": "alice",
        "password": PASSWORD,
        "realm": DEFAULT_REALM,
        "domain": "x.com",
        "composite_username": "alice@x.com",
        "hash1": expected.hash1,
        "hash1b": expected.hash1b,
    }
    held = sandbox.get_credential("alice@x.com")
    assert held is not None and (held.hash1, held.hash1b) == (expected.hash1, expected.hash1b)


def test_create_duplicate_fails_with_the_api_reason(
    provider: SipCredentialProvider, sandbox: Sandbox
) -> None:
    provider.create(inputs())
    with pytest.raises(ProviderOperationError, match="23009") as caught:
        provider.create(inputs(password="someone else's password"))
    assert isinstance(caught.value.cause, BandwidthApiError)
    assert "someone else" not in str(caught.value)


def test_create_adopts_its_own_lost_create(
    provider: SipCredentialProvider, sandbox: Sandbox
) -> None:
    provider.create(inputs())
    assert provider.create(inputs()).id == "alice"
    assert len(sandbox.credentials()) == 1


def test_adopt_takes_over_an_existing_credential(
    provider: SipCredentialProvider, sandbox: Sandbox
) -> None:
    old = compute_hashes("legacy", "the old password", DEFAULT_REALM)
    sandbox.put_credential(
        StoredCredential("legacy", None, old.hash1, old.hash1b, DEFAULT_REALM, None)
    )
    result = provider.create(inputs("legacy", adopt=True))
    assert result.id == "legacy"
    held = sandbox.get_credential("legacy")
    assert (
        held is not None and held.hash1 == compute_hashes("legacy", PASSWORD, DEFAULT_REALM).hash1
    )
    assert result.outs is not None and result.outs["adopt"] is True


def test_adopt_of_a_missing_credential_just_creates(
    provider: SipCredentialProvider, sandbox: Sandbox
) -> None:
    provider.create(inputs("fresh", adopt=True))
    assert [c.composite_username for c in sandbox.credentials()] == ["fresh"]


def test_read_returns_live_hashes_and_keeps_the_password(
    provider: SipCredentialProvider, sandbox: Sandbox
) -> None:
    state = created_state(provider)
    sandbox.put_credential(StoredCredential("alice", None, "a" * 32, "b" * 32, DEFAULT_REALM, None))
    result = provider.read("alice", state)
    assert result.id == "alice"
    assert result.outs is not None
    assert (result.outs["hash1"], result.outs["hash1b"]) == ("a" * 32, "b" * 32)
    assert result.outs["password"] == PASSWORD
    assert provider.diff("alice", result.outs, inputs()).changes is True


def test_read_of_a_deleted_credential_returns_no_id(
    provider: SipCredentialProvider, sandbox: Sandbox
) -> None:
    state = created_state(provider)
    sandbox.delete_credential("alice")
    result = provider.read("alice", state)
    assert not result.id


def test_read_by_id_alone_returns_what_the_api_has(
    provider: SipCredentialProvider, sandbox: Sandbox
) -> None:
    sandbox.put_credential(
        StoredCredential("imported", "corp.com", "c" * 32, "d" * 32, DEFAULT_REALM, None)
    )
    result = provider.read("imported@corp.com", {})
    assert result.outs == {
        "username": "imported",
        "domain": "corp.com",
        "realm": DEFAULT_REALM,
        "composite_username": "imported@corp.com",
        "hash1": "c" * 32,
        "hash1b": "d" * 32,
    }


def test_update_rotates_in_place(provider: SipCredentialProvider, sandbox: Sandbox) -> None:
    olds = created_state(provider)
    result = provider.update("alice", olds, inputs(password="rotated password"))
    rotated = compute_hashes("alice", "rotated password", DEFAULT_REALM)
    assert result.outs is not None and result.outs["hash1"] == rotated.hash1
    held = sandbox.get_credential("alice")
    assert held is not None and held.hash1b == rotated.hash1b
    assert [
        r.method for r in sandbox.requests if r.method in ("PUT", "POST") and "/accounts/" in r.path
    ] == ["POST", "PUT"]


def test_update_recreates_a_credential_deleted_out_of_band(
    provider: SipCredentialProvider, sandbox: Sandbox
) -> None:
    olds = created_state(provider)
    sandbox.delete_credential("alice")
    provider.update("alice", olds, inputs(password="rotated password"))
    assert [c.composite_username for c in sandbox.credentials()] == ["alice"]


def test_delete_and_delete_of_missing(provider: SipCredentialProvider, sandbox: Sandbox) -> None:
    state = created_state(provider)
    provider.delete("alice", state)
    assert sandbox.credentials() == []
    provider.delete("alice", state)


# -- configuration, pickling, threads ------------------------------------------------------------


def test_basic_auth_configuration(sandbox: Sandbox) -> None:
    provider = configured(
        sandbox,
        **{
            "bandwidth:clientId": "",
            "bandwidth:clientSecret": "",
            "bandwidth:apiUsername": sandbox.config.basic_username,
            "bandwidth:apiPassword": sandbox.config.basic_password,
        },
    )
    provider.create(inputs())
    assert {r.auth for r in sandbox.requests if "/accounts/" in r.path} == {"basic"}


def test_environment_fallback(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "BW_ACCOUNT_ID": sandbox.account_id,
        "BW_USERNAME": sandbox.config.basic_username,
        "BW_PASSWORD": sandbox.config.basic_password,
        "BW_API_URL": sandbox.base_url,
    }.items():
        monkeypatch.setenv(name, value)
    provider = SipCredentialProvider()
    provider.configure(ConfigureRequest(Config({}, "bw-pulumi")))
    provider.create(inputs())
    assert len(sandbox.credentials()) == 1


def test_an_unknown_key_is_a_warning_naming_the_closest(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="bw_pulumi"):
        configured(sandbox, **{"bandwidth:realmWaitSecnds": "9"})
    assert "did you mean `bandwidth:realmWaitSeconds`?" in caplog.text


def test_pickled_provider_carries_no_settings(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BW_ACCOUNT_ID", raising=False)
    provider = configured(sandbox)
    provider.create(inputs())
    blob = dill.dumps(provider, protocol=pickle.DEFAULT_PROTOCOL, recurse=True)
    for secret in (sandbox.config.client_secret, sandbox.base_url, sandbox.account_id):
        assert secret.encode() not in blob
    clone = dill.loads(blob)
    with pytest.raises(ProviderOperationError) as caught:
        clone.read("alice", {})
    assert isinstance(caught.value.cause, ConfigurationError)


def test_one_instance_serves_concurrent_calls(
    provider: SipCredentialProvider, sandbox: Sandbox
) -> None:
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            name = f"user{index}"
            state = provider.create(inputs(name)).outs or {}
            provider.update(name, state, inputs(name, password="rotated " + name))
            assert provider.read(name, state).id == name
        except BaseException as error:  # collected and asserted on below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(sandbox.credentials()) == 16
    assert sandbox.token_requests == 1


def test_a_duplicate_without_adopt_says_how_to_take_it_over(
    provider: SipCredentialProvider, sandbox: Sandbox
) -> None:
    provider.create(inputs())
    with pytest.raises(ProviderOperationError, match="adopt=True"):
        provider.create(inputs(password="another password entirely"))


def test_adopt_recreates_what_a_put_cannot_change(
    provider: SipCredentialProvider, sandbox: Sandbox
) -> None:
    app = "6f1f2b56-3c4b-4e9f-9d3a-0c1e2f3a4b5c"
    old = compute_hashes("Legacy", "old password", DEFAULT_REALM)
    sandbox.put_credential(
        StoredCredential("Legacy", None, old.hash1, old.hash1b, DEFAULT_REALM, app)
    )
    state = provider.create(inputs("legacy", adopt=True)).outs or {}
    [held] = sandbox.credentials()
    assert (held.user_name, held.http_voice_v2_app_id) == ("legacy", None)
    refreshed = provider.read("legacy", state).outs or {}
    assert provider.diff("legacy", refreshed, inputs("legacy", adopt=True)).changes is False


def test_read_raises_rather_than_dropping_state_on_a_foreign_404(sandbox: Sandbox) -> None:
    provider = configured(sandbox, **{"bandwidth:apiUrl": sandbox.base_url + "/typo"})
    with pytest.raises(ProviderOperationError, match="HTTP 404") as caught:
        provider.read("alice", {})
    assert isinstance(caught.value.cause, BandwidthApiError)


def test_stack_config_auth_wins_over_environment_auth(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bw_pulumi.api.auth import BasicAuth
    from bw_pulumi.config.settings import load_client_settings

    env = {"BW_CLIENT_ID": "other-account-client", "BW_CLIENT_SECRET": "other-secret"}
    config = {
        "bandwidth:accountId": "1",
        "bandwidth:apiUsername": "u",
        "bandwidth:apiPassword": "p",
    }
    settings = load_client_settings(config.get, env)
    assert isinstance(settings.auth, BasicAuth)
    mixed = load_client_settings(
        {"bandwidth:accountId": "1", "bandwidth:clientId": "c"}.get, {"BW_CLIENT_SECRET": "s"}
    )
    assert type(mixed.auth).__name__ == "OAuthClientCredentials"


def test_empty_optional_inputs_mean_absent(provider: SipCredentialProvider) -> None:
    result = provider.check({}, inputs(domain="", http_voice_v2_app_id=""))
    assert result.failures == []
    assert result.inputs == {**inputs(), "composite_username": "alice"}
