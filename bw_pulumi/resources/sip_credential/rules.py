"""The SIP credential's rules: hashing and input validation.

Pure functions only (no I/O), shared by the CLI, the API client and the Pulumi providers.
The rules follow Bandwidth's API error list and its ``band`` CLI:

* Hash1  = MD5("{composite}:{realm}:{password}")
* Hash1b = MD5("{composite}@{realm}:{realm}:{password}")

Some Bandwidth guides print Hash1b with ``:`` instead of ``@`` between the composite
username and the realm; credentials built from that text never authenticate.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from bw_pulumi.api.errors import InvalidInputError
from bw_pulumi.api.transport import DOT_SEGMENTS
from bw_pulumi.resources.rules import is_hostname

USERNAME_MAX_LENGTH = 32
DOMAIN_MAX_LENGTH = 32
REALM_MAX_LENGTH = 253
PASSWORD_MAX_BYTES = 1024
#: List filters, per Bandwidth's OpenAPI spec (``minLength: 3``, ``maxLength: 64``).
FRAGMENT_MIN_LENGTH = 3
FRAGMENT_MAX_LENGTH = 64

_USERNAME_CHARS = re.compile(r"[A-Za-z0-9._\-!$&*+=~]+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


@dataclass(frozen=True)
class SipHashes:
    """The digest material Bandwidth stores for one credential."""

    composite_username: str
    hash1: str
    hash1b: str

    def __repr__(self) -> str:  # hashes are password-equivalent: keep them out of reprs
        return f"SipHashes(composite_username={self.composite_username!r}, hash1=***, hash1b=***)"


def composite_username(username: str, domain: str | None = None) -> str:
    """``username`` alone, or ``username@domain`` when a domain is given."""
    return f"{username}@{domain}" if domain else username


def split_aggregated(username: str, domain: str | None) -> tuple[str, str | None]:
    """An account-level ``UserName`` as Bandwidth may answer it: aggregated as
    ``name@domain`` with no ``Domain`` element (its OpenAPI spec's examples), back to
    ``(name, domain)``. A username never holds ``@`` (:func:`validate_username`), so the
    first ``@`` is the separator; with a Domain given, or without a usable ``@``, the
    pair is returned unchanged."""
    name, at, aggregated_domain = username.partition("@")
    if domain or not at or not name or not aggregated_domain:
        return username, domain
    return name, aggregated_domain


def validate_username(username: str) -> None:
    if not username:
        raise InvalidInputError("username", "must not be empty")
    if len(username) > USERNAME_MAX_LENGTH:
        raise InvalidInputError(
            "username", f"must be at most {USERNAME_MAX_LENGTH} characters (got {len(username)})"
        )
    if username in DOT_SEGMENTS:
        raise InvalidInputError(
            "username", "must not be '.' or '..' (a URL path would drop or climb it)"
        )
    if ":" in username or "@" in username:
        raise InvalidInputError(
            "username", "must not contain ':' or '@' (they would corrupt the digest input)"
        )
    if not _USERNAME_CHARS.fullmatch(username):
        raise InvalidInputError(
            "username", "may only contain letters, digits and . _ - ! $ & * + = ~"
        )


def validate_domain(domain: str | None) -> None:
    """An optional domain: at most 32 characters, shaped like a hostname, so no ``_``
    (the sandbox agrees; why: docs/bandwidth-api.md, "Underscore in Domain")."""
    if domain is None:
        return
    if len(domain) > DOMAIN_MAX_LENGTH:
        raise InvalidInputError(
            "domain", f"must be at most {DOMAIN_MAX_LENGTH} characters (got {len(domain)})"
        )
    if not is_hostname(domain):
        raise InvalidInputError(
            "domain", "must be a hostname such as 'example.com' (letters, digits, '-', '.')"
        )


def validate_fragment(field: str, fragment: str | None) -> None:
    """A list filter (``userNamefragment``, ``domainfragment``): Bandwidth's spec allows
    3-64 characters."""
    if fragment is not None and not FRAGMENT_MIN_LENGTH <= len(fragment) <= FRAGMENT_MAX_LENGTH:
        raise InvalidInputError(
            field,
            f"must be {FRAGMENT_MIN_LENGTH}-{FRAGMENT_MAX_LENGTH} characters (got {len(fragment)})",
        )


def validate_realm(realm: str) -> None:
    """The realm FQDN Bandwidth presents in its digest challenge."""
    if not realm:
        raise InvalidInputError("realm", "must not be empty")
    if len(realm) > REALM_MAX_LENGTH or "." not in realm or not is_hostname(realm):
        raise InvalidInputError(
            "realm", "must be a fully qualified hostname such as 'custxx.auth.bandwidth.com'"
        )


def validate_password(password: str) -> None:
    """Never echoes the value: only its size."""
    if not password:
        raise InvalidInputError("password", "must not be empty")
    size = len(password.encode("utf-8"))
    if size > PASSWORD_MAX_BYTES:
        raise InvalidInputError(
            "password", f"must be at most {PASSWORD_MAX_BYTES} bytes of UTF-8 (got {size})"
        )


def validate_app_id(app_id: str | None) -> None:
    if app_id is not None and not _UUID.fullmatch(app_id):
        raise InvalidInputError("http_voice_v2_app_id", "must be a UUID such as '1b2c...-...'")


def compute_hashes(
    username: str, password: str, realm: str, domain: str | None = None
) -> SipHashes:
    """Validate the inputs and compute Hash1 and Hash1b (lowercase hex)."""
    validate_username(username)
    validate_domain(domain)
    validate_realm(realm)
    validate_password(password)
    composite = composite_username(username, domain)
    return SipHashes(
        composite_username=composite,
        hash1=_md5_hex(f"{composite}:{realm}:{password}"),
        hash1b=_md5_hex(f"{composite}@{realm}:{realm}:{password}"),
    )


def same_composite(left: str, right: str) -> bool:
    """Bandwidth treats composite usernames as unique regardless of case."""
    return left.casefold() == right.casefold()


def _md5_hex(text: str) -> str:
    # MD5 is mandated by SIP digest auth (RFC 2617), not chosen by us.
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()
