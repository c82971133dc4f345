"""``SipCredential``, ``SipCredentialSet`` and ``SipRealm``: Bandwidth SIP credentials and
realms as Pulumi resources (dynamic resources; the rules live in the operations modules).

Each class spells out its inputs as typed keyword arguments (the public API); which of them
are secret, and which outputs the provider computes and keeps secret, come from the kind's
definition (:mod:`bw_pulumi.resources.kind`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from bw_pulumi import sdk_fixes
from bw_pulumi.provider import (
    KindProvider,
    SipCredentialProvider,
    SipCredentialSetProvider,
    SipRealmProvider,
)
from bw_pulumi.resources.sip_credential_set.outcome import failure_message

sdk_fixes.install()  # before any resource is declared: pulumi/pulumi#17803


def _declare(
    provider: KindProvider, inputs: dict[str, Any], opts: pulumi.ResourceOptions | None
) -> tuple[dict[str, Any], pulumi.ResourceOptions | None]:
    """The properties and options a dynamic resource of the provider's kind registers,
    from its definition: the declared inputs (secret ones wrapped as secrets), every
    output the provider computes as None (so the attributes exist), and the secret
    outputs (the engine keeps them secret in state and display)."""
    definition = provider.kind.definition
    secret = set(definition.secrets)
    props = {
        name: pulumi.Output.secret(value) if name in secret and value is not None else value
        for name, value in inputs.items()
    }
    props.update(dict.fromkeys(definition.computed_names))
    if not secret:
        return props, opts
    secret_outputs = pulumi.ResourceOptions(additional_secret_outputs=list(definition.secrets))
    return props, pulumi.ResourceOptions.merge(opts, secret_outputs)


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
        provider = SipCredentialProvider()
        inputs = {
            "username": username,
            "password": password,
            "realm": realm,
            "domain": domain,
            "http_voice_v2_app_id": http_voice_v2_app_id,
            "realm_id": realm_id,
            "adopt": True if adopt else None,
        }
        super().__init__(provider, resource_name, *_declare(provider, inputs, opts))


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
        provider = SipRealmProvider()
        inputs = {
            "name": name,
            "description": description,
            "default": default,
            "adopt": True if adopt else None,
        }
        super().__init__(provider, resource_name, *_declare(provider, inputs, opts))


class SipCredentialSetError(pulumi.RunError):
    """Some entries of a :class:`SipCredentialSet` failed in the last create or update.

    A :class:`pulumi.RunError`: the program ends with this one line, without a traceback.
    Raised after the engine saved the set's state (every entry that succeeded), so the next
    ``pulumi up`` sends only the failed entries."""

    __module__ = "bw_pulumi"


class SipCredentialSet(Resource, module="bandwidth", name="SipCredentialSet"):
    """Many SIP digest credentials of one realm as one resource, written in bulk: creates in
    bulk POSTs (``bandwidth:bulkCreateSize``, default 100 a request), updates and deletes in
    parallel (``bandwidth:writeConcurrency``, default 16), a diff per entry.

    ``credentials`` maps a stable key of your choosing (a phone's asset tag, a CSV row's id)
    to ``{"username", "password", "domain"?, "http_voice_v2_app_id"?}``; it is secret as a
    whole. Account-level (the Network Bridge flow), or realm-scoped with ``realm_id`` (the
    SIP Registrar flow: ``realm=office.fqdn, realm_id=office.realm_id``; entries take no
    domain). ``adopt=True`` takes over credentials that exist already, as for
    :class:`SipCredential`.

    Outputs: ``usernames`` (key -> composite username; not secret, export it freely),
    ``credential_ids`` (key -> id, realm-scoped), ``hashes`` (secret), ``failures`` and
    ``retired``. When Bandwidth refuses some entries, the set keeps every entry that
    succeeded (the engine saves it), ``failures`` names the others with their reasons, and
    the program fails with :class:`SipCredentialSetError`, one line naming the keys; fix
    the cause and run ``pulumi up`` again: it sends only the failed entries. (A dynamic
    provider cannot fail a create and keep its state in one call, so the failure travels
    as the ``failures`` output, and this class turns it into the ``up``'s failure.)
    """

    realm: pulumi.Output[str]
    realm_id: pulumi.Output[str | None]
    credentials: pulumi.Output[dict[str, dict[str, str]]]
    usernames: pulumi.Output[dict[str, str]]
    credential_ids: pulumi.Output[dict[str, str]]
    hashes: pulumi.Output[dict[str, dict[str, str]]]
    failures: pulumi.Output[dict[str, str]]
    retired: pulumi.Output[dict[str, str]]

    def __init__(
        self,
        resource_name: str,
        *,
        realm: pulumi.Input[str],
        credentials: Mapping[str, Mapping[str, pulumi.Input[str] | None]]
        | pulumi.Input[Mapping[str, Mapping[str, pulumi.Input[str] | None]]],
        realm_id: pulumi.Input[str] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        provider = SipCredentialSetProvider()
        inputs = {
            "realm": realm,
            "credentials": credentials,
            "realm_id": realm_id,
            "adopt": True if adopt else None,
        }
        super().__init__(provider, resource_name, *_declare(provider, inputs, opts))
        name = resource_name
        pulumi.Output.all(self.failures, self.usernames).apply(
            lambda values: _raise_if_failures(name, values[0], values[1])
        )


def _raise_if_failures(name: str, failures: object, usernames: object) -> None:
    """Fail the program when the set's last write left failures (see the class)."""
    if isinstance(failures, Mapping) and failures:
        held = len(usernames) if isinstance(usernames, Mapping) else 0
        reasons = {str(key): str(why) for key, why in failures.items()}
        raise SipCredentialSetError(f"SipCredentialSet {name!r}: {failure_message(reasons, held)}")
