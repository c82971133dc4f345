"""Who may use the ``/_sandbox/`` controls: local tools, not a web page.

The controls have no auth: they reset state, revoke tokens, queue faults. A web page the
developer visits can send requests to ``127.0.0.1`` (cross-site request forgery), or make
its own host name resolve to ``127.0.0.1`` and then read the answers (DNS rebinding). So a
control request must

* name a loopback host in ``Host`` (a rebound name is not loopback), and, when it carries
  ``Origin`` (browsers do for cross-site and non-GET requests), a loopback origin;
* declare ``Content-Type: application/json`` whenever it has a body and for every method
  but GET and HEAD: a page can only send that type after a CORS preflight, which the
  sandbox never grants. A GET without a body needs no type: it changes nothing, and a
  page cannot read its answer without CORS.
"""

from __future__ import annotations

import ipaddress
from typing import Final
from urllib.parse import urlsplit

from .http import JSON_TYPE, Reply, Request, json_reply

LOOPBACK_NAMES: Final = frozenset({"localhost"})
READ_METHODS: Final = frozenset({"GET", "HEAD"})


def refusal(request: Request) -> Reply | None:
    """The reply refusing ``request``, or None when it may use the controls."""
    if not is_loopback(_hostname(f"//{request.host}")):
        return json_reply(
            403,
            {
                "error": f"control requests need a loopback Host (localhost, 127.0.0.1 or"
                f" [::1]), not {request.host!r}"
            },
        )
    origin = request.header("origin")
    if origin and not is_loopback(_hostname(origin)):
        return json_reply(
            403, {"error": f"control requests from a web origin are refused ({origin!r})"}
        )
    needs_json = bool(request.body) or request.method not in READ_METHODS
    if needs_json and request.media_type() != JSON_TYPE:
        return json_reply(
            415,
            {
                "error": f"control requests other than GET must send Content-Type: {JSON_TYPE}"
                f" (got {request.media_type() or 'none'})"
            },
        )
    return None


def is_loopback(hostname: str | None) -> bool:
    if hostname is None:
        return False
    if hostname.lower().rstrip(".") in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def _hostname(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None
