"""The emulated Bandwidth API (``/api``), whatever the resource: latency, the rate
limits, queued and chaos faults around each request, the OAuth2 token endpoint and the
authentication and account check of ``/api/accounts/{account}/...``. What follows the
account is the route of a resource (``registry.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final
from urllib.parse import parse_qs, unquote

from . import registry
from .core.chaos import LOST_STATUS, UNAVAILABLE_STATUS
from .core.faults import Fault, FaultQueue
from .core.http import Reply, Request, basic_matches, json_reply, xml_reply
from .core.route_helpers import ERROR_ROOT, not_found_route
from .core.xml import error_document
from .state import SandboxState

API_PREFIX: Final = "/api"
TOKEN_PATH: Final = "/api/v1/oauth2/token"  # noqa: S105 - a URL path, not a secret
FORM_MEDIA_TYPE: Final = "application/x-www-form-urlencoded"
CHAOS_UNAVAILABLE: Final = Fault("status", status=UNAVAILABLE_STATUS)
CHAOS_LOST: Final = Fault("after_commit", status=LOST_STATUS)


# -- entry point for /api requests ------------------------------------------------------


def is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def handle_api(state: SandboxState, faults: FaultQueue, request: Request) -> Reply:
    """Wait out the latency (a slow network and server: every request, the token
    endpoint too), then apply the first matching queued fault around the real route.
    The rate limit, when on, judges the request as it arrives (``core/rate_limits.py``)."""
    limited = state.rate_limits.check(request.method, request.path)
    latency = state.latency_seconds
    if latency > 0:
        state.sleep(latency)
    if limited is not None:
        return limited
    if faults.chaos.unavailable(request.method, request.target):
        return fault_reply(CHAOS_UNAVAILABLE, request)
    claim = faults.claim(request.method, request.target)
    fault = claim.fault if claim is not None else None
    if fault is not None and fault.kind == "delay":
        state.sleep(fault.seconds)
    if fault is not None and fault.kind == "status":
        return fault_reply(fault, request)
    reply = dispatch_api(state, request)
    if claim is not None and claim.fault.kind == "after_commit":
        if 200 <= reply.status < 300:
            if claim.fault.seconds:  # the answer is held, past the client's timeout
                state.sleep(claim.fault.seconds)
            return fault_reply(claim.fault, request)
        faults.put_back(claim)  # nothing was committed, so no response was "lost"
    if 200 <= reply.status < 300 and faults.chaos.lose_answer(request.method, request.target):
        return fault_reply(CHAOS_LOST, request)
    return reply


def fault_reply(fault: Fault, request: Request) -> Reply:
    status = fault.response_status
    headers = (("Retry-After", fault.retry_after),) if fault.retry_after is not None else ()
    if request.path == TOKEN_PATH:
        return json_reply(status, {"error": "sandbox_fault", "status": status}, *headers)
    body = error_document(ERROR_ROOT, f"Sandbox injected fault: HTTP {status}")
    return xml_reply(status, body, *headers)


def dispatch_api(state: SandboxState, request: Request) -> Reply:
    segments = [unquote(part) for part in request.path[len(API_PREFIX) :].split("/")[1:]]
    if request.path == TOKEN_PATH:
        if request.method != "POST":
            return json_reply(405, {"error": "method_not_allowed"}, ("Allow", "POST"))
        return token_route(state, request)
    if segments[:1] == ["accounts"]:
        return accounts_route(state, request, segments[1:])
    return not_found_route()


# -- OAuth2 client-credentials grant ----------------------------------------------------


def token_route(state: SandboxState, request: Request) -> Reply:
    config = state.config
    scheme, credentials = request.auth()
    if scheme != "basic" or not basic_matches(credentials, config.client_id, config.client_secret):
        challenge = ("WWW-Authenticate", 'Basic realm="sandbox"')
        return json_reply(401, {"error": "invalid_client"}, challenge)
    if request.media_type() != FORM_MEDIA_TYPE:
        description = f"Content-Type must be {FORM_MEDIA_TYPE}"
        return json_reply(400, {"error": "invalid_request", "error_description": description})
    form = parse_qs(request.body.decode("utf-8", errors="replace"), keep_blank_values=True)
    grant_type = form.get("grant_type", [""])[-1]
    if not grant_type:
        return json_reply(400, {"error": "invalid_request"})
    if grant_type != "client_credentials":
        return json_reply(400, {"error": "unsupported_grant_type"})
    grant = {
        "access_token": state.issue_token(),
        "token_type": "Bearer",
        "expires_in": config.token_ttl_seconds,
    }
    return json_reply(200, grant, ("Cache-Control", "no-store"))


# -- /api/accounts/... ------------------------------------------------------------------


def authenticate(state: SandboxState, request: Request) -> Reply | None:
    """None when the legacy Basic user or a live bearer token was presented."""
    config = state.config
    scheme, credentials = request.auth()
    if scheme == "basic" and basic_matches(
        credentials, config.basic_username, config.basic_password
    ):
        return None
    if scheme == "bearer" and state.token_valid(credentials):
        return None
    if scheme == "bearer":
        challenge = 'Bearer error="invalid_token"'
        description = "The access token is invalid or expired"
    else:
        challenge = 'Basic realm="sandbox", Bearer'
        description = "Authentication required"
    body = error_document(ERROR_ROOT, description)
    return xml_reply(401, body, ("WWW-Authenticate", challenge))


def accounts_route(state: SandboxState, request: Request, segments: Sequence[str]) -> Reply:
    denied = authenticate(state, request)
    if denied is not None:
        return denied
    if not segments or not segments[0]:
        return not_found_route()
    account_id, rest = segments[0], list(segments[1:])
    if not state.has_account(account_id):
        description = f"Access to account {account_id} is denied"
        return xml_reply(403, error_document(ERROR_ROOT, description))
    resource = registry.resource_at(rest[:1])
    if resource is None:
        return not_found_route()
    return resource.route(state, request, account_id, rest[1:])
