"""The ``live`` marker's plumbing (tests/support/live.py): unique names, which settings a
live run reads, and a live run without credentials skipping with the missing variables."""

from __future__ import annotations

import pytest

from tests.support.live import (
    UNIQUE_NAME_MAX_LENGTH,
    live_requested,
    live_settings,
    missing_live_variables,
    skip_reason,
    unique_name,
)

from bw_pulumi.api.auth import BasicAuth, OAuthClientCredentials
from bw_pulumi.api.transport import DEFAULT_API_URL
from bw_pulumi.resources.sip_credential.rules import validate_username
from bw_pulumi.resources.sip_realm.rules import validate_realm_name

CREDENTIAL_VARIABLES = (
    "BW_ACCOUNT_ID",
    "BW_CLIENT_ID",
    "BW_CLIENT_SECRET",
    "BW_USERNAME",
    "BW_PASSWORD",
    "BW_API_URL",
)


@pytest.mark.parametrize("prefix", ["r", "realm", "live-test", "x" * 21])
def test_a_unique_name_is_a_valid_realm_name_and_username(prefix: str) -> None:
    name = unique_name(prefix)
    assert name.startswith(prefix + "-")
    assert len(name) <= UNIQUE_NAME_MAX_LENGTH
    validate_realm_name(name)
    validate_username(name)


def test_unique_names_differ() -> None:
    names = {unique_name("live") for _ in range(1000)}
    assert len(names) == 1000


@pytest.mark.parametrize("prefix", ["", "x" * 22, "-live", "Live", "li_ve", "li ve", "b\u00fcro"])
def test_a_prefix_that_could_make_an_invalid_name_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="prefix: must be"):
        unique_name(prefix)


def test_only_bw_live_1_asks_for_the_real_api() -> None:
    assert live_requested({"BW_LIVE": "1"})
    assert not live_requested({})
    assert not live_requested({"BW_LIVE": "0"})
    assert not live_requested({"BW_LIVE": "yes"})


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        ({}, ["BW_ACCOUNT_ID", "BW_CLIENT_ID and BW_CLIENT_SECRET or BW_USERNAME and BW_PASSWORD"]),
        (
            {"BW_ACCOUNT_ID": "9900000", "BW_CLIENT_ID": "id"},
            ["BW_CLIENT_ID and BW_CLIENT_SECRET or BW_USERNAME and BW_PASSWORD"],
        ),
        ({"BW_CLIENT_ID": "id", "BW_CLIENT_SECRET": "s"}, ["BW_ACCOUNT_ID"]),
        ({"BW_ACCOUNT_ID": "9900000", "BW_CLIENT_ID": "id", "BW_CLIENT_SECRET": "s"}, []),
        ({"BW_ACCOUNT_ID": "9900000", "BW_USERNAME": "u", "BW_PASSWORD": "p"}, []),
    ],
)
def test_the_missing_variables_are_named(environ: dict[str, str], missing: list[str]) -> None:
    assert missing_live_variables(environ) == missing
    reason = skip_reason(environ)
    if missing:
        assert reason is not None and reason.startswith("BW_LIVE=1 needs Bandwidth credentials")
        assert all(words in reason for words in missing)
    else:
        assert reason is None


def test_live_settings_are_read_as_the_providers_read_them() -> None:
    oauth = live_settings(
        {"BW_ACCOUNT_ID": "9900000", "BW_CLIENT_ID": "i", "BW_CLIENT_SECRET": "s"}
    )
    assert oauth.is_live and oauth.sandbox is None
    assert oauth.settings.account_id == "9900000"
    assert isinstance(oauth.settings.auth, OAuthClientCredentials)
    assert oauth.settings.api_url == DEFAULT_API_URL
    environ = {
        "BW_ACCOUNT_ID": "9900000",
        "BW_USERNAME": "u",
        "BW_PASSWORD": "api-password-7",
        "BW_API_URL": "https://test.bandwidth.example/api",
        "HOME": "/root",
    }
    basic = live_settings(environ)
    assert isinstance(basic.settings.auth, BasicAuth)
    assert basic.settings.api_url == "https://test.bandwidth.example/api"
    assert dict(basic.environ) == {k: v for k, v in environ.items() if k != "HOME"}
    assert "api-password-7" not in repr(basic)


LIVE_TESTS = """
import pytest

@pytest.mark.live
def test_with_the_fixture(live_api):
    assert live_api.is_live

@pytest.mark.live
def test_without_it():
    pass

def test_not_live():
    pass
"""


@pytest.fixture
def live_run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytest run with the live plugin, BW_LIVE=1 and none of the credentials."""
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BW_LIVE", "1")
    pytester.makeini("[pytest]\nmarkers =\n    live: against the real API with BW_LIVE=1\n")
    pytester.makepyfile(test_live_example=LIVE_TESTS)
    return pytester


def test_a_live_run_without_credentials_skips_naming_what_is_missing(
    live_run: pytest.Pytester,
) -> None:
    result = live_run.runpytest("-p", "tests.support.live", "-m", "live", "-rs")
    result.assert_outcomes(skipped=1, errors=1, deselected=1)
    result.stdout.fnmatch_lines(
        [
            "*SKIPPED*BW_LIVE=1 needs Bandwidth credentials: set BW_ACCOUNT_ID;"
            " BW_CLIENT_ID and BW_CLIENT_SECRET or BW_USERNAME and BW_PASSWORD*"
        ]
    )


def test_a_live_test_without_the_live_api_fixture_fails(live_run: pytest.Pytester) -> None:
    result = live_run.runpytest("-p", "tests.support.live", "-k", "without_it")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*a test marked live must take the live_api fixture*"])
