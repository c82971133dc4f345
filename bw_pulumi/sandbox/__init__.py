"""A local Bandwidth-compatible API server ("the sandbox") for tests and demos.

It emulates the account-level SIP credentials API, OAuth2 client-credentials tokens and
legacy Basic auth, with fault injection and a JSON control endpoint (``/_sandbox/``).
It is written from the API reference alone and imports nothing else from ``bw_pulumi``.

Which of its behaviours follow Bandwidth's published reference, which Bandwidth's CLI
verified against the live API, and which are the sandbox's own choices where both are
silent: ``docs/bandwidth-api.md``. Tests pin the choices down.

One folder per concern, as moto has one per service:

* ``core/``: what every resource shares (HTTP server, ``/api`` entry, auth and tokens,
  state, faults, chaos, rate limits, control endpoint, XML helpers) and
  ``core/registry.py``, the one list of resources and their routes;
* ``credentials/``: account-level SIP credentials (models, rules, store, xml, routes,
  control);
* ``realms/``: the realms API and realm-scoped credentials (the same, plus table and
  out_of_band; ``realms/store.py`` records its choices);
* ``server.py``: the :class:`Sandbox` facade and :func:`serve`, above the folders.

A new resource is a new folder with ``models``, ``rules``, ``xml`` and ``routes`` (and
``control`` when tests drive it out of band), plus one line in ``core/registry.py``.
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
