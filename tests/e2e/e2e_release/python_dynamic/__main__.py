"""A platform team's program on the dynamic provider (bw_pulumi), installed from dist/:
a Registrar realm with one phone, and a Network Bridge credential on the account realm."""

import pulumi

from bw_pulumi import SipCredential, SipRealm

config = pulumi.Config()
office = SipRealm("office", name="office", description="HQ phones")
phone = SipCredential(
    "ext100",
    username="ext100",
    password=config.require_secret("phonePassword"),
    realm=office.fqdn,
    realm_id=office.realm_id,
)
bridge = SipCredential(
    "bridge",
    username="twilio-bridge",
    password=config.require_secret("bridgePassword"),
    realm=config.require("accountRealm"),
)
pulumi.export("realmFqdn", office.fqdn)
pulumi.export("phoneUsername", phone.composite_username)
pulumi.export("bridgeUsername", bridge.composite_username)
