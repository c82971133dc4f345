"""Transport-neutral request/reply values and helpers shared by the route modules, and
the record of an answered request (the request log)."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

XML_TYPE: Final = "application/xml; charset=utf-8"
JSON_TYPE: Final = "application/json"

AuthKind = Literal["basic", "bearer"]


@dataclass(frozen=True)
class Request:
    """A parsed HTTP request. ``path`` is still percent-encoded; ``headers`` has
    lowercased names."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes
    host: str

    @property
    def target(self) -> str:
        """Path with the query string, as logged and as faults match it."""
        return f"{self.path}?{self.query}" if self.query else self.path

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def media_type(self) -> str:
        """The declared ``Content-Type`` without parameters, lowercased ("" if none)."""
        return self.header("content-type").split(";")[0].strip().lower()

    def auth(self) -> tuple[AuthKind | None, str]:
        """The presented scheme (basic/bearer, else None) and its credentials text."""
        scheme, _, credentials = self.header("authorization").strip().partition(" ")
        if scheme.lower() == "basic":
            return "basic", credentials.strip()
        if scheme.lower() == "bearer":
            return "bearer", credentials.strip()
        return None, ""


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


def xml_reply(status: int, body: bytes, *headers: tuple[str, str]) -> Reply:
    return Reply(status, body, XML_TYPE, headers)


def json_reply(status: int, data: object, *headers: tuple[str, str]) -> Reply:
    return Reply(status, json.dumps(data).encode("utf-8"), JSON_TYPE, headers)


def json_body(request: Request) -> object:
    """The parsed JSON body (None when empty); ``ValueError`` when it is not JSON."""
    try:
        return json.loads(request.body or b"null")
    except json.JSONDecodeError as error:
        raise ValueError(f"body is not JSON: {error}") from None


def json_object(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ValueError("a JSON object is required")
    return {str(key): item for key, item in value.items()}


def basic_pair(credentials: str) -> tuple[str, str] | None:
    """Decode ``base64(user:password)``; None when it is not valid Basic credentials."""
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def basic_matches(credentials: str, user: str, password: str) -> bool:
    pair = basic_pair(credentials)
    # Evaluate both comparisons so timing does not reveal which half was wrong.
    return pair is not None and all([same_secret(pair[0], user), same_secret(pair[1], password)])


@dataclass(frozen=True)
class RequestRecord:
    """One emulated-API request as the sandbox answered it (control requests excluded).

    ``path`` includes the query string; ``auth`` is the scheme the caller presented,
    whether or not it was accepted; ``entries`` is how many ``SipCredential`` elements
    the body of a POST carried (a bulk create's size; 0 for any other request)."""

    method: str
    path: str
    status: int
    auth: AuthKind | None
    entries: int = 0

    def to_json(self) -> dict[str, str | int | None]:
        return {
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "auth": self.auth,
            "entries": self.entries,
        }
