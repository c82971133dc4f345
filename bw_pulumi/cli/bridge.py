"""The Network Bridge call, described without I/O.

Bandwidth's Network Bridge: Twilio places a call to ``sip:{E.164 number}@{realm}:{port}``
and answers Bandwidth's digest challenge with ``SipAuthUsername`` (the composite username)
and ``SipAuthPassword``. This module builds that ``To`` URI and the Calls request, and holds
the rules every input must meet, so bad input is refused, naming the field, before anything
is sent. Sending is ``bw_pulumi.cli.twilio_call``'s job; reading inputs is the CLI's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bw_pulumi.api.errors import InvalidInputError
from bw_pulumi.resources.sip_credential.rules import (
    validate_domain,
    validate_password,
    validate_realm,
    validate_username,
)

PORT_MIN = 1
PORT_MAX = 65535
#: Twilio's limit for inline TwiML in a Calls request.
TWIML_MAX_CHARACTERS = 4000
TWILIO_API_URL = "https://api.twilio.com"
SECRET_PLACEHOLDER = "[secret]"  # noqa: S105 - what is shown instead of a secret

#: The outputs a stack exports for ``bw-pulumi call --stack`` (see examples/network-bridge).
OUTPUT_SIP_AUTH_USERNAME = "network_bridge_sip_auth_username"
OUTPUT_SIP_AUTH_PASSWORD = "network_bridge_sip_auth_password"  # noqa: S105 - a name
OUTPUT_REALM = "network_bridge_realm"
OUTPUT_PORT = "network_bridge_port"

_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
_API_KEY_SID = re.compile(r"SK[0-9a-fA-F]{32}")


def validate_e164(number: str, field: str) -> None:
    """``+``, a country code and subscriber number: 2 to 15 digits, no leading zero."""
    if not _E164.fullmatch(number):
        raise InvalidInputError(
            field, "must be an E.164 number: '+' then 2-15 digits, no leading 0 (e.g. +17778889999)"
        )


def parse_port(value: object, field: str = "port") -> int:
    """A port as an ``int`` (from argv text or a stack output), in 1-65535."""
    if isinstance(value, bool):
        port = None
    elif isinstance(value, int):
        port = value
    elif isinstance(value, str) and value.strip().isdigit():
        port = int(value.strip())
    else:
        port = None
    if port is None:
        raise InvalidInputError(field, f"must be a whole number from {PORT_MIN} to {PORT_MAX}")
    if not PORT_MIN <= port <= PORT_MAX:
        raise InvalidInputError(field, f"must be from {PORT_MIN} to {PORT_MAX} (got {port})")
    return port


def validate_sip_auth_username(composite: str) -> None:
    """The composite username Bandwidth keys the credential by: ``user`` or ``user@domain``."""
    user, at, domain = composite.partition("@")
    validate_username(user)
    if at:
        if not domain:
            raise InvalidInputError("username", "has '@' but no domain after it")
        try:
            validate_domain(domain)
        except InvalidInputError as error:
            raise InvalidInputError("username", f"domain part {error.rule}") from None


def validate_http_url(url: str, field: str) -> None:
    """An absolute ``http://`` or ``https://`` URL with a host (Twilio fetches TwiML there)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"\s", url):
        raise InvalidInputError(field, "must be an absolute http:// or https:// URL with a host")


def network_bridge_to(number: str, realm: str, port: int) -> str:
    """The ``To`` Twilio dials, e.g. ``sip:+17778889999@custxx.auth.bandwidth.com:5006``."""
    validate_e164(number, "to")
    validate_realm(realm)
    port = parse_port(port)
    return f"sip:{number}@{realm}:{port}"


def to_uri_template(realm: str, port: int) -> str:
    """The ``To`` with a placeholder for the number, as a stack output for people to read."""
    validate_realm(realm)
    port = parse_port(port)
    return f"sip:{{E.164 number}}@{realm}:{port}"


@dataclass(frozen=True)
class BridgeEndpoint:
    """Where Twilio sends the call and how it authenticates: one Bandwidth credential."""

    realm: str
    port: int
    sip_auth_username: str
    sip_auth_password: str = field(repr=False)

    def __post_init__(self) -> None:
        validate_endpoint(self.realm, self.port, self.sip_auth_username)
        validate_password(self.sip_auth_password)


def validate_endpoint(realm: str, port: object, sip_auth_username: str) -> None:
    """Everything about an endpoint but the password (checked before asking for it)."""
    validate_realm(realm)
    parse_port(port)
    validate_sip_auth_username(sip_auth_username)


def endpoint_from_outputs(outputs: Mapping[str, object]) -> BridgeEndpoint:
    """The endpoint a deployed stack describes, from its (decrypted) outputs."""
    missing = [
        name
        for name in (OUTPUT_SIP_AUTH_USERNAME, OUTPUT_SIP_AUTH_PASSWORD, OUTPUT_REALM, OUTPUT_PORT)
        if outputs.get(name) in (None, "")
    ]
    if missing:
        raise InvalidInputError(
            "stack",
            f"has no output {', '.join(missing)}; export them as examples/network-bridge does,"
            " and run `pulumi up`",
        )
    username, password, realm = (
        outputs[OUTPUT_SIP_AUTH_USERNAME],
        outputs[OUTPUT_SIP_AUTH_PASSWORD],
        outputs[OUTPUT_REALM],
    )
    if not (isinstance(username, str) and isinstance(password, str) and isinstance(realm, str)):
        raise InvalidInputError("stack", "outputs for username, password and realm must be strings")
    return BridgeEndpoint(
        realm=realm,
        port=parse_port(outputs[OUTPUT_PORT], f"stack output {OUTPUT_PORT}"),
        sip_auth_username=username,
        sip_auth_password=password,
    )


@dataclass(frozen=True)
class NetworkBridgeCall:
    """One Calls request: whom to ring, as whom, what TwiML runs, and the SIP credential."""

    to_number: str
    from_number: str
    endpoint: BridgeEndpoint
    twiml_url: str | None = None
    twiml: str | None = None

    def __post_init__(self) -> None:
        validate_call_details(self.to_number, self.from_number, self.twiml_url, self.twiml)

    @property
    def to_uri(self) -> str:
        return network_bridge_to(self.to_number, self.endpoint.realm, self.endpoint.port)

    def displayed_form_fields(self) -> dict[str, str]:
        """The form fields Twilio receives, by Twilio's names, the password as ``[secret]``."""
        fields = {"To": self.to_uri, "From": self.from_number}
        if self.twiml_url is not None:
            fields["Url"] = self.twiml_url
        if self.twiml is not None:
            fields["Twiml"] = self.twiml
        fields["SipAuthUsername"] = self.endpoint.sip_auth_username
        fields["SipAuthPassword"] = SECRET_PLACEHOLDER
        return fields


def validate_call_details(
    to_number: str, from_number: str, twiml_url: str | None, twiml: str | None
) -> None:
    """The parts of a call that do not depend on the credential."""
    validate_e164(to_number, "to")
    validate_e164(from_number, "from")
    if (twiml_url is None) == (twiml is None):
        raise InvalidInputError("twiml-url", "give exactly one of --twiml-url and --twiml")
    if twiml_url is not None:
        validate_http_url(twiml_url, "twiml-url")
    if twiml is not None:
        if not twiml.strip():
            raise InvalidInputError("twiml", "must not be empty")
        if len(twiml) > TWIML_MAX_CHARACTERS:
            raise InvalidInputError(
                "twiml", f"must be at most {TWIML_MAX_CHARACTERS} characters (got {len(twiml)})"
            )


@dataclass(frozen=True)
class TwilioCredentials:
    """Who calls Twilio's API: the account, and either its auth token or an API key pair."""

    account_sid: str
    auth_username: str  # the account SID, or an API key SID (SK...)
    auth_secret: str = field(repr=False)


def twilio_credentials(environ: Mapping[str, str]) -> TwilioCredentials:
    """From the variables Twilio's own tools read: ``TWILIO_ACCOUNT_SID`` with either
    ``TWILIO_API_KEY`` and ``TWILIO_API_SECRET`` (preferred when set) or ``TWILIO_AUTH_TOKEN``.
    """
    account_sid = environ.get("TWILIO_ACCOUNT_SID", "")
    if not account_sid:
        raise InvalidInputError("TWILIO_ACCOUNT_SID", "must be set to your account SID (AC...)")
    if not _ACCOUNT_SID.fullmatch(account_sid):
        raise InvalidInputError("TWILIO_ACCOUNT_SID", "must be 'AC' followed by 32 hex digits")
    api_key, api_secret = environ.get("TWILIO_API_KEY", ""), environ.get("TWILIO_API_SECRET", "")
    if api_key or api_secret:
        if not api_key:
            raise InvalidInputError("TWILIO_API_KEY", "must be set when TWILIO_API_SECRET is")
        if not api_secret:
            raise InvalidInputError("TWILIO_API_SECRET", "must be set when TWILIO_API_KEY is")
        if not _API_KEY_SID.fullmatch(api_key):
            raise InvalidInputError("TWILIO_API_KEY", "must be 'SK' followed by 32 hex digits")
        return TwilioCredentials(account_sid, api_key, api_secret)
    auth_token = environ.get("TWILIO_AUTH_TOKEN", "")
    if not auth_token:
        raise InvalidInputError(
            "TWILIO_AUTH_TOKEN",
            "must be set (or TWILIO_API_KEY and TWILIO_API_SECRET for an API key)",
        )
    return TwilioCredentials(account_sid, account_sid, auth_token)


def calls_url(api_url: str, account_sid: str) -> str:
    """Twilio's Calls endpoint under ``api_url`` (shown by ``--dry-run``)."""
    return f"{api_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Calls.json"
