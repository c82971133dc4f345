"""bandwidth:apiUrl and bandwidth:oauthUrl: https, plain http only for loopback, no userinfo,
query or fragment; a bad value fails when the provider is configured, naming the key, and
no request is sent (both front doors: tests/protocol/test_api_urls.py)."""

from __future__ import annotations

import pytest

from bw_pulumi.api.errors import ConfigurationError
from bw_pulumi.api.urls import url_problem
from bw_pulumi.config.settings import load_api_urls, load_client_settings

BASIC = {"bandwidth:accountId": "1", "bandwidth:apiUsername": "u", "bandwidth:apiPassword": "p"}


@pytest.mark.parametrize(
    "url",
    [
        "https://api.bandwidth.com/api",
        "https://api.bandwidth.com:8443/api/",
        "http://127.0.0.1:8765",
        "http://127.10.0.3/api",
        "http://[::1]:8765/api",
        "http://localhost:8765",
        "http://LOCALHOST./api",
    ],
)
def test_good_urls(url: str) -> None:
    assert url_problem(url) == ""


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://api.bandwidth.com/api", "plain http is allowed only for loopback"),
        ("http://0.0.0.0:8765", "plain http is allowed only for loopback"),
        ("http://10.0.0.1/api", "plain http is allowed only for loopback"),
        ("http://localhost.evil.example/api", "plain http is allowed only for loopback"),
        ("https://user:hunter2@api.bandwidth.com/api", "userinfo"),
        ("https://user@api.bandwidth.com/api", "userinfo"),
        ("https://api.bandwidth.com/api?x=1", "query or fragment"),
        ("https://api.bandwidth.com/api#top", "query or fragment"),
        ("https://api.bandwidth.com/api?", "query or fragment"),
        ("ftp://api.bandwidth.com/api", "not an absolute http(s) URL"),
        ("api.bandwidth.com/api", "not an absolute http(s) URL"),
        ("https:///api", "not an absolute http(s) URL"),
        ("https://api.bandwidth.com:port/api", "not a URL"),
        ("https://api.bandwidth.com/a pi", "whitespace"),
    ],
)
def test_bad_urls_say_what_is_wrong(url: str, problem: str) -> None:
    assert problem in url_problem(url)


@pytest.mark.parametrize(
    ("config", "environ", "named"),
    [
        ({"bandwidth:apiUrl": "http://api.example.com"}, {}, "bandwidth:apiUrl"),
        ({}, {"BW_API_URL": "http://api.example.com"}, "BW_API_URL"),
        ({"bandwidth:oauthUrl": "https://u:pw@id.example.com/t"}, {}, "bandwidth:oauthUrl"),
        ({"bandwidth:tokenUrl": "https://u:pw@id.example.com/t"}, {}, "bandwidth:tokenUrl"),
        ({}, {"BW_TOKEN_URL": "https://u:pw@id.example.com/t"}, "BW_TOKEN_URL"),
    ],
)
def test_a_bad_url_names_where_it_came_from_and_never_echoes_it(
    config: dict[str, str], environ: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_api_urls(config.get, environ)
    message = str(caught.value)
    assert message.startswith(f"{named} must be an https:// URL")
    assert "u:pw" not in message and "api.example.com/" not in message
    with pytest.raises(ConfigurationError, match=named):
        load_client_settings({**BASIC, **config}.get, environ, lambda _: None)


def test_unset_urls_are_bandwidths() -> None:
    api_url, oauth_url = load_api_urls({}.get, {})
    assert api_url.startswith("https://api.bandwidth.com/")
    assert oauth_url.startswith("https://api.bandwidth.com/")


# -- through Pulumi's provider protocol ----------------------------------------------------
