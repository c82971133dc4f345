"""Stack program for the rate-limit end-to-end test: ``count`` account-level credentials
``rl000``, ``rl001``, ..., the password of ``rl{i}`` being ``{base}-{i}`` (``base`` is a
secret), so one secret config value stands for all of them."""

import pulumi

from bw_pulumi import SipCredential

config = pulumi.Config()
realm = config.require("realm")
base = config.require_secret("base")
for i in range(config.require_int("count")):
    name = f"rl{i:03d}"
    SipCredential(name, username=name, password=base.apply(lambda b, i=i: f"{b}-{i}"), realm=realm)
