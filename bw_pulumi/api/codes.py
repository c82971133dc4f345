"""Bandwidth error codes the client and provider act on, in one place.

Where each comes from is recorded in docs/bandwidth-api.md. The sandbox keeps its own
copy (``bw_pulumi/sandbox/credentials/rules.py``) on purpose: it is an independent reading of the
reference, so a wrong code here is caught by a test against it.
"""

from __future__ import annotations

from typing import Final

# Account-level credentials, keyed by composite username.
CREDENTIAL_NOT_FOUND: Final = "23007"
NO_CREDENTIALS: Final = "23008"
CREDENTIAL_EXISTS: Final = "23009"

# Realms and realm-scoped credentials, keyed by ids.
REALM_NOT_ACTIVE: Final = "23022"
REALM_CREDENTIAL_NOT_FOUND: Final = "23025"
REALM_CREDENTIAL_EXISTS: Final = "23026"
USERNAME_NOT_UPDATABLE: Final = "23030"
REALM_ID_REQUIRED: Final = "23031"
REALM_HAS_CREDENTIALS: Final = "12666"
SIP_CREDENTIALS_NOT_ENABLED: Final = "33004"
DEFAULT_REALM_NOT_DELETABLE: Final = "33006"
