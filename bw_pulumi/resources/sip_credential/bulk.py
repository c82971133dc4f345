"""What a bulk create answered, entry by entry, turned into the error a caller reports."""

from __future__ import annotations

from bw_pulumi.api.errors import BandwidthApiError
from bw_pulumi.api.xml import EntryError
from bw_pulumi.resources.sip_credential.models import BulkCreateResult


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
