"""The SIP realm as a kind of resource: what both front doors need to serve it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bw_pulumi.resources.hook_errors import known_text
from bw_pulumi.resources.kind import Kind, Operations, Shared
from bw_pulumi.resources.sip_realm.definition import SIP_REALM
from bw_pulumi.resources.sip_realm.operations import RealmOperations, Waiting


def realm_name(props: Mapping[str, Any]) -> str | None:
    """A SIP realm's short name, when known."""
    return known_text(props.get("name"))


def realm_operations(shared: Shared) -> Operations:
    return RealmOperations(shared.api, Waiting(seconds=shared.realm_wait_seconds))


SIP_REALM_KIND = Kind(
    definition=SIP_REALM,
    label="SIP realm",
    name_of=realm_name,
    operations=realm_operations,
)
