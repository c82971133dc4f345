"""The settings check that `pulumi preview` runs through both front doors."""

from __future__ import annotations

import pytest

from bw_pulumi.api.errors import ConfigurationError
from bw_pulumi.config.check import KNOWN_KEYS, check_settings, unknown_key_warnings

COMPLETE = {
    "bandwidth:accountId": "9900000",
    "bandwidth:clientId": "id",
    "bandwidth:clientSecret": "secret",
}


def test_a_misspelt_key_names_the_closest_setting() -> None:
    [message] = unknown_key_warnings(["bandwidth:acountId", "bandwidth:accountId"])
    assert message == (
        "unknown setting `bandwidth:acountId`, ignored: did you mean `bandwidth:accountId`?"
        " (remove it: `pulumi config rm bandwidth:acountId`)"
    )


def test_letter_case_and_far_keys() -> None:
    near, far = unknown_key_warnings(["bandwidth:ApiURL", "bandwidth:zzz"])
    assert "did you mean `bandwidth:apiUrl`?" in near
    assert "did you mean" not in far and "bandwidth:realmWaitSeconds" in far


def test_known_deprecated_engine_and_other_namespaces_pass() -> None:
    keys = [*KNOWN_KEYS, "bandwidth:tokenUrl", "bandwidth:version", "project:acountId"]
    assert unknown_key_warnings(keys) == []


def test_complete_settings_pass_without_any_request() -> None:
    check_settings(COMPLETE.get, {})


@pytest.mark.parametrize(
    ("left_out", "named"),
    [
        ("bandwidth:accountId", "bandwidth:accountId"),
        ("bandwidth:clientSecret", "only one of the client id and client secret is set"),
    ],
)
def test_a_missing_setting_is_named(left_out: str, named: str) -> None:
    config = {k: v for k, v in COMPLETE.items() if k != left_out}
    with pytest.raises(ConfigurationError, match=named):
        check_settings(config.get, {})


def test_the_environment_still_counts() -> None:
    check_settings({}.get, {"BW_ACCOUNT_ID": "1", "BW_USERNAME": "u", "BW_PASSWORD": "p"})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("bandwidth:apiUrl", "ftp://example.com"),
        ("bandwidth:realmWaitSeconds", "soon"),
        ("bandwidth:rateLimitWaitSeconds", "-1"),
    ],
)
def test_a_malformed_setting_is_named(key: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=key):
        check_settings({**COMPLETE, key: value}.get, {})
