"""A concurrent deleter: someone else (another stack, a person in the dashboard) deleting
credentials of the same account while a client reads it.

Bandwidth pages lists by offset (``page``, ``size``): a deletion of an entry on a page
already served moves every later entry one place up, so the entry that opened the next
page slides onto the page before it and a reader walking the pages never sees it. The
deleter makes that happen on demand. Two triggers, which may be combined:

* ``per_page``: each time a list page of the target scope is served (its body built, not
  yet sent), delete that many matching credentials. The deletions then fall exactly
  between two page fetches of one reader: deterministic, for protocol tests.
* ``every_seconds`` with ``batch``: a background thread deletes ``batch`` matching
  credentials every that many seconds, whatever the clients do: realistic, for chaos
  tests.

The target is one scope, the account's credentials (``realm_id`` None) or one realm's
(by id), narrowed to usernames starting with ``prefix`` (case-insensitive; "" matches
all). It deletes the first matching credentials in list order (the order pages are
served in), the ones whose removal shifts the most entries. At most ``limit`` in all;
``stop()`` ends it at once. Deletions are out of band: not in ``writes``, not in the
request log. ``reset()`` of the sandbox stops it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from .core.http import Reply, Request, json_reply
from .credentials.models import StoredCredential
from .realms.store import RealmStore

ROUTE: Final = "concurrent-deleter"
#: The most credentials one start may delete: bounded, whatever a test asks.
MAX_LIMIT: Final = 100_000
_FIELDS: Final = frozenset({"prefix", "realm_id", "per_page", "every_seconds", "batch", "limit"})


@dataclass(frozen=True)
class DeleterPlan:
    """What to delete, and when (see the module docstring)."""

    limit: int
    prefix: str = ""
    realm_id: str | None = None
    per_page: int = 0
    every_seconds: float | None = None
    batch: int = 1

    def __post_init__(self) -> None:
        for name in ("limit", "per_page", "batch"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number, 0 or more")
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
        if not isinstance(self.prefix, str):
            raise ValueError("prefix must be a string")
        if self.realm_id is not None and (not isinstance(self.realm_id, str) or not self.realm_id):
            raise ValueError("realm_id must be a non-empty string or null")
        seconds = self.every_seconds
        if seconds is not None and (
            isinstance(seconds, bool)
            or not isinstance(seconds, (int, float))
            or not (math.isfinite(seconds) and 0 <= seconds <= 60)
        ):
            raise ValueError("every_seconds must be a number from 0 to 60, or null")
        if self.per_page == 0 and (seconds is None or self.batch == 0):
            raise ValueError("give per_page, or every_seconds with a batch of 1 or more")

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> DeleterPlan:
        unknown = sorted(set(data) - _FIELDS)
        if unknown:
            known = ", ".join(sorted(_FIELDS))
            raise ValueError(f"unknown fields: {', '.join(unknown)}; known: {known}")
        if "limit" not in data:
            raise ValueError("limit is required: the most credentials to delete")
        return cls(**data)  # type: ignore[arg-type]  # each field is checked above

    def to_json(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in sorted(_FIELDS)}


class ConcurrentDeleter:
    """The sandbox's one deleter; idle until :meth:`start`. Thread-safe."""

    def __init__(
        self,
        list_account: Callable[[], list[StoredCredential]],
        delete_account: Callable[[str], bool],
        realms: RealmStore,
    ) -> None:
        self._list_account = list_account
        self._delete_account = delete_account
        self._realms = realms
        self._lock = threading.Lock()
        self._plan: DeleterPlan | None = None
        self._deleted: list[str] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, plan: DeleterPlan) -> None:
        """Replace any running plan with ``plan`` (its count starts from zero)."""
        self.stop()
        with self._lock:
            self._plan, self._deleted = plan, []
            self._stop = threading.Event()
            if plan.every_seconds is not None and plan.batch > 0:
                self._thread = threading.Thread(
                    target=self._run,
                    args=(plan, self._stop),
                    name="bw-pulumi-sandbox-deleter",
                    daemon=True,
                )
                self._thread.start()

    def stop(self) -> None:
        """End the plan; the background thread (if any) is joined. Idempotent."""
        with self._lock:
            self._plan = None
            self._stop.set()
            thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def wait(self, timeout: float) -> bool:
        """Wait until the background thread has ended (limit reached or stopped)."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    @property
    def deleted(self) -> list[str]:
        """What the current (or last) plan deleted, in order: composite usernames, or
        ``{realm_id}/{credential_id}`` in a realm."""
        with self._lock:
            return list(self._deleted)

    def status(self) -> dict[str, object]:
        with self._lock:
            plan = self._plan
            return {
                "active": plan is not None,
                "plan": plan.to_json() if plan is not None else None,
                "deleted": len(self._deleted),
            }

    def served(self, request: Request, status: int) -> None:
        """The server answers ``request`` with ``status``: if that is a list page of the
        target scope, run the ``per_page`` trigger before the page reaches the client."""
        with self._lock:
            plan = self._plan
        if plan is None or plan.per_page == 0 or status != 200:
            return
        if request.method == "GET" and _list_scope(request.path) == _scope(plan):
            self._delete(plan, plan.per_page)

    def _run(self, plan: DeleterPlan, stop: threading.Event) -> None:
        assert plan.every_seconds is not None
        while not stop.wait(plan.every_seconds):
            self._delete(plan, plan.batch)
            if self._exhausted(plan):
                return

    def _exhausted(self, plan: DeleterPlan) -> bool:
        with self._lock:
            return self._plan is not plan or len(self._deleted) >= plan.limit

    def _delete(self, plan: DeleterPlan, count: int) -> int:
        """Delete up to ``count`` (within the limit); how many were deleted."""
        with self._lock:
            if self._plan is not plan:
                return 0
            count = min(count, plan.limit - len(self._deleted))
            if count <= 0:
                return 0
            done = [name for name in self._targets(plan)[:count] if self._delete_one(plan, name)]
            self._deleted.extend(done)
            return len(done)

    def _targets(self, plan: DeleterPlan) -> list[str]:
        prefix = plan.prefix.lower()
        if plan.realm_id is None:
            return [
                c.composite_username
                for c in self._list_account()
                if c.user_name.lower().startswith(prefix)
            ]
        try:
            held = self._realms.out_of_band.credentials(plan.realm_id)
        except KeyError:  # the realm is gone: nothing left to delete
            return []
        return [f"{plan.realm_id}/{c.id}" for c in held if c.user_name.lower().startswith(prefix)]

    def _delete_one(self, plan: DeleterPlan, name: str) -> bool:
        if plan.realm_id is None:
            return self._delete_account(name)
        realm_id, _, credential_id = name.partition("/")
        return self._realms.out_of_band.delete_credential(realm_id, credential_id)


def _scope(plan: DeleterPlan) -> tuple[str, str | None]:
    return ("realm", plan.realm_id) if plan.realm_id is not None else ("account", None)


def _list_scope(path: str) -> tuple[str, str | None] | None:
    """``/api/accounts/{a}/sipcredentials`` -> account; ``.../realms/{r}/sipcredentials``
    -> that realm; anything else None."""
    parts = path.strip("/").split("/")
    if len(parts) == 4 and parts[:2] == ["api", "accounts"] and parts[3] == "sipcredentials":
        return ("account", None)
    if len(parts) == 6 and parts[:2] == ["api", "accounts"] and parts[3] == "realms":
        return ("realm", parts[4]) if parts[5] == "sipcredentials" else None
    return None


def handle(deleter: ConcurrentDeleter, method: str, body: object) -> Reply:
    """``GET`` the status; ``PUT`` a plan (JSON, :class:`DeleterPlan`'s fields) to start;
    ``DELETE`` to stop. Each answers the status, with ``deleted_names`` on DELETE."""
    if method == "PUT":
        if not isinstance(body, dict):
            raise ValueError("a JSON object is required")
        deleter.start(DeleterPlan.from_json({str(k): v for k, v in body.items()}))
    elif method == "DELETE":
        deleter.stop()
        return json_reply(200, {**deleter.status(), "deleted_names": deleter.deleted})
    elif method != "GET":
        return json_reply(405, {"error": f"{method} {ROUTE}: use GET, PUT or DELETE"})
    return json_reply(200, deleter.status())
