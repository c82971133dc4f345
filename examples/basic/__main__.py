"""A few Bandwidth SIP credentials, including the one Twilio's Network Bridge uses.

Config (set per stack):
    pulumi config set --secret bridgePassword ...   # the Network Bridge credential
    pulumi config set --secret pbxPassword ...      # the office PBX credentials
    pulumi config set realm custxx.auth.bandwidth.com
    pulumi config set sipPort 5006
plus the ``bandwidth:*`` provider settings described in the README.
"""

import pulumi

from bw_pulumi import SipCredential

config = pulumi.Config()
realm = config.get("realm") or "custxx.auth.bandwidth.com"
sip_port = config.get_int("sipPort") or 5006
bridge_password = config.require_secret("bridgePassword")
pbx_password = config.require_secret("pbxPassword")

bridge = SipCredential(
    "network-bridge",
    username="twilio-bridge",
    password=bridge_password,
    realm=realm,
)
office = [
    SipCredential(
        f"office-{username}",
        username=username,
        domain="office.example.com",
        password=pbx_password,
        realm=realm,
    )
    for username in ("pbx", "pbx-backup")
]

pulumi.export("credentials", [c.composite_username for c in (bridge, *office)])
# What Twilio needs to place a Network Bridge call through Bandwidth.
pulumi.export("network_bridge_to", f"sip:{{E.164 number}}@{realm}:{sip_port}")
pulumi.export("network_bridge_sip_auth_username", bridge.composite_username)
pulumi.export("network_bridge_sip_auth_password", bridge.password)
# With these, `bw-pulumi call --stack .` works on this project too (see examples/network-bridge).
pulumi.export("network_bridge_realm", bridge.realm)
pulumi.export("network_bridge_port", sip_port)
