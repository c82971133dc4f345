"""The SIP credential as a kind of resource: what both front doors need to serve it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bw_pulumi.resources.hook_errors import known_text
from bw_pulumi.resources.kind import Kind, Operations, Shared
from bw_pulumi.resources.lifecycle import Props, is_unknown
from bw_pulumi.resources.sip_credential.definition import SIP_CREDENTIAL
from bw_pulumi.resources.sip_credential.operations import CredentialOperations
from bw_pulumi.resources.sip_credential.rules import composite_username


def credential_name(props: Mapping[str, Any]) -> str | None:
    """The composite username a SIP credential's properties describe, when known."""
    username, domain = known_text(props.get("username")), props.get("domain")
    if username is None or (domain is not None and known_text(domain) is None):
        return None
    return composite_username(username, domain or None)


def composite_of_inputs(inputs: Props) -> Props:
    """``composite_username``, which username and domain alone decide, when they are known.

    A dynamic provider cannot answer a preview (its server never says it supports one),
    so the engine previews an update's outputs as the checked inputs, and every output
    missing from them as unknown: a password change would show an export of the
    composite username as ``[unknown]``, as if the username changed. Carried among the
    inputs, it stays known wherever username and domain are. (Outputs the API decides,
    such as ``credential_id``, cannot be carried so.)"""
    username, domain = inputs.get("username"), inputs.get("domain")
    if not isinstance(username, str) or is_unknown(username) or is_unknown(domain):
        return {}
    if domain is not None and not isinstance(domain, str):
        return {}
    return {"composite_username": composite_username(username, domain)}


def credential_operations(shared: Shared) -> Operations:
    return CredentialOperations(shared.api)


SIP_CREDENTIAL_KIND = Kind(
    definition=SIP_CREDENTIAL,
    label="SIP credential",
    name_of=credential_name,
    operations=credential_operations,
    outputs_of_inputs=composite_of_inputs,
)
