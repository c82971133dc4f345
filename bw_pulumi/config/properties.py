"""The provider's configuration as the package schema declares it: one entry per setting
of :mod:`bw_pulumi.config.settings`, with its type and description."""

from __future__ import annotations

from dataclasses import dataclass

from bw_pulumi.config import settings
from bw_pulumi.config.settings import Setting
from bw_pulumi.resources.properties import PropertyType


@dataclass(frozen=True)
class ConfigProperty:
    """One provider setting: stack config ``bandwidth:<name>`` for the default provider,
    property ``<name>`` of an explicit provider; the environment variable is the fallback.
    Keys come from :mod:`bw_pulumi.config.settings`, the one place they are spelled."""

    setting: Setting
    type: PropertyType
    description: str
    secret: bool = False

    @property
    def name(self) -> str:
        return self.setting.config_key.partition(":")[2]


PROVIDER_CONFIG = (
    ConfigProperty(settings.ACCOUNT_ID, "string", "The Bandwidth account id."),
    ConfigProperty(settings.CLIENT_ID, "string", "OAuth2 client id (client credentials)."),
    ConfigProperty(
        settings.CLIENT_SECRET, "string", "OAuth2 client secret (client credentials).", True
    ),
    ConfigProperty(settings.API_USERNAME, "string", "Legacy API user name (Basic auth)."),
    ConfigProperty(settings.API_PASSWORD, "string", "Legacy API user password.", True),
    ConfigProperty(
        settings.API_URL, "string", "Base URL of the API (default https://api.bandwidth.com/api)."
    ),
    ConfigProperty(
        settings.OAUTH_URL,
        "string",
        "OAuth2 token URL (default https://api.bandwidth.com/api/v1/oauth2/token).",
    ),
    ConfigProperty(
        settings.REALM_WAIT_SECONDS,
        "number",
        "How long a realm create or delete may wait for Bandwidth (seconds, default 300).",
    ),
    ConfigProperty(
        settings.RATE_LIMIT_WAIT_SECONDS,
        "number",
        "How long one API call may wait, in all, for a Bandwidth rate limit to reset (seconds,"
        " default 300; 0 never waits). A reset further away fails the call at once, naming"
        " the time.",
    ),
    ConfigProperty(
        settings.BULK_CREATE_SIZE,
        "integer",
        "How many entries a SipCredentialSet sends in one bulk create request (default 100,"
        " at most 1000).",
    ),
    ConfigProperty(
        settings.WRITE_CONCURRENCY,
        "integer",
        "How many updates or deletes a SipCredentialSet has in flight at once (default 16,"
        " at most 64). Bandwidth's rate limits pause them all together.",
    ),
    ConfigProperty(
        settings.LOG_LEVEL,
        "string",
        "What the provider logs (never a secret): warning (the default: retries, adoptions,"
        " realm waits), info (adds token fetches, list pages, realm creation) or debug.",
    ),
)
