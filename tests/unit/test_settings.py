"""Provider settings: the renamed OAuth2 URL key, and the deprecated name that still works."""

from __future__ import annotations

import pytest

from bw_pulumi.api.auth import OAuthClientCredentials
from bw_pulumi.api.transport import DEFAULT_TOKEN_URL
from bw_pulumi.config.settings import load_client_settings

OAUTH = {"bandwidth:accountId": "1", "bandwidth:clientId": "id", "bandwidth:clientSecret": "s"}


def token_url(
    config: dict[str, str], environ: dict[str, str] | None = None
) -> tuple[str, list[str]]:
    warnings: list[str] = []
    settings = load_client_settings(config.get, environ or {}, warnings.append)
    assert isinstance(settings.auth, OAuthClientCredentials)
    return settings.auth.token_url, warnings


def test_oauth_url_sets_the_token_endpoint() -> None:
    assert token_url({**OAUTH, "bandwidth:oauthUrl": "https://new/t"}) == ("https://new/t", [])


def test_the_old_key_still_works_and_says_how_to_rename_it() -> None:
    url, [warning] = token_url({**OAUTH, "bandwidth:tokenUrl": "https://old/t"})
    assert url == "https://old/t"
    assert warning == (
        "bandwidth:tokenUrl is deprecated; rename it: `pulumi config rm bandwidth:tokenUrl`"
        " and `pulumi config set bandwidth:oauthUrl <value>`"
    )
    assert "https://old/t" not in warning


def test_the_new_key_wins_and_the_old_one_is_called_ignored() -> None:
    config = {**OAUTH, "bandwidth:oauthUrl": "https://new/t", "bandwidth:tokenUrl": "https://old/t"}
    url, [warning] = token_url(config)
    assert url == "https://new/t"
    assert "ignored" in warning and "pulumi config rm bandwidth:tokenUrl" in warning


@pytest.mark.parametrize(
    ("environ", "expected"),
    [({}, DEFAULT_TOKEN_URL), ({"BW_TOKEN_URL": "https://env/t"}, "https://env/t")],
)
def test_without_config_the_environment_then_the_default(
    environ: dict[str, str], expected: str
) -> None:
    assert token_url(OAUTH, environ) == (expected, [])


def test_stack_config_of_either_name_wins_over_the_environment() -> None:
    environ = {"BW_TOKEN_URL": "https://env/t"}
    assert (
        token_url({**OAUTH, "bandwidth:tokenUrl": "https://old/t"}, environ)[0] == "https://old/t"
    )
