"""``SipCredential`` and ``SipRealm``: Bandwidth SIP credentials and realms as Pulumi
resources (dynamic resources; the rules live in the operations modules)."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from bw_pulumi import sdk_fixes
from bw_pulumi.provider import SipCredentialProvider, SipRealmProvider
from bw_pulumi.resources.properties import ResourceDefinition
from bw_pulumi.resources.sip_credential.definition import SIP_CREDENTIAL
from bw_pulumi.resources.sip_realm.definition import SIP_REALM

sdk_fixes.install()  # before any resource is declared: pulumi/pulumi#17803

SECRET_OUTPUTS = list(SIP_CREDENTIAL.secrets)


def _computed(definition: ResourceDefinition) -> dict[str, Any]:
    """The outputs the provider computes, declared (as None) so the attributes exist."""
    return {p.name: None for p in definition.computed}


class SipCredential(Resource, module="bandwidth", name="SipCredential"):
    """A SIP digest credential (Hash1/Hash1b) on a Bandwidth account.

    Account-level (the Network Bridge flow): the resource id is the composite username
    (``username`` or ``username@domain``). Realm-scoped (the SIP Registrar flow): with
    ``realm_id`` the credential lives in that realm (``realm`` must be its FQDN, e.g.
    ``realm=office.fqdn, realm_id=office.realm_id``); the resource id is
    ``{realm_id}/{credential_id}`` and there is no domain.
    ``password``, ``hash1`` and ``hash1b`` are always secret. With ``adopt=True`` a credential
    that already exists at Bandwidth is taken over (and set to this password) instead of
    failing as a duplicate.
    """

    username: pulumi.Output[str]
    domain: pulumi.Output[str | None]
    realm: pulumi.Output[str]
    http_voice_v2_app_id: pulumi.Output[str | None]
    realm_id: pulumi.Output[str | None]
    credential_id: pulumi.Output[str | None]
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
        realm_id: pulumi.Input[str] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "username": username,
            "password": pulumi.Output.secret(password),
            "realm": realm,
            "domain": domain,
            "http_voice_v2_app_id": http_voice_v2_app_id,
            "realm_id": realm_id,
            "adopt": True if adopt else None,
            **_computed(SIP_CREDENTIAL),
        }
        secret_outputs = pulumi.ResourceOptions(additional_secret_outputs=SECRET_OUTPUTS)
        super().__init__(
            SipCredentialProvider(),
            resource_name,
            props,
            pulumi.ResourceOptions.merge(opts, secret_outputs),
        )


class SipRealm(Resource, module="bandwidth", name="SipRealm"):
    """A SIP realm created through Bandwidth's realms API (the SIP Registrar flow).

    ``fqdn`` is the realm name the credentials' hashes use, exactly as Bandwidth reports
    it; pass it on: ``SipCredential(..., realm=office.fqdn, realm_id=office.realm_id)``.
    Create waits until the realm is ACTIVE (``bandwidth:realmWaitSeconds``, default 300).
    ``default=True`` makes it the account's default realm; Bandwidth cannot undo that, so
    false or absent leaves the flag alone. A ``name`` change replaces the realm. A realm of
    that name that exists already fails the create, naming its id, unless ``adopt=True``
    takes it over; one this create made although Bandwidth's answer was lost is taken over
    with a warning.
    """

    name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    default: pulumi.Output[bool]
    realm_id: pulumi.Output[str]
    fqdn: pulumi.Output[str]
    status: pulumi.Output[str]
    sip_credential_count: pulumi.Output[int]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        description: pulumi.Input[str] | None = None,
        default: pulumi.Input[bool] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "name": name,
            "description": description,
            "default": default,
            "adopt": True if adopt else None,
            **_computed(SIP_REALM),
        }
        super().__init__(SipRealmProvider(), resource_name, props, opts)
