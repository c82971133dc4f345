"""Provider settings: Pulumi stack config first, environment variables second."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bw_pulumi.api.auth import Auth, BasicAuth, OAuthClientCredentials
from bw_pulumi.api.errors import ConfigurationError
from bw_pulumi.api.retry import RetryPolicy
from bw_pulumi.api.transport import DEFAULT_API_URL, DEFAULT_TOKEN_URL, ClientSettings
from bw_pulumi.api.urls import check_api_url

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
OAUTH_URL = Setting("bandwidth:oauthUrl", "BW_TOKEN_URL")
#: The old name of ``bandwidth:oauthUrl``, still read. The Pulumi CLI refuses a plain
#: ``pulumi config set`` of any key whose name contains "token", "secret", "pass", "pwd" or
#: "passwd" when the value looks random enough (cmd/pulumi/config/config.go, looksLikeSecret).
DEPRECATED_KEYS = {"bandwidth:tokenUrl": OAUTH_URL}

Warn = Callable[[str], None]

REALM_WAIT_SECONDS = Setting("bandwidth:realmWaitSeconds", "BW_REALM_WAIT_SECONDS")
DEFAULT_REALM_WAIT_SECONDS = 300.0


def load_realm_wait_seconds(
    config: ConfigLookup, environ: Mapping[str, str] | None = None
) -> float:
    """How long a realm create or delete may wait for Bandwidth to finish it."""
    return _load_seconds(
        REALM_WAIT_SECONDS, DEFAULT_REALM_WAIT_SECONDS, config, environ, zero_allowed=False
    )


RATE_LIMIT_WAIT_SECONDS = Setting("bandwidth:rateLimitWaitSeconds", "BW_RATE_LIMIT_WAIT_SECONDS")
DEFAULT_RATE_LIMIT_WAIT_SECONDS = RetryPolicy().rate_limit_wait


def load_rate_limit_wait_seconds(
    config: ConfigLookup, environ: Mapping[str, str] | None = None
) -> float:
    """How long one API call may wait, in all, for Bandwidth's rate limits to reset; 0 fails
    at once on any limit (see :mod:`bw_pulumi.api.rate_limit`)."""
    return _load_seconds(
        RATE_LIMIT_WAIT_SECONDS, DEFAULT_RATE_LIMIT_WAIT_SECONDS, config, environ, zero_allowed=True
    )


BULK_CREATE_SIZE = Setting("bandwidth:bulkCreateSize", "BW_BULK_CREATE_SIZE")
DEFAULT_BULK_CREATE_SIZE = 100
MAX_BULK_CREATE_SIZE = 1000
WRITE_CONCURRENCY = Setting("bandwidth:writeConcurrency", "BW_WRITE_CONCURRENCY")
DEFAULT_WRITE_CONCURRENCY = 16
MAX_WRITE_CONCURRENCY = 64


def load_bulk_create_size(config: ConfigLookup, environ: Mapping[str, str] | None = None) -> int:
    """How many entries a SipCredentialSet sends in one bulk create (POST)."""
    return _load_count(
        BULK_CREATE_SIZE, DEFAULT_BULK_CREATE_SIZE, MAX_BULK_CREATE_SIZE, config, environ
    )


def load_write_concurrency(config: ConfigLookup, environ: Mapping[str, str] | None = None) -> int:
    """How many updates or deletes a SipCredentialSet has in flight at once."""
    return _load_count(
        WRITE_CONCURRENCY, DEFAULT_WRITE_CONCURRENCY, MAX_WRITE_CONCURRENCY, config, environ
    )


def _load_count(
    setting: Setting,
    default: int,
    highest: int,
    config: ConfigLookup,
    environ: Mapping[str, str] | None,
) -> int:
    """A whole number from 1 to ``highest``, from stack config, else the environment."""
    env = os.environ if environ is None else environ
    raw = config(setting.config_key)
    raw = env.get(setting.env_var) if raw is None or raw == "" else raw
    if raw is None or raw == "":
        return default
    text = str(raw).strip()
    count = int(text) if text.isascii() and text.isdecimal() else 0
    if not 1 <= count <= highest:
        raise ConfigurationError(
            f"{setting.config_key} must be a whole number from 1 to {highest} (got {raw!r});"
            f" set it with `pulumi config set {setting.config_key} <number>`"
        )
    return count


def _load_seconds(
    setting: Setting,
    default: float,
    config: ConfigLookup,
    environ: Mapping[str, str] | None,
    *,
    zero_allowed: bool,
) -> float:
    """A number of seconds, at most a day, from stack config, else the environment."""
    env = os.environ if environ is None else environ
    raw = config(setting.config_key)
    raw = env.get(setting.env_var) if raw is None or raw == "" else raw
    if raw is None or raw == "":
        return default
    try:
        seconds = float(str(raw))
    except ValueError:
        seconds = -1.0
    lowest_ok = seconds >= 0 if zero_allowed else seconds > 0
    if not (lowest_ok and seconds <= 86_400):
        bounds = "from 0 to 86400" if zero_allowed else "above 0, at most 86400"
        raise ConfigurationError(
            f"{setting.config_key} must be a number of seconds {bounds} (got {raw!r});"
            f" set it with `pulumi config set {setting.config_key} <seconds>`"
        )
    return seconds


def retry_policy(config: ConfigLookup, environ: Mapping[str, str] | None = None) -> RetryPolicy:
    """The retry policy with the provider's settings in it."""
    return RetryPolicy(rate_limit_wait=load_rate_limit_wait_seconds(config, environ))


def load_client_settings(
    config: ConfigLookup, environ: Mapping[str, str] | None = None, warn: Warn | None = None
) -> ClientSettings:
    """Build client settings, or raise naming exactly the keys that are missing.

    Each value comes from stack config, else the environment. The auth mode is chosen from
    complete pair in stack config first, so a stray ``BW_CLIENT_ID``/``BW_CLIENT_SECRET``
    exported for another account never overrides the stack's own API user; only then are
    config and environment combined key by key. A deprecated config key still counts, and
    ``warn`` (default: a Pulumi warning, which ``pulumi up`` prints) says what to do instead.
    """
    env = os.environ if environ is None else environ
    api_url, oauth_url = load_api_urls(config, env)
    config = _with_deprecated_keys(config, warn or _log_warning)

    def from_config(setting: Setting) -> str | None:
        found = config(setting.config_key)
        return None if found is None or found == "" else str(found)

    def value(setting: Setting) -> str | None:
        return from_config(setting) or env.get(setting.env_var) or None

    account_id = value(ACCOUNT_ID)
    if account_id is None:
        raise ConfigurationError(
            f"Bandwidth account id is not set: run `pulumi config set {ACCOUNT_ID.config_key}"
            f" <id>` or export {ACCOUNT_ID.env_var}"
        )
    auth = _auth(from_config, oauth_url) or _auth(value, oauth_url)
    if auth is None:
        raise ConfigurationError(_missing_auth_message(value))
    return ClientSettings(account_id=account_id, auth=auth, api_url=api_url)


def load_api_urls(
    config: ConfigLookup, environ: Mapping[str, str] | None = None
) -> tuple[str, str]:
    """The API and OAuth2 token URLs, each checked by :func:`bw_pulumi.api.urls.check_api_url`
    and named by the key or variable it came from. Both providers call it from Configure,
    so a bad URL fails before any request, even before the other settings are read."""
    env = os.environ if environ is None else environ
    api_url = _checked_url(API_URL, (), config, env) or DEFAULT_API_URL
    deprecated = tuple(old for old, setting in DEPRECATED_KEYS.items() if setting == OAUTH_URL)
    oauth_url = _checked_url(OAUTH_URL, deprecated, config, env) or DEFAULT_TOKEN_URL
    return api_url, oauth_url


def _checked_url(
    setting: Setting, old_keys: tuple[str, ...], config: ConfigLookup, env: Mapping[str, str]
) -> str | None:
    """The setting's URL from its key, else a deprecated key, else its variable; checked."""
    for key in (setting.config_key, *old_keys):
        found = config(key)
        if found not in (None, ""):
            return check_api_url(str(found), key)
    from_env = env.get(setting.env_var)
    return check_api_url(from_env, setting.env_var) if from_env else None


Lookup = Callable[[Setting], "str | None"]


def _auth(source: Lookup, oauth_url: str) -> Auth | None:
    """OAuth2 client credentials, else a legacy API user, from one source."""
    client_id, client_secret = source(CLIENT_ID), source(CLIENT_SECRET)
    if client_id and client_secret:
        return OAuthClientCredentials(client_id, client_secret, oauth_url)
    username, password = source(API_USERNAME), source(API_PASSWORD)
    if username and password:
        return BasicAuth(username, password)
    return None


def _missing_auth_message(value: Lookup) -> str:
    message = (
        "Bandwidth API credentials are not set: set "
        f"{CLIENT_ID.config_key} and `pulumi config set --secret {CLIENT_SECRET.config_key}`"
        f" (or {CLIENT_ID.env_var}/{CLIENT_SECRET.env_var}), or for a legacy API user "
        f"{API_USERNAME.config_key} and {API_PASSWORD.config_key}"
        f" (or {API_USERNAME.env_var}/{API_PASSWORD.env_var})"
    )
    if bool(value(CLIENT_ID)) != bool(value(CLIENT_SECRET)):
        message += "; only one of the client id and client secret is set"
    if bool(value(API_USERNAME)) != bool(value(API_PASSWORD)):
        message += "; only one of the API username and password is set"
    return message


LOG_LEVEL = Setting("bandwidth:logLevel", "BW_PULUMI_LOG_LEVEL")


def load_log_level(config: ConfigLookup, environ: Mapping[str, str] | None = None) -> str | None:
    """``warning`` (the default), ``info`` or ``debug``: see :mod:`bw_pulumi.config.logs`."""
    env = os.environ if environ is None else environ
    found = config(LOG_LEVEL.config_key) or env.get(LOG_LEVEL.env_var)
    return None if found is None or found == "" else str(found)


def _with_deprecated_keys(config: ConfigLookup, warn: Warn) -> ConfigLookup:
    """``config``, where a setting left unset may come from its deprecated key."""
    for old_key, setting in DEPRECATED_KEYS.items():
        if config(old_key) in (None, ""):
            continue
        if config(setting.config_key) in (None, ""):
            warn(
                f"{old_key} is deprecated; rename it: `pulumi config rm {old_key}` and"
                f" `pulumi config set {setting.config_key} <value>`"
            )
        else:
            warn(
                f"{old_key} is deprecated and ignored, as {setting.config_key} is set;"
                f" remove it: `pulumi config rm {old_key}`"
            )

    renamed = {s.config_key: old for old, s in DEPRECATED_KEYS.items()}

    def lookup(key: str) -> object:
        found = config(key)
        if found in (None, "") and key in renamed:
            return config(renamed[key])
        return found

    return lookup


def _log_warning(message: str) -> None:
    """Through the ``bw_pulumi`` logger, which the provider sends to stderr: the engine
    shows a provider's stderr in the ``pulumi up`` output (see :mod:`bw_pulumi.config.logs`)."""
    logging.getLogger("bw_pulumi").warning("%s", message)
