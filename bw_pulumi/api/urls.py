"""The rule for the URLs the provider sends credentials to: ``bandwidth:apiUrl`` and
``bandwidth:oauthUrl`` (and their environment variables and the deprecated ``tokenUrl``).

Every request to them carries the API secret (Basic auth, the OAuth2 client secret, or a
bearer token) and, for writes, the SIP hashes. So a URL must be ``https``. Plain ``http`` is
allowed only for a loopback host, where the traffic never leaves the machine: the local
sandbox (``bw-pulumi sandbox``) and tests. A URL must also carry no userinfo
(``https://user:pass@host``: requests would send it as Basic auth, and it would show up in
every message that names the URL), and no query or fragment (the client appends its own
query; a fragment means the value was pasted from a browser). Pure: no I/O, no DNS.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import SplitResult, urlsplit

from bw_pulumi.api.errors import ConfigurationError

LOOPBACK_NAMES = frozenset({"localhost"})

RULE = (
    "must be an https:// URL (plain http:// only for a loopback host: 127.0.0.0/8, ::1,"
    " localhost) with a host and no user:password@, query or fragment"
)


def check_api_url(value: str, key: str) -> str:
    """``value`` when it follows the rule above; otherwise a ConfigurationError that names
    ``key`` (the config key or environment variable it came from) and the rule. The value
    itself is not echoed: a URL with userinfo holds a password."""
    problem = url_problem(value)
    if problem:
        raise ConfigurationError(f"{key} {RULE}; {problem}")
    return value


def url_problem(value: str) -> str:
    """What breaks the rule, in a few words without the value; empty when nothing does."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return "the value is not a URL"
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        return "the value holds whitespace or control characters"
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "the value is not an absolute http(s) URL with a host"
    if "@" in parts.netloc:
        return "the value carries userinfo (user:password@)"
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        return "the value carries a query or fragment"
    if parts.scheme == "http" and not is_loopback(parts):
        return f"plain http is allowed only for loopback, not host {parts.hostname!r}"
    return ""


def is_loopback(parts: SplitResult) -> bool:
    """``localhost``, 127.0.0.0/8 or ::1, by the literal host only (no DNS lookup: a name
    that resolves to loopback today may not tomorrow)."""
    host = (parts.hostname or "").rstrip(".").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
