"""One SIP credential named "bridge" on each of several Bandwidth accounts: one explicit
bandwidth provider per account, from the generated Python SDK.

Config: ``accounts``, a JSON list of {"name", "accountId", "clientId", "apiUrl",
"oauthUrl"}; ``<name>ClientSecret`` (secret) for each; ``password`` (secret); ``realm``.
"""

import json

import pulumi
import pulumi_bandwidth as bandwidth

config = pulumi.Config()
realm = config.require("realm")
password = config.require_secret("password")

for account in json.loads(config.require("accounts")):
    name = account["name"]
    provider = bandwidth.Provider(
        name,
        account_id=account["accountId"],
        client_id=account["clientId"],
        client_secret=config.require_secret(f"{name}ClientSecret"),
        api_url=account["apiUrl"],
        oauth_url=account["oauthUrl"],
    )
    bridge = bandwidth.SipCredential(
        f"{name}-bridge",
        username="bridge",
        password=password,
        realm=realm,
        opts=pulumi.ResourceOptions(provider=provider),
    )
    pulumi.export(f"{name}Composite", bridge.composite_username)
