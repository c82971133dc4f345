"""Stack program for the SipCredentialSet e2e tests: one set described by stack config.

``entries`` (plain JSON) maps each key to {username, domain?}; the secret ``passwords``
(JSON) maps each key to its password, so the set's ``credentials`` is an Output (secret).
``adopt`` (optional, true/false) is passed on.
"""

import json

import pulumi

from bw_pulumi import SipCredentialSet

config = pulumi.Config()
entries = json.loads(config.require("entries"))
passwords = config.require_secret("passwords").apply(json.loads)
fleet = SipCredentialSet(
    "fleet",
    realm=config.require("realm"),
    credentials=passwords.apply(
        lambda pw: {key: {**entry, "password": pw[key]} for key, entry in entries.items()}
    ),
    adopt=config.get_bool("adopt") or False,
)
pulumi.export("usernames", fleet.usernames)
