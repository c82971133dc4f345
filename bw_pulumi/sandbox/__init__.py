"""A local Bandwidth-compatible API server ("the sandbox") for tests and demos.

It emulates the account-level SIP credentials API, OAuth2 client-credentials tokens and
legacy Basic auth, with fault injection and a JSON control endpoint (``/_sandbox/``).
It is written from the API reference alone and imports nothing else from ``bw_pulumi``.

Which of its behaviours follow Bandwidth's published reference, which Bandwidth's CLI
verified against the live API, and which are the sandbox's own choices where both are
silent: ``docs/bandwidth-api.md``. Tests pin the choices down.

One folder per concern, as moto has one per service; folders import downwards only
(``tests/unit/test_house_rules.py``):

* ``core/``: what every resource shares and that knows none of them: request/reply values
  (``http``), ``ApiError``, XML helpers, route helpers and paging, faults, entry refusals,
  chaos mode, rate limits, response shapes, the control endpoint's guard;
* ``credentials/``: account-level SIP credentials (models, rules, store, xml, routes,
  control), on ``core/``;
* ``realms/``: the realms API and realm-scoped credentials (models, rules, table, store,
  out_of_band, xml, routes, control), on ``core/`` and the credential field rules;
* the modules at the top assemble the folders: ``registry`` (every resource and its
  routes, in one list), ``state`` (the one lock, tokens, logs and each resource's store),
  ``api`` (``/api``: latency, faults, token endpoint, auth, account check, then the
  registry), ``control`` (``/_sandbox/``), ``deleter`` (a concurrent deleter),
  ``http_server`` (server and handler) and ``server`` (the :class:`Sandbox` facade and
  :func:`serve`).

A new resource is a new folder with ``models``, ``rules``, ``store``, ``xml`` and
``routes`` (and ``control`` when tests drive it out of band), one line in ``registry.py``
and its store in ``state.py``.
"""

from .core.errors import ApiError
from .core.faults import Fault, FaultKind
from .core.http import AuthKind, RequestRecord
from .core.rate_limits import EarlyRequest, RateLimitMode, RateLimitStats
from .core.refusals import EntryRefusal
from .credentials.models import DEFAULT_REALM, StoredCredential
from .realms.models import (
    RealmRecord,
    RealmSettings,
    RealmStatus,
    StoredRealmCredential,
    UsernameEchoCase,
)
from .server import Sandbox, serve
from .state import SandboxConfig

__all__ = [
    "DEFAULT_REALM",
    "ApiError",
    "AuthKind",
    "EarlyRequest",
    "EntryRefusal",
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
