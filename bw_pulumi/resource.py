"""``SipCredential``: a Bandwidth account-level SIP credential as a Pulumi resource."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from bw_pulumi.provider import SipCredentialProvider

SECRET_OUTPUTS = ["password", "hash1", "hash1b"]


class SipCredential(Resource, module="bandwidth", name="SipCredential"):
    """A SIP digest credential (Hash1/Hash1b) on a Bandwidth account.

    The resource id is the composite username (``username`` or ``username@domain``).
    ``password``, ``hash1`` and ``hash1b`` are always secret. With ``adopt=True`` a credential
    that already exists at Bandwidth is taken over (and set to this password) instead of
    failing as a duplicate.
    """

    username: pulumi.Output[str]
    domain: pulumi.Output[str | None]
    realm: pulumi.Output[str]
    http_voice_v2_app_id: pulumi.Output[str | None]
    composite_username: pulumi.Output[str]
    hash1: pulumi.Output[str]
    hash1b: pulumi.Output[str]
    password: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        username: pulumi.Input[str],
        password: pulumi.Input[str],
        realm: pulumi.Input[str],
        domain: pulumi.Input[str] | None = None,
        http_voice_v2_app_id: pulumi.Input[str] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "username": username,
            "password": pulumi.Output.secret(password),
            "realm": realm,
            "domain": domain,
            "http_voice_v2_app_id": http_voice_v2_app_id,
            "adopt": True if adopt else None,
            # Outputs computed by the provider; declared so the attributes exist.
            "composite_username": None,
            "hash1": None,
            "hash1b": None,
        }
        secret_outputs = pulumi.ResourceOptions(additional_secret_outputs=SECRET_OUTPUTS)
        super().__init__(
            SipCredentialProvider(),
            resource_name,
            props,
            pulumi.ResourceOptions.merge(opts, secret_outputs),
        )
