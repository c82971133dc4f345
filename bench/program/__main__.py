"""The benchmark's stack: ``count`` SIP credentials (``kind: credentials``) or as many
no-op dynamic resources with the same inputs (``kind: floor``), every password derived
from the secret ``passwordSeed`` (see ``bench/workload.py`` for why)."""

import pulumi

from bench.workload import NoOpResource, derive_password, resource_name
from bw_pulumi import SipCredential

config = pulumi.Config()
kind = config.require("kind")
realm = config.require("realm")
seed = config.require_secret("passwordSeed")


def password_of(name: str) -> pulumi.Output[str]:
    return seed.apply(lambda secret: derive_password(secret, name))


for index in range(config.require_int("count")):
    name = resource_name(index)
    if kind == "credentials":
        SipCredential(name, username=name, password=password_of(name), realm=realm)
    else:
        NoOpResource(name, username=name, password=password_of(name), realm=realm)
