"""Chaos mode: random faults drawn from a seeded RNG, for soak and chaos tests.

Where the one-shot faults of :mod:`faults` script exactly which request fails, chaos mode
makes failures a matter of probability, the way a real network and a busy API fail:

* ``unavailable``: the probability that a matching request is answered **503 before it
  is processed** (nothing changes; a client may retry it safely);
* ``lost``: the probability that a matching request that **succeeded** (a 2xx: its change
  committed) is answered **504** instead: a lost answer, as when a gateway times out
  after the server did the work.

Both apply to API requests under ``/api/accounts`` (never the token endpoint nor the
control endpoint) whose method is in ``methods``: by default the writes, POST, PUT and
DELETE, of every kind (account-level credentials, realms, realm-scoped credentials). The
RNG is ``random.Random(seed)``, drawn under a lock: one thread making the same requests
sees the same faults on every run; concurrent requests draw in arrival order. A request
draws ``unavailable`` first, then, only when it succeeded, ``lost``. Off by default;
``Sandbox.reset()`` switches it off. Counters say how many of each were injected.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Final

WRITE_METHODS: Final = ("POST", "PUT", "DELETE")
UNAVAILABLE_STATUS: Final = 503
LOST_STATUS: Final = 504
_METHODS: Final = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH"})


@dataclass(frozen=True)
class ChaosSettings:
    """What chaos mode does; the defaults do nothing."""

    seed: int = 0
    unavailable: float = 0.0
    lost: float = 0.0
    methods: tuple[str, ...] = WRITE_METHODS

    def __post_init__(self) -> None:
        for name in ("unavailable", "lost"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and 0 <= value <= 1):
                raise ValueError(f"{name} must be a probability between 0 and 1")
        unknown = sorted({m.upper() for m in self.methods} - _METHODS)
        if unknown:
            raise ValueError(f"methods must be among {sorted(_METHODS)}; got {unknown}")

    @property
    def active(self) -> bool:
        return self.unavailable > 0 or self.lost > 0

    def applies(self, method: str, target: str) -> bool:
        under_accounts = target.startswith("/api/accounts/") or target == "/api/accounts"
        return under_accounts and method.upper() in {m.upper() for m in self.methods}

    def to_json(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "unavailable": self.unavailable,
            "lost": self.lost,
            "methods": list(self.methods),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> ChaosSettings:
        """From control-endpoint JSON (absent fields take the defaults); ``ValueError``
        on a bad shape."""
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"unknown chaos fields: {', '.join(unknown)}")
        seed = data.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise ValueError("seed must be an integer")
        methods = data.get("methods", list(WRITE_METHODS))
        if not isinstance(methods, list) or not all(isinstance(m, str) for m in methods):
            raise ValueError("methods must be a list of HTTP methods")
        return cls(
            seed=seed,
            unavailable=_probability(data, "unavailable"),
            lost=_probability(data, "lost"),
            methods=tuple(str(m).upper() for m in methods),
        )


def _probability(data: Mapping[str, object], name: str) -> float:
    value = data.get(name, 0.0)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number between 0 and 1")
    return float(value)


class Chaos:
    """The chaos mode of one sandbox: its settings, its RNG and its counters."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings = ChaosSettings()
        self._rng = random.Random(0)  # noqa: S311 - fault injection, not cryptography
        self._injected = {"unavailable": 0, "lost": 0}

    @property
    def settings(self) -> ChaosSettings:
        with self._lock:
            return self._settings

    def configure(self, settings: ChaosSettings) -> None:
        """Switch to ``settings``: the RNG restarts from their seed, the counters from 0."""
        with self._lock:
            self._settings = settings
            self._rng = random.Random(settings.seed)  # noqa: S311
            self._injected = {"unavailable": 0, "lost": 0}

    def off(self) -> None:
        self.configure(ChaosSettings())

    def unavailable(self, method: str, target: str) -> bool:
        """Draw: answer this request 503 before processing it?"""
        return self._draw("unavailable", method, target)

    def lose_answer(self, method: str, target: str) -> bool:
        """Draw, for a request that succeeded: answer 504 instead of its real answer?"""
        return self._draw("lost", method, target)

    def _draw(self, kind: str, method: str, target: str) -> bool:
        with self._lock:
            settings = self._settings
            probability: float = getattr(settings, kind)
            if probability <= 0 or not settings.applies(method, target):
                return False
            hit = self._rng.random() < probability
            if hit:
                self._injected[kind] += 1
            return hit

    @property
    def injected(self) -> dict[str, int]:
        """How many 503s (``unavailable``) and lost answers (``lost``) chaos mode gave."""
        with self._lock:
            return dict(self._injected)

    def to_json(self) -> dict[str, object]:
        with self._lock:
            return {**self._settings.to_json(), "injected": dict(self._injected)}
