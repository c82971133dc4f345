"""Stack program for the registrar end-to-end tests: a realm and its credentials.

``realmName`` names the realm; ``specs`` (plain JSON) lists {name, username, password_key};
each ``password_key`` names a secret config value holding that credential's password.
"""

import json

import pulumi

from bw_pulumi import SipCredential, SipRealm

config = pulumi.Config()
realm = SipRealm("office", name=config.require("realmName"), description="e2e phones")
for spec in json.loads(config.require("specs")):
    SipCredential(
        spec["name"],
        username=spec["username"],
        password=config.require_secret(spec["password_key"]),
        realm=realm.fqdn,
        realm_id=realm.realm_id,
    )
pulumi.export("realm_fqdn", realm.fqdn)
