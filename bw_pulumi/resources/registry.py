"""Every resource the provider serves, in one list (as pulumi-command's ``provider.go``
registers its resources): the package schema, the SDKs and the package provider's
dispatch all read it. Adding a resource: CONTRIBUTING.md."""

from __future__ import annotations

from bw_pulumi.resources.kind import Kind
from bw_pulumi.resources.properties import ResourceDefinition
from bw_pulumi.resources.sip_credential.kind import SIP_CREDENTIAL_KIND
from bw_pulumi.resources.sip_credential_set.kind import SIP_CREDENTIAL_SET_KIND
from bw_pulumi.resources.sip_realm.kind import SIP_REALM_KIND

KINDS: tuple[Kind, ...] = (SIP_CREDENTIAL_KIND, SIP_REALM_KIND, SIP_CREDENTIAL_SET_KIND)

RESOURCES: tuple[ResourceDefinition, ...] = tuple(kind.definition for kind in KINDS)
