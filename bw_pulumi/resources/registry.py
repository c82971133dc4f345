"""Every resource the provider serves, in one list (as pulumi-command's ``provider.go``
registers its resources): the package schema, the SDKs and the package provider's
dispatch all read it. Adding a resource: CONTRIBUTING.md."""

from __future__ import annotations

from bw_pulumi.resources.properties import ResourceDefinition
from bw_pulumi.resources.sip_credential.definition import SIP_CREDENTIAL
from bw_pulumi.resources.sip_realm.definition import SIP_REALM

RESOURCES: tuple[ResourceDefinition, ...] = (SIP_CREDENTIAL, SIP_REALM)
