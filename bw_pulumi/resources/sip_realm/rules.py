"""The SIP realm's rules: its short name and the FQDN Bandwidth derives from it.
Pure functions only (no I/O)."""

from __future__ import annotations

import re

from bw_pulumi.api.errors import InvalidInputError
from bw_pulumi.resources.rules import HOST_LABEL

#: Bandwidth's CLI allows 30 characters; the API spec says 64. The stricter one wins.
REALM_NAME_MAX_LENGTH = 30
#: ``{name}-{hex}.auth.bandwidth.com``: the name is one host label, the hex Bandwidth's.
_REALM_FQDN = re.compile(rf"({HOST_LABEL.pattern})-[0-9a-fA-F]+\.auth\.bandwidth\.com")


def validate_realm_name(name: str) -> None:
    """The short name of a realm created through the realms API. Bandwidth derives the
    realm's FQDN from it (``name-<hex>.auth.bandwidth.com``), so it is one hostname label."""
    if not name:
        raise InvalidInputError("name", "must not be empty")
    if len(name) > REALM_NAME_MAX_LENGTH:
        raise InvalidInputError(
            "name", f"must be at most {REALM_NAME_MAX_LENGTH} characters (got {len(name)})"
        )
    if not HOST_LABEL.fullmatch(name):
        raise InvalidInputError(
            "name", "may only contain letters, digits and '-', and not start or end with '-'"
        )


def realm_name_in(fqdn: str) -> str | None:
    """The short name a realms-API FQDN was made from (``office`` in
    ``office-1a2b3c4d.auth.bandwidth.com``), as the FQDN spells it; None for any other
    form. An imported realm's name is known only from here: the API returns no name."""
    match = _REALM_FQDN.fullmatch(fqdn)
    return match.group(1) if match else None
