"""The JSON control endpoint under ``/_sandbox/``: no auth, for demo scripts and e2e
tests that drive the sandbox from another process."""

from __future__ import annotations

import json
from urllib.parse import unquote

from ..credentials.models import StoredCredential
from ..realms import control as realm_control
from . import control_guard, deleter, rate_limits
from .chaos import ChaosSettings
from .faults import Fault, FaultQueue
from .http import Reply, Request, json_reply
from .state import SandboxState

PREFIX = "/_sandbox/"


def handle(state: SandboxState, faults: FaultQueue, request: Request) -> Reply:
    refused = control_guard.refusal(request)  # loopback and JSON only: no CSRF, no rebinding
    if refused is not None:
        return refused
    route = request.path[len(PREFIX) :]
    try:
        return _dispatch(state, faults, request, route)
    except ValueError as error:  # bad JSON or a rule violation (ApiError is a ValueError)
        return json_reply(400, {"error": str(error)})


def _dispatch(state: SandboxState, faults: FaultQueue, request: Request, route: str) -> Reply:
    method = request.method
    if (method, route) == ("GET", "state"):
        return json_reply(200, snapshot(state, faults))
    if (method, route) == ("POST", "reset"):
        state.reset()
        faults.clear()
        return json_reply(200, {"ok": True})
    if route == "faults" and method in ("GET", "POST"):
        return _faults(faults, request)
    if (method, route) == ("PUT", "credentials"):
        return _put_credential(state, request)
    if method == "DELETE" and route.startswith("credentials/"):
        return _delete_credential(state, unquote(route[len("credentials/") :]))
    if (method, route) == ("POST", "revoke-tokens"):
        state.revoke_tokens()
        return json_reply(200, {"ok": True})
    if route == "latency" and method in ("GET", "PUT"):
        return _latency(state, request)
    if route == "response-shapes" and method in ("GET", "PATCH"):
        return _response_shapes(state, request)
    if route == "chaos" and method in ("GET", "PUT"):
        return _chaos(faults, request)
    if route == "rate-limit" and method in ("GET", "PUT"):
        return _rate_limit(state, request)
    if route == "realms" and method in ("GET", "POST"):
        return _realms(state, request)
    if route == deleter.ROUTE:
        body = _json_body(request) if request.method == "PUT" else None
        return deleter.handle(state.deleter, method, body)
    if route.startswith(realm_control.ROUTE_PREFIXES):
        return realm_control.handle(state.realm_api, request, route, _json_body(request))
    return json_reply(404, {"error": f"no control route {method} {request.path}"})


def snapshot(state: SandboxState, faults: FaultQueue) -> dict[str, object]:
    return {**state.snapshot(), "faults": [fault.to_json() for fault in faults.pending()]}


def _json_body(request: Request) -> object:
    try:
        return json.loads(request.body or b"null")
    except json.JSONDecodeError as error:
        raise ValueError(f"body is not JSON: {error}") from None


def _json_object(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ValueError("a JSON object is required")
    return {str(key): item for key, item in value.items()}


def _faults(faults: FaultQueue, request: Request) -> Reply:
    if request.method == "POST":
        body = _json_body(request)
        items = body if isinstance(body, list) else [body]
        parsed = [Fault.from_json(_json_object(item)) for item in items]
        for fault in parsed:
            faults.push(fault)
        return json_reply(201, {"queued": len(parsed), "pending": len(faults.pending())})
    return json_reply(200, {"faults": [fault.to_json() for fault in faults.pending()]})


def _put_credential(state: SandboxState, request: Request) -> Reply:
    data = _json_object(_json_body(request))
    credential = StoredCredential.from_json(data, default_realm=state.realms[0])
    return json_reply(200, state.put_out_of_band(credential).to_json())


def _delete_credential(state: SandboxState, composite: str) -> Reply:
    if state.delete_out_of_band(composite):
        return json_reply(200, {"deleted": composite})
    return json_reply(404, {"error": f"no credential {composite}"})


def _latency(state: SandboxState, request: Request) -> Reply:
    """``GET|PUT latency``: ``{"seconds": 0.05}`` sets the per-request latency."""
    if request.method == "PUT":
        state.set_latency(_json_object(_json_body(request)).get("seconds"))
    return json_reply(200, {"seconds": state.latency_seconds})


def _response_shapes(state: SandboxState, request: Request) -> Reply:
    """``GET|PATCH response-shapes``: any of ``aggregated_usernames``, ``omit_hash1b``,
    ``empty_list_not_found`` (true/false) answer as Bandwidth's spec shows
    (``spec_shapes.py``)."""
    if request.method == "PATCH":
        state.shapes = state.shapes.patched(_json_body(request))
    return json_reply(200, state.shapes.to_json())


def _chaos(faults: FaultQueue, request: Request) -> Reply:
    """``GET|PUT chaos``: ``{"seed": 7, "unavailable": 0.1, "lost": 0.1, "methods": [...]}``
    switches chaos mode to those settings (absent fields: the defaults, so ``{}`` is off);
    both answer the settings and the ``injected`` counters."""
    if request.method == "PUT":
        faults.chaos.configure(ChaosSettings.from_json(_json_object(_json_body(request))))
    return json_reply(200, faults.chaos.to_json())


def _rate_limit(state: SandboxState, request: Request) -> Reply:
    """``GET|PUT rate-limit``: ``{"limit": 20, "window_seconds": 2}`` switches Bandwidth's
    rate limits on (``grace_seconds`` optional), ``{"enabled": false}`` off; both answer
    the mode and the counters (``limited``, ``early``)."""
    if request.method == "PUT":
        mode = rate_limits.mode_from_json(_json_object(_json_body(request)))
        if mode is None:
            state.rate_limits.switch_off()
        else:
            state.rate_limits.switch_on(mode)
    return json_reply(200, state.rate_limits.to_json())


def _realms(state: SandboxState, request: Request) -> Reply:
    if request.method == "POST":
        realm = _json_object(_json_body(request)).get("realm")
        if not isinstance(realm, str):
            raise ValueError("realm must be a string")
        state.add_realm(realm)
    return json_reply(200, {"realms": list(state.realms)})
