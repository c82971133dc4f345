"""The SIP credential's properties: the one place their facts are stated."""

from __future__ import annotations

from bw_pulumi.resources.properties import Property, ResourceDefinition

_HASH_INPUTS = ("username", "password", "realm", "domain")

SIP_CREDENTIAL = ResourceDefinition(
    name="SipCredential",
    description=(
        "A SIP digest credential (Hash1/Hash1b) on a Bandwidth account. Account-level (the"
        " Network Bridge flow): the id is the composite username (`username` or"
        " `username@domain`). Realm-scoped (the SIP Registrar flow): with `realm_id` the"
        " credential lives in that realm, `realm` must be the realm's FQDN, and the id is"
        " `{realm_id}/{credential_id}`. Bandwidth never holds the password, only its hashes."
    ),
    properties=(
        Property(
            "username",
            "string",
            "The SIP username: 1-32 characters from letters, digits and . _ - ! $ & * + = ~."
            " A change makes a new credential.",
            input=True,
            required=True,
            replace_on_changes=True,
        ),
        Property(
            "password",
            "string",
            "The SIP password. Only its hashes are sent to Bandwidth; it is kept, as a secret,"
            " in the state alone. A change rotates the hashes in place.",
            input=True,
            required=True,
            secret=True,
        ),
        Property(
            "realm",
            "string",
            "The realm FQDN Bandwidth presents in its digest challenge, e.g."
            " custxx.auth.bandwidth.com; for a realm-scoped credential, the SipRealm's fqdn.",
            input=True,
            required=True,
        ),
        Property(
            "domain",
            "string",
            "Optional domain: the composite username becomes username@domain. Account-level"
            " credentials only. A change makes a new credential.",
            input=True,
            replace_on_changes=True,
        ),
        Property(
            "http_voice_v2_app_id",
            "string",
            "Optional Bandwidth voice application id (a UUID) the credential is tied to."
            " Removing it makes a new credential (Bandwidth cannot clear it).",
            input=True,
        ),
        Property(
            "realm_id",
            "string",
            "The id of the SipRealm that holds the credential (the SIP Registrar flow);"
            " absent for an account-level credential. A change makes a new credential.",
            input=True,
            replace_on_changes=True,
        ),
        Property(
            "adopt",
            "boolean",
            "Take over a credential that already exists at Bandwidth (and set it to this"
            " password) instead of failing as a duplicate.",
            input=True,
            compared=False,
        ),
        Property(
            "composite_username",
            "string",
            "username, or username@domain: the name SIP clients authenticate with.",
            required=True,
            derived_from=("username", "domain"),
        ),
        Property(
            "hash1",
            "string",
            "MD5(composite:realm:password), as sent to Bandwidth. Password-equivalent: secret.",
            required=True,
            secret=True,
            derived_from=_HASH_INPUTS,
        ),
        Property(
            "hash1b",
            "string",
            "MD5(composite@realm:realm:password), as sent to Bandwidth. Secret.",
            required=True,
            secret=True,
            derived_from=_HASH_INPUTS,
        ),
        Property(
            "credential_id",
            "string",
            "Bandwidth's numeric id of a realm-scoped credential; absent for account-level ones.",
            derived_from=("realm_id",),
        ),
    ),
)
