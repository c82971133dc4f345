"""The rate-limit wait budget setting: stack config, then the environment, then 300 s."""

from __future__ import annotations

import pytest

from bw_pulumi.api.errors import ConfigurationError
from bw_pulumi.config.properties import PROVIDER_CONFIG
from bw_pulumi.config.settings import (
    DEFAULT_RATE_LIMIT_WAIT_SECONDS,
    load_rate_limit_wait_seconds,
    retry_policy,
)

KEY, ENV = "bandwidth:rateLimitWaitSeconds", "BW_RATE_LIMIT_WAIT_SECONDS"


def test_the_default_is_five_minutes() -> None:
    assert load_rate_limit_wait_seconds({}.get, {}) == DEFAULT_RATE_LIMIT_WAIT_SECONDS == 300.0
    assert retry_policy({}.get, {}).rate_limit_wait == 300.0


def test_stack_config_wins_over_the_environment() -> None:
    assert load_rate_limit_wait_seconds({KEY: "45"}.get, {ENV: "10"}) == 45.0
    assert load_rate_limit_wait_seconds({KEY: 45.0}.get, {}) == 45.0  # the package's number
    assert load_rate_limit_wait_seconds({}.get, {ENV: "10"}) == 10.0
    assert retry_policy({KEY: "12.5"}.get, {}).rate_limit_wait == 12.5


def test_zero_means_never_wait() -> None:
    assert load_rate_limit_wait_seconds({KEY: "0"}.get, {ENV: "10"}) == 0.0
    assert load_rate_limit_wait_seconds({KEY: 0.0}.get, {}) == 0.0


@pytest.mark.parametrize("bad", ["-1", "soon", "nan", "inf", "86401", "²"])
def test_a_bad_value_names_the_key_and_the_rule(bad: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_rate_limit_wait_seconds({KEY: bad}.get, {})
    assert str(caught.value).startswith(f"{KEY} must be a number of seconds from 0 to 86400")
    with pytest.raises(ConfigurationError, match=KEY):
        load_rate_limit_wait_seconds({}.get, {ENV: bad})


def test_it_is_a_provider_setting_of_both_front_doors() -> None:
    [setting] = [c for c in PROVIDER_CONFIG if c.name == "rateLimitWaitSeconds"]
    assert (setting.type, setting.setting.env_var, setting.secret) == ("number", ENV, False)
