"""Authentication to Bandwidth: OAuth2 client credentials (preferred) or a legacy API user."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from bw_pulumi.api.errors import basic_credentials

# Refresh a token this long before Bandwidth says it expires, so no call races the expiry.
TOKEN_EXPIRY_MARGIN_SECONDS = 60.0

TokenFetcher = Callable[[str, str, str], tuple[str, float]]
"""(token_url, client_id, client_secret) -> (access_token, expires_in_seconds)."""


class Auth(Protocol):
    def header(self, fetch_token: TokenFetcher, now: float) -> str:
        """The ``Authorization`` header value to send."""

    def invalidate(self, rejected_header: str) -> bool:
        """A request sent with ``rejected_header`` got a 401: forget that token.

        True when a second attempt is worthwhile (a new token can be fetched).
        """

    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in error text."""


def basic_header(username: str, password: str) -> str:
    pair = f"{username}:{password}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


@dataclass
class BasicAuth:
    """A legacy API user (Basic auth; Bandwidth is retiring these)."""

    username: str
    password: str = field(repr=False)

    def header(self, fetch_token: TokenFetcher, now: float) -> str:
        return basic_header(self.username, self.password)

    def invalidate(self, rejected_header: str) -> bool:
        return False

    def secrets(self) -> tuple[str, ...]:
        return (self.password, *basic_credentials(self.username, self.password))


@dataclass
class OAuthClientCredentials:
    """OAuth2 client-credentials grant; one cached token shared by all threads."""

    client_id: str
    client_secret: str = field(repr=False)
    token_url: str
    _token: str | None = field(default=None, repr=False)
    _expires_at: float = field(default=0.0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def header(self, fetch_token: TokenFetcher, now: float) -> str:
        with self._lock:
            if self._token is None or now >= self._expires_at:
                token, expires_in = fetch_token(self.token_url, self.client_id, self.client_secret)
                self._token = token
                self._expires_at = now + max(0.0, expires_in - TOKEN_EXPIRY_MARGIN_SECONDS)
            return f"Bearer {self._token}"

    def invalidate(self, rejected_header: str) -> bool:
        # Only the token that was refused: another thread may already hold a fresh one.
        with self._lock:
            if rejected_header == f"Bearer {self._token}":
                self._token = None
        return True

    def secrets(self) -> tuple[str, ...]:
        token = (self._token,) if self._token else ()
        return (self.client_secret, *basic_credentials(self.client_id, self.client_secret), *token)
