"""The error types (a refusal by the API, missing settings, bad input) and the scrubbing
that keeps secrets out of their text."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import replace
from urllib.parse import quote, quote_plus

from bw_pulumi.api.codes import CREDENTIAL_NOT_FOUND
from bw_pulumi.api.xml import EntryError

# Hash1/Hash1b are MD5 hex digests. Bandwidth echoes submitted hashes in error bodies.
_MD5_HEX = re.compile(r"\b[0-9a-fA-F]{32}\b")
#: Credentials in an echoed Authorization header, whoever's they are: a token of 12 or
#: more base64/JWT characters that is not a plain lower-case word ("Basic authentication").
_AUTH_HEADER = re.compile(r"\b(Basic|Bearer)\s+(?![a-z]+\b)[A-Za-z0-9+/_.~-]{12,}=*")
REDACTED = "***"


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove every digest-shaped token, every Basic or Bearer credential and every known
    secret value from ``text`` (server text: it may echo what we sent).

    A secret is found in any letter case (a server may upper-case a hash) and in its
    percent-encoded forms (a form or query echoed back); pass :func:`basic_credentials`
    too, for the base64 of a ``user:password`` pair.
    """
    text = _AUTH_HEADER.sub(lambda match: f"{match.group(1)} {REDACTED}", text)
    variants = {form for secret in secrets if secret for form in _encoded_forms(secret)}
    for variant in sorted(variants, key=len, reverse=True):
        text = re.sub(re.escape(variant), REDACTED, text, flags=re.IGNORECASE)
    return _MD5_HEX.sub(REDACTED, text)


def basic_credentials(username: str, password: str) -> tuple[str, ...]:
    """The base64 text a Basic ``Authorization`` header carries for ``username:password``:
    standard and URL-safe, with and without padding."""
    pair = f"{username}:{password}".encode()
    encoded = {
        encode(pair).decode("ascii") for encode in (base64.b64encode, base64.urlsafe_b64encode)
    }
    return tuple(sorted(encoded | {text.rstrip("=") for text in encoded}))


def _encoded_forms(secret: str) -> set[str]:
    return {secret, quote(secret), quote(secret, safe=""), quote_plus(secret)}


class BandwidthApiError(Exception):
    """A failed call to Bandwidth: HTTP status, Bandwidth error codes, a scrubbed description."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        codes: tuple[str, ...] = (),
        description: str = "",
        entries: tuple[EntryError, ...] = (),
        has_envelope: bool = False,
    ) -> None:
        super().__init__(message)
        self.has_envelope = has_envelope
        self.status = status
        self.codes = codes
        self.description = description
        self.entries = entries

    def has_code(self, *codes: str) -> bool:
        return any(code in self.codes for code in codes)

    @property
    def is_not_found(self) -> bool:
        """Bandwidth said the account-level credential does not exist (not merely some 404)."""
        return self.status == 404 and self.has_code(CREDENTIAL_NOT_FOUND)

    def with_hint(self, hint: str) -> BandwidthApiError:
        """The same error with advice for the user appended to its message."""
        return BandwidthApiError(
            f"{self}; {hint}",
            status=self.status,
            codes=self.codes,
            description=self.description,
            entries=self.entries,
            has_envelope=self.has_envelope,
        )


class ConfigurationError(Exception):
    """The provider lacks settings it needs (account id, credentials); names the keys."""


class InvalidInputError(ValueError):
    """A user-supplied value breaks a rule. Names the field; never contains a secret."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


def scrub_entry(entry: EntryError, secrets: tuple[str, ...]) -> EntryError:
    return replace(entry, description=scrub(entry.description, secrets))
