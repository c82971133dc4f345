"""Every resource the sandbox emulates, in one list: the path segment its API routes
hang under (``/api/accounts/{account}/<segment>/...``), its API route and its control
routes (``/_sandbox/...``).

A resource is a folder beside ``core/`` (``credentials/``, ``realms/``) with ``models``,
``rules``, ``store``, ``xml``, ``routes`` (a :data:`ResourceRoute` named ``route``) and,
when tests drive it out of band, ``control`` (a :data:`ControlRoute` named ``handle``).
Adding one is adding its folder, one line to :data:`RESOURCES` (``api.py`` and
``control.py`` find it here) and its store to ``SandboxState`` (``state.py``), which
builds, resets and snapshots each store under the one lock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from .core.http import Reply, Request
from .credentials import control as credential_control
from .credentials import routes as credential_routes
from .realms import control as realm_control
from .realms import routes as realm_routes
from .state import SandboxState

#: ``route(state, request, account_id, rest)``: ``rest`` is the path after the segment;
#: the caller has authenticated the request and checked the account.
ResourceRoute = Callable[[SandboxState, Request, str, Sequence[str]], Reply]
#: ``handle(state, request, route)``: ``route`` is the path after ``/_sandbox/``; None
#: when the route is not this resource's.
ControlRoute = Callable[[SandboxState, Request, str], "Reply | None"]


@dataclass(frozen=True)
class Resource:
    segment: str
    route: ResourceRoute
    control: ControlRoute


RESOURCES: Final = (
    Resource("sipcredentials", credential_routes.route, credential_control.handle),
    Resource("realms", realm_routes.route, realm_control.handle),
)


def resource_at(segments: Sequence[str]) -> Resource | None:
    """The resource whose segment starts ``segments`` (the path after the account)."""
    return next((r for r in RESOURCES if list(segments[:1]) == [r.segment]), None)
