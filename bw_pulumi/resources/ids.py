"""The ids Bandwidth answers, checked before they go into URLs and the state."""

from __future__ import annotations

from bw_pulumi.api.errors import BandwidthApiError, InvalidInputError
from bw_pulumi.resources.rules import validate_id_segment


def require_usable_id(what: str, id_: str) -> None:
    """An id Bandwidth answered goes into URLs and the state: refuse a dot-segment (or any
    id outside letters, digits, '-' and '_') before it is stored."""
    try:
        validate_id_segment("id", id_)
    except InvalidInputError:
        raise BandwidthApiError(
            f"Bandwidth created {what} but answered the id {id_!r}, which cannot be used"
            " in a URL; check it in Bandwidth's dashboard and delete it there if unwanted"
        ) from None
