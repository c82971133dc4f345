"""Stack program for moving credentials between a SipCredentialSet and single
SipCredentials (docs/at-scale.md): ``singles`` and ``members`` (plain JSON lists of
usernames) say which are declared alone and which in the set ``fleet``; every password
comes from the secret ``passwords`` (JSON username -> password), so a move keeps it."""

import json

import pulumi

from bw_pulumi import SipCredential, SipCredentialSet

config = pulumi.Config()
realm = config.require("realm")
passwords = config.require_secret("passwords").apply(json.loads)
members: list[str] = json.loads(config.require("members"))
for username in json.loads(config.require("singles")):
    SipCredential(
        username,
        username=username,
        password=passwords.apply(lambda pw, name=username: pw[name]),
        realm=realm,
    )
fleet = SipCredentialSet(
    "fleet",
    realm=realm,
    credentials=passwords.apply(
        lambda pw: {name: {"username": name, "password": pw[name]} for name in members}
    ),
)
pulumi.export("usernames", fleet.usernames)
