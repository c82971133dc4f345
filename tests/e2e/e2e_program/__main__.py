"""Stack program for the end-to-end tests: credentials described by stack config.

``specs`` (plain JSON) lists {name, username, domain?, password_key, adopt?}; each
``password_key`` names a secret config value holding that credential's password.
"""

import json

import pulumi

from bw_pulumi import SipCredential

config = pulumi.Config()
realm = config.require("realm")
for spec in json.loads(config.require("specs")):
    SipCredential(
        spec["name"],
        username=spec["username"],
        domain=spec.get("domain"),
        password=config.require_secret(spec["password_key"]),
        realm=realm,
        adopt=bool(spec.get("adopt", False)),
    )
