"""Entry refusals: chosen entries of a bulk create answered in ``Errors`` with a chosen
code while the others of the same request are created, so a test can make "one refused
entry" without staging a duplicate. Matched by UserName as sent (case-insensitive);
each refusal is used ``times`` times (one-shot by default, like a fault), so the next
create of the same entry succeeds."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Final

from .errors import ApiError

#: Bandwidth's code for a credential that could not be created (the code our client
#: reports as is); tests choose another with ``code``.
DEFAULT_REFUSAL_CODE: Final = 23019
MAX_TIMES: Final = 1_000_000


@dataclass(frozen=True)
class EntryRefusal:
    """Refuse the bulk-create entry whose UserName is ``username`` with ``code``."""

    username: str
    code: int = DEFAULT_REFUSAL_CODE
    description: str = "Refused by the sandbox"
    times: int = 1

    def __post_init__(self) -> None:
        if not self.username:
            raise ValueError("username must be a non-empty string")
        if not 1 <= self.code <= 99_999:
            raise ValueError("code must be a Bandwidth error code (1-99999)")
        if not 1 <= self.times <= MAX_TIMES:
            raise ValueError(f"times must be between 1 and {MAX_TIMES}")

    def error(self) -> ApiError:
        return ApiError(self.code, f"{self.description} (UserName {self.username})")

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> EntryRefusal:
        """Build from control-endpoint JSON; raises ``ValueError`` on a bad shape."""
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"unknown refusal fields: {', '.join(unknown)}")
        username = data.get("username")
        if not isinstance(username, str):
            raise ValueError("username must be a string")
        description = data.get("description", "Refused by the sandbox")
        if not isinstance(description, str):
            raise ValueError("description must be a string")
        return cls(
            username, _int(data, "code", DEFAULT_REFUSAL_CODE), description, _int(data, "times", 1)
        )


def _int(data: Mapping[str, object], name: str, default: int) -> int:
    value = data.get(name, default)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError(f"{name} must be an integer")


class EntryRefusals:
    """Thread-safe refusals by lowercased UserName; :meth:`take` uses one up."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_user: dict[str, EntryRefusal] = {}

    def add(self, refusal: EntryRefusal) -> None:
        with self._lock:
            self._by_user[refusal.username.lower()] = refusal

    def take(self, username: str | None) -> ApiError | None:
        """The error for this entry, if one is pending for its UserName (used once)."""
        if not username:
            return None
        with self._lock:
            refusal = self._by_user.get(username.lower())
            if refusal is None:
                return None
            if refusal.times > 1:
                self._by_user[username.lower()] = EntryRefusal(
                    refusal.username, refusal.code, refusal.description, refusal.times - 1
                )
            else:
                del self._by_user[username.lower()]
            return refusal.error()

    def pending(self) -> list[EntryRefusal]:
        with self._lock:
            return list(self._by_user.values())

    def clear(self) -> None:
        with self._lock:
            self._by_user.clear()
