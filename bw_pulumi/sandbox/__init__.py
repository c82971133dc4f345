"""A local Bandwidth-compatible API server ("the sandbox") for tests and demos.

It emulates the account-level SIP credentials API, OAuth2 client-credentials tokens and
legacy Basic auth, with fault injection and a JSON control endpoint (``/_sandbox/``).
It is written from the API reference alone and imports nothing else from ``bw_pulumi``.

Which of its behaviours follow Bandwidth's published reference, which Bandwidth's CLI
verified against the live API, and which are the sandbox's own choices where both are
silent: ``docs/bandwidth-api.md``. Tests pin the choices down.
The realms API and realm-scoped credentials: ``realms.py`` (its choices and module map).
"""

from .core.errors import ApiError
from .core.faults import Fault, FaultKind
from .core.http import AuthKind, RequestRecord
from .core.rate_limits import EarlyRequest, RateLimitMode, RateLimitStats
from .core.state import SandboxConfig
from .credentials.models import DEFAULT_REALM, StoredCredential
from .realms.models import (
    RealmRecord,
    RealmSettings,
    RealmStatus,
    StoredRealmCredential,
    UsernameEchoCase,
)
from .server import Sandbox, serve

__all__ = [
    "DEFAULT_REALM",
    "ApiError",
    "AuthKind",
    "EarlyRequest",
    "Fault",
    "FaultKind",
    "RateLimitMode",
    "RateLimitStats",
    "RealmRecord",
    "RealmSettings",
    "RealmStatus",
    "RequestRecord",
    "Sandbox",
    "SandboxConfig",
    "StoredCredential",
    "StoredRealmCredential",
    "UsernameEchoCase",
    "serve",
]
