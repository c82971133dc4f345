"""Provider settings: Pulumi stack config first, environment variables second."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bw_pulumi.auth import Auth, BasicAuth, OAuthClientCredentials
from bw_pulumi.client import DEFAULT_API_URL, DEFAULT_TOKEN_URL, ClientSettings
from bw_pulumi.errors import ConfigurationError

ConfigLookup = Callable[[str], object]


@dataclass(frozen=True)
class Setting:
    config_key: str
    env_var: str


ACCOUNT_ID = Setting("bandwidth:accountId", "BW_ACCOUNT_ID")
CLIENT_ID = Setting("bandwidth:clientId", "BW_CLIENT_ID")
CLIENT_SECRET = Setting("bandwidth:clientSecret", "BW_CLIENT_SECRET")
API_USERNAME = Setting("bandwidth:apiUsername", "BW_USERNAME")
API_PASSWORD = Setting("bandwidth:apiPassword", "BW_PASSWORD")
API_URL = Setting("bandwidth:apiUrl", "BW_API_URL")
TOKEN_URL = Setting("bandwidth:tokenUrl", "BW_TOKEN_URL")


def load_client_settings(
    config: ConfigLookup, environ: Mapping[str, str] | None = None
) -> ClientSettings:
    """Build client settings, or raise naming exactly the keys that are missing."""
    env = os.environ if environ is None else environ

    def value(setting: Setting) -> str | None:
        found = config(setting.config_key)
        if found is None or found == "":
            found = env.get(setting.env_var) or None
        return None if found is None else str(found)

    account_id = value(ACCOUNT_ID)
    if account_id is None:
        raise ConfigurationError(
            f"Bandwidth account id is not set: run `pulumi config set {ACCOUNT_ID.config_key}"
            f" <id>` or export {ACCOUNT_ID.env_var}"
        )
    return ClientSettings(
        account_id=account_id,
        auth=_auth(value),
        api_url=value(API_URL) or DEFAULT_API_URL,
    )


def _auth(value: Callable[[Setting], str | None]) -> Auth:
    client_id, client_secret = value(CLIENT_ID), value(CLIENT_SECRET)
    if client_id and client_secret:
        token_url = value(TOKEN_URL) or DEFAULT_TOKEN_URL
        return OAuthClientCredentials(client_id, client_secret, token_url)
    username, password = value(API_USERNAME), value(API_PASSWORD)
    if username and password:
        return BasicAuth(username, password)
    raise ConfigurationError(
        "Bandwidth API credentials are not set: set "
        f"{CLIENT_ID.config_key} and `pulumi config set --secret {CLIENT_SECRET.config_key}`"
        f" (or {CLIENT_ID.env_var}/{CLIENT_SECRET.env_var}), or for a legacy API user "
        f"{API_USERNAME.config_key} and {API_PASSWORD.config_key}"
        f" (or {API_USERNAME.env_var}/{API_PASSWORD.env_var})"
        + _half_set_hint(client_id, client_secret, username, password)
    )


def _half_set_hint(
    client_id: str | None, client_secret: str | None, username: str | None, password: str | None
) -> str:
    if bool(client_id) != bool(client_secret):
        return "; only one of the client id and client secret is set"
    if bool(username) != bool(password):
        return "; only one of the API username and password is set"
    return ""
