"""The SIP credential set's properties: the one place their facts are stated.

Secrecy is per top-level property (a dynamic provider can mark no less), so the outputs
are split by what they reveal: ``credentials`` (the inputs, passwords included) and
``hashes`` are secret; ``usernames``, ``credential_ids``, ``failures`` and ``retired`` hold
nothing secret and can be exported as they are.
"""

from __future__ import annotations

from bw_pulumi.resources.properties import ObjectType, Property, ResourceDefinition

ENTRY = ObjectType(
    name="SipCredentialSetEntry",
    description="One credential of a SipCredentialSet.",
    properties=(
        Property(
            "username",
            "string",
            "The SIP username: 1-32 characters from letters, digits and . _ - ! $ & * + = ~."
            " A change makes a new credential (created before the old one is deleted).",
            required=True,
        ),
        Property(
            "password",
            "string",
            "The SIP password. Only its hashes are sent to Bandwidth. A change rotates the"
            " hashes in place (one PUT).",
            required=True,
            secret=True,
        ),
        Property(
            "domain",
            "string",
            "Optional domain: the composite username becomes username@domain. Account-level"
            " sets only. A change makes a new credential.",
        ),
        Property(
            "http_voice_v2_app_id",
            "string",
            "Optional Bandwidth voice application id (a UUID) the credential is tied to.",
        ),
    ),
)

HASHES = ObjectType(
    name="SipCredentialSetHashes",
    description="The digests Bandwidth holds for one credential of a SipCredentialSet.",
    properties=(
        Property("hash1", "string", "MD5(composite:realm:password).", required=True, secret=True),
        Property(
            "hash1b", "string", "MD5(composite@realm:realm:password).", required=True, secret=True
        ),
    ),
)

SIP_CREDENTIAL_SET = ResourceDefinition(
    name="SipCredentialSet",
    description=(
        "Many SIP digest credentials of one realm as one resource, written in bulk: creates"
        " in bulk POSTs, updates and deletes in parallel, a diff per entry. Keyed by stable"
        " keys of your choosing (a phone's asset tag, a row of a CSV). Account-level (the"
        " Network Bridge flow), or realm-scoped with `realm_id` (the SIP Registrar flow)."
        " Entries Bandwidth refuses are named, with their reasons, in `failures`, and the"
        " update fails; every entry that succeeded is kept, and the next update sends only"
        " the rest."
    ),
    properties=(
        Property(
            "realm",
            "string",
            "The realm FQDN Bandwidth presents in its digest challenge, e.g."
            " custxx.auth.bandwidth.com; for a realm-scoped set, the SipRealm's fqdn.",
            input=True,
            required=True,
        ),
        Property(
            "realm_id",
            "string",
            "The id of the SipRealm that holds the credentials (the SIP Registrar flow);"
            " absent for account-level credentials. A change makes a new set.",
            input=True,
            replace_on_changes=True,
        ),
        Property(
            "adopt",
            "boolean",
            "Take over credentials that already exist at Bandwidth (and set them to these"
            " passwords) instead of failing them as duplicates.",
            input=True,
        ),
        Property(
            "credentials",
            "map",
            "The credentials, by a stable key of your choosing: renaming a key deletes and"
            " recreates its credential. Secret, as it holds the passwords.",
            input=True,
            required=True,
            secret=True,
            items=ENTRY,
        ),
        Property(
            "usernames",
            "map",
            "Key -> composite username (username, or username@domain) of every credential"
            " the set holds. Not secret: export it freely.",
            required=True,
            derived_from=("credentials",),
            items="string",
        ),
        Property(
            "credential_ids",
            "map",
            "Key -> Bandwidth's numeric id of each realm-scoped credential; empty for an"
            " account-level set.",
            derived_from=("credentials", "realm_id"),
            items="string",
        ),
        Property(
            "hashes",
            "map",
            "Key -> the Hash1 and Hash1b sent to Bandwidth. Password-equivalent: secret.",
            required=True,
            secret=True,
            derived_from=("credentials", "realm"),
            items=HASHES,
        ),
        Property(
            "failures",
            "map",
            "Key -> why Bandwidth refused that entry in the last create or update (empty"
            " when every entry succeeded). The next update sends these entries again.",
            derived_from=("credentials", "realm", "realm_id", "adopt"),
            items="string",
        ),
        Property(
            "retired",
            "map",
            "Credentials the set replaced whose deletion failed, by their Bandwidth key"
            " (composite username or credential id) -> the set's key they belonged to; the"
            " next update or delete deletes them.",
            derived_from=("credentials",),
            items="string",
        ),
    ),
)
