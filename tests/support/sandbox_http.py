"""Plain-HTTP helpers for the sandbox tests: raw requests, no bw_pulumi client code."""

from __future__ import annotations

from typing import Any

import requests

from bw_pulumi.sandbox import Sandbox

ACCOUNT = "9900000"
# The published vector: sipauthtest / custxx.auth.bandwidth.com / password
H1 = "fe438bddfc087dda89d29e637f5684ab"
H1B = "79bb0e55551e14a2f329a282c7cf1456"
XML = {"Content-Type": "application/xml; charset=utf-8"}
#: What every /_sandbox/ control request but a GET must declare (see control_guard).
JSON = {"Content-Type": "application/json"}
BASIC = ("sandbox-user", "sandbox-password")
CLIENT = ("sandbox-client", "sandbox-secret")
TIMEOUT = 10


def web(method: str, url: str, **kwargs: Any) -> requests.Response:
    """A one-off request with a timeout, so a wedged server fails a test instead of hanging."""
    return requests.request(method, url, timeout=kwargs.pop("timeout", TIMEOUT), **kwargs)


def creds_url(sb: Sandbox, composite: str | None = None, account: str = ACCOUNT) -> str:
    url = f"{sb.base_url}/accounts/{account}/sipcredentials"
    return url if composite is None else f"{url}/{composite}"


def realms_url(sb: Sandbox, *parts: str, account: str = ACCOUNT) -> str:
    """``.../accounts/{account}/realms[/part...]`` of the realms API."""
    return "/".join([f"{sb.base_url}/accounts/{account}/realms", *parts])


class FakeClock:
    """An injectable monotonic clock that moves only when told to."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
