"""Stack program for the chaos end-to-end test: a realm with realm-scoped credentials,
and account-level credentials, counts from stack config.

``accountCount`` and ``realmCount`` (plain) give how many of each; every password is
derived from the secret ``seed``, so changing the seed rotates them all.
"""

import pulumi

from bw_pulumi import SipCredential, SipRealm

config = pulumi.Config()
seed = config.require_secret("seed")
realm = SipRealm("chaos-realm", name="chaos", description="chaos e2e")
for i in range(config.require_int("realmCount")):
    SipCredential(
        f"phone{i}",
        username=f"phone{i}",
        password=seed.apply(lambda s, i=i: f"{s}-phone-{i}"),
        realm=realm.fqdn,
        realm_id=realm.realm_id,
    )
for i in range(config.require_int("accountCount")):
    SipCredential(
        f"trunk{i}",
        username=f"trunk{i}",
        password=seed.apply(lambda s, i=i: f"{s}-trunk-{i}"),
        realm=config.require("bridgeRealm"),
    )
