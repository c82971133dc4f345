"""The one error type of the API client, and the scrubbing that keeps secrets out of it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bw_pulumi.codes import CREDENTIAL_NOT_FOUND
from bw_pulumi.models import BulkCreateResult, EntryError

# Hash1/Hash1b are MD5 hex digests. Bandwidth echoes submitted hashes in error bodies.
_MD5_HEX = re.compile(r"\b[0-9a-fA-F]{32}\b")
REDACTED = "***"


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove every digest-shaped token and every known secret value from ``text``."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return _MD5_HEX.sub(REDACTED, text)


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


def refused_create(name: str, result: BulkCreateResult, where: str = "") -> BandwidthApiError:
    """The error for a create whose entry is not among the created ones. Entry
    descriptions must already be scrubbed."""
    missing = EntryError("", "not in the API's list of created entries", None)
    reasons = result.errors or (missing,)
    found = tuple(error.code for error in reasons if error.code)
    description = "; ".join(error.description for error in reasons)
    return BandwidthApiError(
        f"Bandwidth refused to create SIP credential {name!r}{where}"
        f" [{', '.join(found) or 'no code'}]: {description}",
        status=result.http_status,
        codes=found,
        description=description,
        entries=reasons,
    )
