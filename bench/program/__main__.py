"""The benchmark's stack, by config ``kind``: ``count`` SIP credentials through the dynamic
provider (``dynamic``) or the ``bandwidth`` package provider (``native``), one
``SipCredentialSet`` of ``count`` entries (``set``), or as many no-op dynamic resources
with the same inputs (``floor``); every password derived from the secret ``passwordSeed``
(see ``bench/workload.py`` for why), the first one from a changed seed when
``changeFirst`` is true (the set benchmark's "one entry changed")."""

import pulumi
import pulumi_bandwidth

from bench.workload import NoOpResource, password_at, resource_name, sip_username
from bw_pulumi import SipCredential, SipCredentialSet

config = pulumi.Config()
kind = config.require("kind")
realm = config.require("realm")
seed = config.require_secret("passwordSeed")
count = config.require_int("count")
change_first = config.get_bool("changeFirst") or False


def password_of(username: str, index: int) -> pulumi.Output[str]:
    return seed.apply(lambda secret: password_at(secret, username, index, change_first))


def entries(secret: str) -> dict[str, dict[str, str]]:
    return {
        resource_name(index): {
            "username": sip_username(kind, index),
            "password": password_at(secret, sip_username(kind, index), index, change_first),
        }
        for index in range(count)
    }


if kind == "set":
    fleet = SipCredentialSet("fleet", realm=realm, credentials=seed.apply(entries))
    pulumi.export("count", fleet.usernames.apply(len))
else:
    declare = {
        "dynamic": SipCredential,
        "native": pulumi_bandwidth.SipCredential,
        "floor": NoOpResource,
    }[kind]
    for index in range(count):
        username = sip_username(kind, index)
        declare(
            resource_name(index),
            username=username,
            password=password_of(username, index),
            realm=realm,
        )
