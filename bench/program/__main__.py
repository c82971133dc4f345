"""The benchmark's stack, by config ``kind``: ``count`` SIP credentials through the dynamic
provider (``dynamic``) or the ``bandwidth`` package provider (``native``), or as many no-op
dynamic resources with the same inputs (``floor``); every password derived from the secret
``passwordSeed`` (see ``bench/workload.py`` for why)."""

import pulumi
import pulumi_bandwidth

from bench.workload import NoOpResource, derive_password, resource_name, sip_username
from bw_pulumi import SipCredential

config = pulumi.Config()
kind = config.require("kind")
realm = config.require("realm")
seed = config.require_secret("passwordSeed")
declare = {
    "dynamic": SipCredential,
    "native": pulumi_bandwidth.SipCredential,
    "floor": NoOpResource,
}[kind]


def password_of(username: str) -> pulumi.Output[str]:
    return seed.apply(lambda secret: derive_password(secret, username))


for index in range(config.require_int("count")):
    username = sip_username(kind, index)
    declare(resource_name(index), username=username, password=password_of(username), realm=realm)
