"""The Bandwidth side of a Twilio Network Bridge, with a password rotation that drops no call.

Two credential slots, ``blue`` and ``green`` (usernames ``{username}-blue`` and
``{username}-green``). The outputs describe the active slot; the other slot exists only while
its password is set. Rotating: set the idle slot's password and `pulumi up` (it is created
while calls go on through the active one), switch ``activeSlot`` and `pulumi up` (new calls
use it), then remove the old slot's password and `pulumi up` (its credential is deleted).

Config (per stack):
    pulumi config set realm custxx.auth.bandwidth.com     # required: from Bandwidth support
    pulumi config set sipPort 5006                        # from Bandwidth support (default 5006)
    pulumi config set username twilio-bridge              # optional (default twilio-bridge)
    pulumi config set domain example.com                  # optional: user@domain
    pulumi config set --secret passwordBlue               # the active slot's password is required
    pulumi config set --secret passwordGreen              # optional: the idle slot
    pulumi config set activeSlot blue                     # blue (default) or green
plus the ``bandwidth:*`` provider settings described in the README.
"""

import pulumi

from bw_pulumi import InvalidInputError, SipCredential
from bw_pulumi.cli.bridge import parse_port, to_uri_template

SLOTS = ("blue", "green")

config = pulumi.Config()
realm = config.require("realm")
username = config.get("username") or "twilio-bridge"
domain = config.get("domain")
active_slot = config.get("activeSlot") or "blue"
try:
    port = parse_port(config.get("sipPort") or "5006", "sipPort")
    to_template = to_uri_template(realm, port)
    if active_slot not in SLOTS:
        raise InvalidInputError("activeSlot", f"must be 'blue' or 'green' (got {active_slot!r})")
except InvalidInputError as error:
    raise pulumi.RunError(f"config {error}") from None  # one line, no traceback

credentials = {}
for slot in SLOTS:
    password_key = f"password{slot.capitalize()}"
    password = (
        config.require_secret(password_key)
        if slot == active_slot
        else config.get_secret(password_key)
    )
    if password is None:
        continue  # an idle slot without a password: its credential is deleted
    credentials[slot] = SipCredential(
        f"network-bridge-{slot}",
        username=f"{username}-{slot}",
        domain=domain,
        password=password,
        realm=realm,
    )

# What `bw-pulumi call --stack` reads: the active slot's credential and where Twilio dials.
active = credentials[active_slot]
pulumi.export("network_bridge_to", to_template)
pulumi.export("network_bridge_sip_auth_username", active.composite_username)
pulumi.export("network_bridge_sip_auth_password", active.password)  # a secret output
pulumi.export("network_bridge_realm", active.realm)
pulumi.export("network_bridge_port", port)
pulumi.export("network_bridge_active_slot", active_slot)
pulumi.export(
    "network_bridge_credentials",
    [credential.composite_username for credential in credentials.values()],
)
