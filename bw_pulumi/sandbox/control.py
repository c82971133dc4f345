"""The JSON control endpoint under ``/_sandbox/``: no auth, for demo scripts and e2e
tests that drive the sandbox from another process. The routes here are the whole
sandbox's (state, reset, faults, latency, chaos, rate limits, response shapes, the
concurrent deleter); a resource's own are its folder's ``control.py``, found through
``registry.py``."""

from __future__ import annotations

from . import deleter, registry
from .core import control_guard, rate_limits
from .core.chaos import ChaosSettings
from .core.faults import Fault, FaultQueue
from .core.http import Reply, Request, json_body, json_object, json_reply
from .core.refusals import EntryRefusal
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
    if (method, route) == ("POST", "revoke-tokens"):
        state.revoke_tokens()
        return json_reply(200, {"ok": True})
    if route == "refusals" and method in ("GET", "POST"):
        return _refusals(state, request)
    if route == "latency" and method in ("GET", "PUT"):
        return _latency(state, request)
    if route == "response-shapes" and method in ("GET", "PATCH"):
        return _response_shapes(state, request)
    if route == "chaos" and method in ("GET", "PUT"):
        return _chaos(faults, request)
    if route == "rate-limit" and method in ("GET", "PUT"):
        return _rate_limit(state, request)
    if route == deleter.ROUTE:
        body = json_body(request) if request.method == "PUT" else None
        return deleter.handle(state.deleter, method, body)
    for resource in registry.RESOURCES:
        reply = resource.control(state, request, route)
        if reply is not None:
            return reply
    return json_reply(404, {"error": f"no control route {method} {request.path}"})


def snapshot(state: SandboxState, faults: FaultQueue) -> dict[str, object]:
    return {**state.snapshot(), "faults": [fault.to_json() for fault in faults.pending()]}


def _faults(faults: FaultQueue, request: Request) -> Reply:
    if request.method == "POST":
        body = json_body(request)
        items = body if isinstance(body, list) else [body]
        parsed = [Fault.from_json(json_object(item)) for item in items]
        for fault in parsed:
            faults.push(fault)
        return json_reply(201, {"queued": len(parsed), "pending": len(faults.pending())})
    return json_reply(200, {"faults": [fault.to_json() for fault in faults.pending()]})


def _refusals(state: SandboxState, request: Request) -> Reply:
    """``GET|POST refusals``: ``{"username": "phone-7", "code": 23019, "times": 1}`` (or a
    list of them) refuses that entry of the next bulk creates in ``Errors`` while the
    others of the same request are created; both answer the pending refusals."""
    if request.method == "POST":
        body = json_body(request)
        items = body if isinstance(body, list) else [body]
        for refusal in [EntryRefusal.from_json(json_object(item)) for item in items]:
            state.refusals.add(refusal)
    pending = [refusal.to_json() for refusal in state.refusals.pending()]
    return json_reply(201 if request.method == "POST" else 200, {"refusals": pending})


def _latency(state: SandboxState, request: Request) -> Reply:
    """``GET|PUT latency``: ``{"seconds": 0.05}`` sets the per-request latency."""
    if request.method == "PUT":
        state.set_latency(json_object(json_body(request)).get("seconds"))
    return json_reply(200, {"seconds": state.latency_seconds})


def _response_shapes(state: SandboxState, request: Request) -> Reply:
    """``GET|PATCH response-shapes``: any of ``aggregated_usernames``, ``omit_hash1b``,
    ``empty_list_not_found`` (true/false) answer as Bandwidth's spec shows
    (``core/spec_shapes.py``)."""
    if request.method == "PATCH":
        state.shapes = state.shapes.patched(json_body(request))
    return json_reply(200, state.shapes.to_json())


def _chaos(faults: FaultQueue, request: Request) -> Reply:
    """``GET|PUT chaos``: ``{"seed": 7, "unavailable": 0.1, "lost": 0.1, "methods": [...]}``
    switches chaos mode to those settings (absent fields: the defaults, so ``{}`` is off);
    both answer the settings and the ``injected`` counters."""
    if request.method == "PUT":
        faults.chaos.configure(ChaosSettings.from_json(json_object(json_body(request))))
    return json_reply(200, faults.chaos.to_json())


def _rate_limit(state: SandboxState, request: Request) -> Reply:
    """``GET|PUT rate-limit``: ``{"limit": 20, "window_seconds": 2}`` switches Bandwidth's
    rate limits on (``grace_seconds`` optional), ``{"enabled": false}`` off; both answer
    the mode and the counters (``limited``, ``early``)."""
    if request.method == "PUT":
        mode = rate_limits.mode_from_json(json_object(json_body(request)))
        if mode is None:
            state.rate_limits.switch_off()
        else:
            state.rate_limits.switch_on(mode)
    return json_reply(200, state.rate_limits.to_json())
