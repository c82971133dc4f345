"""A SIP Registrar stack: one realm and the credentials of the phones that register in it.

Config (set per stack):
    pulumi config set realmName office                # the realm's short name
    pulumi config set --secret phonePassword ...      # one password per phone in practice
    pulumi config set extensions '["100", "101", "102"]'
plus the ``bandwidth:*`` provider settings described in the README.
"""

import json

import pulumi

from bw_pulumi import SipCredential, SipRealm

config = pulumi.Config()
extensions: list[str] = json.loads(config.get("extensions") or '["100", "101", "102"]')
phone_password = config.require_secret("phonePassword")

office = SipRealm(
    "office",
    name=config.get("realmName") or "office",
    description="HQ phones",
)
phones = [
    SipCredential(
        f"ext{extension}",
        username=f"ext{extension}",
        password=phone_password,
        realm=office.fqdn,  # exactly as Bandwidth reports it: it goes into the hashes
        realm_id=office.realm_id,
    )
    for extension in extensions
]

pulumi.export("realm_fqdn", office.fqdn)
pulumi.export("realm_id", office.realm_id)
pulumi.export("sip_usernames", [phone.composite_username for phone in phones])
