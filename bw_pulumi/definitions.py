"""The one description of each resource's properties and of the provider's configuration.

Both front doors read it: the dynamic resources (:mod:`bw_pulumi.resource`) declare their
outputs and secrets from it, and the package provider (:mod:`bw_pulumi.native`) generates
its Pulumi schema, and from that the SDKs of every language, from it. Names here are the
core's snake_case; the package provider alone turns them into the camelCase a Pulumi
package uses. No Pulumi import: this is data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bw_pulumi import settings
from bw_pulumi.settings import Setting

PropertyType = Literal["string", "boolean", "integer", "number"]


@dataclass(frozen=True)
class Property:
    """One property of a resource.

    ``input``: the user declares it (it is echoed into the state as well); otherwise the
    provider computes it. ``required``: an input the user must declare, or an output that
    is always in the state. ``replace_on_changes``: a change makes a new resource at
    Bandwidth. ``derived_from``: for an output, the inputs whose change leaves its new value
    unknown until the update has run (a preview shows it as unknown).
    """

    name: str
    type: PropertyType
    description: str
    input: bool = False
    required: bool = False
    secret: bool = False
    replace_on_changes: bool = False
    derived_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResourceDefinition:
    name: str
    description: str
    properties: tuple[Property, ...]

    def get(self, name: str) -> Property:
        return next(p for p in self.properties if p.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.properties)

    @property
    def inputs(self) -> tuple[Property, ...]:
        return tuple(p for p in self.properties if p.input)

    @property
    def computed(self) -> tuple[Property, ...]:
        """The outputs the provider computes (not declared by the user)."""
        return tuple(p for p in self.properties if not p.input)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.properties if p.secret)

    @property
    def replacing(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.properties if p.replace_on_changes)


_HASH_INPUTS = ("username", "password", "realm", "domain")

SIP_CREDENTIAL = ResourceDefinition(
    name="SipCredential",
    description=(
        "A SIP digest credential (Hash1/Hash1b) on a Bandwidth account. Account-level (the"
        " Network Bridge flow): the id is the composite username (`username` or"
        " `username@domain`). Realm-scoped (the SIP Registrar flow): with `realm_id` the"
        " credential lives in that realm, `realm` must be the realm's FQDN, and the id is"
        " `{realm_id}/{credential_id}`. Bandwidth never holds the password, only its hashes."
    ),
    properties=(
        Property(
            "username",
            "string",
            "The SIP username: 1-32 characters from letters, digits and . _ - ! $ & * + = ~."
            " A change makes a new credential.",
            input=True,
            required=True,
            replace_on_changes=True,
        ),
        Property(
            "password",
            "string",
            "The SIP password. Only its hashes are sent to Bandwidth; it is kept, as a secret,"
            " in the state alone. A change rotates the hashes in place.",
            input=True,
            required=True,
            secret=True,
        ),
        Property(
            "realm",
            "string",
            "The realm FQDN Bandwidth presents in its digest challenge, e.g."
            " custxx.auth.bandwidth.com; for a realm-scoped credential, the SipRealm's fqdn.",
            input=True,
            required=True,
        ),
        Property(
            "domain",
            "string",
            "Optional domain: the composite username becomes username@domain. Account-level"
            " credentials only. A change makes a new credential.",
            input=True,
            replace_on_changes=True,
        ),
        Property(
            "http_voice_v2_app_id",
            "string",
            "Optional Bandwidth voice application id (a UUID) the credential is tied to."
            " Removing it makes a new credential (Bandwidth cannot clear it).",
            input=True,
        ),
        Property(
            "realm_id",
            "string",
            "The id of the SipRealm that holds the credential (the SIP Registrar flow);"
            " absent for an account-level credential. A change makes a new credential.",
            input=True,
            replace_on_changes=True,
        ),
        Property(
            "adopt",
            "boolean",
            "Take over a credential that already exists at Bandwidth (and set it to this"
            " password) instead of failing as a duplicate.",
            input=True,
        ),
        Property(
            "composite_username",
            "string",
            "username, or username@domain: the name SIP clients authenticate with.",
            required=True,
            derived_from=("username", "domain"),
        ),
        Property(
            "hash1",
            "string",
            "MD5(composite:realm:password), as sent to Bandwidth. Password-equivalent: secret.",
            required=True,
            secret=True,
            derived_from=_HASH_INPUTS,
        ),
        Property(
            "hash1b",
            "string",
            "MD5(composite@realm:realm:password), as sent to Bandwidth. Secret.",
            required=True,
            secret=True,
            derived_from=_HASH_INPUTS,
        ),
        Property(
            "credential_id",
            "string",
            "Bandwidth's numeric id of a realm-scoped credential; absent for account-level ones.",
            derived_from=("realm_id",),
        ),
    ),
)

SIP_REALM = ResourceDefinition(
    name="SipRealm",
    description=(
        "A SIP realm created through Bandwidth's realms API (the SIP Registrar flow). Create"
        " waits until the realm is ACTIVE. Pass its `fqdn` and `realm_id` to the credentials"
        " it holds."
    ),
    properties=(
        Property(
            "name",
            "string",
            "The realm's short name (one hostname label); Bandwidth derives the FQDN from it."
            " A change makes a new realm.",
            input=True,
            required=True,
            replace_on_changes=True,
        ),
        Property("description", "string", "Optional description.", input=True),
        Property(
            "default",
            "boolean",
            "true makes this the account's default realm. Bandwidth cannot undo that, so"
            " false or absent leaves the flag alone.",
            input=True,
        ),
        Property(
            "adopt",
            "boolean",
            "Take over a realm of this name that already exists at Bandwidth (and give it"
            " this description and default) instead of failing because the name is taken.",
            input=True,
        ),
        Property("realm_id", "string", "Bandwidth's id of the realm.", required=True),
        Property(
            "fqdn",
            "string",
            "The realm FQDN exactly as Bandwidth reports it: the realm of its credentials.",
            required=True,
        ),
        Property(
            "status",
            "string",
            "CREATE_PENDING, ACTIVE, CREATE_FAILED, DELETE_PENDING or DELETE_FAILED.",
            required=True,
        ),
        Property(
            "sip_credential_count",
            "integer",
            "How many SIP credentials the realm holds (as last read).",
            required=True,
        ),
    ),
)

RESOURCES = (SIP_CREDENTIAL, SIP_REALM)


@dataclass(frozen=True)
class ConfigProperty:
    """One provider setting: stack config ``bandwidth:<name>`` for the default provider,
    property ``<name>`` of an explicit provider; the environment variable is the fallback.
    Keys come from :mod:`bw_pulumi.settings`, the one place they are spelled."""

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
        settings.LOG_LEVEL,
        "string",
        "What the provider logs (never a secret): warning (the default: retries, adoptions,"
        " realm waits), info (adds token fetches, list pages, realm creation) or debug.",
    ),
)
