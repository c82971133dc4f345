"""The error every rule of the emulated API raises: a Bandwidth error code and a
description, rendered by the routes as ``ResponseStatus`` or an ``Errors`` entry."""

from __future__ import annotations


class ApiError(ValueError):
    """A rule violation, with the Bandwidth error code and a hash-free description."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description
