"""Two account-level SIP credentials through the bandwidth package provider, from the
generated Python SDK. Same config and outputs as ../e2e_native_yaml, so one test drives
both; with config ``legacyPassword`` it also declares ``legacy`` (brought in by import)."""

import pulumi
import pulumi_bandwidth as bandwidth

config = pulumi.Config()
realm = config.require("realm")

alpha = bandwidth.SipCredential(
    "alpha",
    username=config.require("alphaUsername"),
    password=config.require_secret("alphaPassword"),
    realm=realm,
)
bravo = bandwidth.SipCredential(
    "bravo",
    username=config.require("bravoUsername"),
    domain=config.require("bravoDomain"),
    password=config.require_secret("bravoPassword"),
    realm=realm,
)
legacy_password = config.get_secret("legacyPassword")
if legacy_password is not None:
    bandwidth.SipCredential("legacy", username="legacy", password=legacy_password, realm=realm)

pulumi.export("alphaComposite", alpha.composite_username)
pulumi.export("bravoComposite", bravo.composite_username)
pulumi.export("bravoHash1", bravo.hash1)
