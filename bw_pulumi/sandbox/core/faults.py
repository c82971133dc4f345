"""Fault injection: a FIFO of one-shot faults applied to matching API requests."""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Final, Literal, cast, get_args

from .chaos import Chaos

FaultKind = Literal["status", "after_commit", "delay"]
FAULT_KINDS: Final = frozenset(get_args(FaultKind))
_DEFAULT_STATUS: Final[dict[str, int]] = {"status": 503, "after_commit": 500}
MAX_DELAY_SECONDS: Final = 60.0


@dataclass(frozen=True)
class Fault:
    """One fault, consumed by the first API request it matches.

    * ``status``: answer ``status`` (default 503) without touching state; ``retry_after``
      becomes a ``Retry-After`` header.
    * ``after_commit``: process the request (state changes commit), then answer
      ``status`` (default 500) instead of the real response: a lost response. Only a
      2xx real response is replaced; any other (401, 400, 404, a 303 redirect...) is
      answered as is and the fault stays queued, in its place, for a later request.
      With ``seconds``, the answer is held that long after the commit first: beyond the
      client's read timeout, the answer is lost to a timeout.
    * ``delay``: sleep ``seconds``, then process normally.

    Matching: ``method`` (case-insensitive) when set. Without ``path_contains`` a fault
    matches requests under ``/api/accounts`` only; with it, any ``/api`` request whose
    path (query included) contains that text, so ``path_contains="oauth2"`` targets
    the token endpoint.
    """

    kind: FaultKind
    status: int | None = None
    retry_after: str | None = None
    seconds: float = 0.0
    method: str | None = None
    path_contains: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {sorted(FAULT_KINDS)}, not {self.kind!r}")
        if self.status is not None and not 400 <= self.status <= 599:
            raise ValueError("status must be an HTTP error status (400-599)")
        if not (math.isfinite(self.seconds) and 0 <= self.seconds <= MAX_DELAY_SECONDS):
            raise ValueError(f"seconds must be between 0 and {MAX_DELAY_SECONDS}")

    @property
    def response_status(self) -> int:
        """The status a ``status``/``after_commit`` fault answers with."""
        return self.status if self.status is not None else _DEFAULT_STATUS.get(self.kind, 500)

    def matches(self, method: str, target: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.path_contains is not None:
            return self.path_contains in target
        return target.startswith("/api/accounts/") or target == "/api/accounts"

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Fault:
        """Build from control-endpoint JSON; raises ``ValueError`` on a bad shape."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(unknown)}")
        kind = data.get("kind")
        if not isinstance(kind, str) or kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {sorted(FAULT_KINDS)}")
        return cls(
            kind=cast(FaultKind, kind),
            status=_opt_int(data, "status"),
            retry_after=_retry_after(data),
            seconds=_seconds(data),
            method=_opt_str(data, "method"),
            path_contains=_opt_str(data, "path_contains"),
        )


def _opt_str(data: Mapping[str, object], name: str) -> str | None:
    value = data.get(name)
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"{name} must be a string or null")


def _opt_int(data: Mapping[str, object], name: str) -> int | None:
    value = data.get(name)
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise ValueError(f"{name} must be an integer or null")


def _seconds(data: Mapping[str, object]) -> float:
    value = data.get("seconds", 0.0)
    if value is None:
        return 0.0
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise ValueError("seconds must be a number")


def _retry_after(data: Mapping[str, object]) -> str | None:
    value = data.get("retry_after")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _opt_str(data, "retry_after")


@dataclass(frozen=True)
class Claim:
    """A fault taken off the queue for one request, and where it was."""

    fault: Fault
    index: int
    generation: int


class FaultQueue:
    """Thread-safe FIFO; :meth:`claim` removes the first fault matching a request.
    ``chaos`` is the random faults' mode (:mod:`chaos`), switched off by :meth:`clear`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._generation = 0  # bumped by clear(), so put_back cannot resurrect a fault
        self.chaos = Chaos()

    def push(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def claim(self, method: str, target: str) -> Claim | None:
        """Remove the first matching fault, remembering where it was for :meth:`put_back`."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.matches(method, target):
                    del self._faults[index]
                    return Claim(fault, index, self._generation)
            return None

    def put_back(self, claim: Claim) -> None:
        """Requeue a claimed fault that did not fire, at (or as near as possible to) its
        old place; dropped if the queue was cleared meanwhile."""
        with self._lock:
            if claim.generation == self._generation:
                self._faults.insert(min(claim.index, len(self._faults)), claim.fault)

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._generation += 1
        self.chaos.off()
