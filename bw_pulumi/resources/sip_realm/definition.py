"""The SIP realm's properties: the one place their facts are stated."""

from __future__ import annotations

from bw_pulumi.resources.properties import Property, ResourceDefinition

SIP_REALM = ResourceDefinition(
    name="SipRealm",
    description=(
        "A SIP realm created through Bandwidth's realms API (the SIP Registrar flow). Create"
        " waits until the realm is ACTIVE. Pass its `fqdn` and `realm_id` to the credentials"
        " it holds."
    ),
    properties=(
        Property(
            "name",
            "string",
            "The realm's short name (one hostname label); Bandwidth derives the FQDN from it."
            " A change makes a new realm.",
            input=True,
            required=True,
            replace_on_changes=True,
        ),
        Property("description", "string", "Optional description.", input=True),
        Property(
            "default",
            "boolean",
            "true makes this the account's default realm. Bandwidth cannot undo that, so"
            " false or absent leaves the flag alone.",
            input=True,
            compared=False,
        ),
        Property(
            "adopt",
            "boolean",
            "Take over a realm of this name that already exists at Bandwidth (and give it"
            " this description and default) instead of failing because the name is taken.",
            input=True,
            compared=False,
        ),
        Property("realm_id", "string", "Bandwidth's id of the realm.", required=True),
        Property(
            "fqdn",
            "string",
            "The realm FQDN exactly as Bandwidth reports it: the realm of its credentials.",
            required=True,
        ),
        Property(
            "status",
            "string",
            "CREATE_PENDING, ACTIVE, CREATE_FAILED, DELETE_PENDING or DELETE_FAILED.",
            required=True,
        ),
        Property(
            "sip_credential_count",
            "integer",
            "How many SIP credentials the realm holds (as last read).",
            required=True,
        ),
    ),
)
