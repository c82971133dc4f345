"""Rules every resource shares: the shape of hostnames and of the ids that go into URL
paths and resource ids. Pure functions only (no I/O). A broken rule raises
:class:`~bw_pulumi.api.errors.InvalidInputError`."""

from __future__ import annotations

import re

from bw_pulumi.api.errors import InvalidInputError

HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_ID_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


def validate_id_segment(field_name: str, value: str) -> None:
    """An id we put in a URL path and in ``{realm_id}/{credential_id}`` resource ids."""
    if not _ID_SEGMENT.fullmatch(value):
        raise InvalidInputError(field_name, "must be an id of letters, digits, '-' or '_'")


def is_id_segment(value: str) -> bool:
    """The test :func:`validate_id_segment` applies, as a predicate."""
    return bool(_ID_SEGMENT.fullmatch(value))


def is_hostname(value: str) -> bool:
    return all(HOST_LABEL.fullmatch(label) for label in value.split("."))
