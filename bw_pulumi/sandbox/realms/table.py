"""The stored realms of the sandbox's account: entities, lookup, defaults, ids and
settings, shared by the API operations (``store.py``) and the out-of-band ones
(``out_of_band.py``). Callers hold :attr:`RealmTable.lock`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Final

from . import rules as rr
from .models import RealmRecord, RealmSettings, RealmStatus, StoredRealmCredential

FIRST_REALM_ID: Final = 101
FIRST_CREDENTIAL_ID: Final = 50001


@dataclass
class Slot:
    """A stored credential and what reads see of it while its last write lags."""

    current: StoredRealmCredential
    before: StoredRealmCredential | None = None
    lagged_until: float = float("-inf")

    def visible(self, now: float) -> StoredRealmCredential | None:
        return self.current if now >= self.lagged_until else self.before


@dataclass
class Realm:
    """A stored realm; its status is computed from the clock when read."""

    id: str
    name: str
    fqdn: str
    description: str | None
    default: bool
    settles_at: float
    fails: bool = False
    gone_at: float | None = None
    pinned_status: RealmStatus | None = None
    slots: dict[str, Slot] = field(default_factory=dict)

    def status(self, now: float) -> RealmStatus:
        if self.gone_at is not None:
            return "DELETE_PENDING"
        if self.pinned_status is not None:
            return self.pinned_status
        if now < self.settles_at:
            return "CREATE_PENDING"
        return "CREATE_FAILED" if self.fails else "ACTIVE"

    def record(self, now: float, status: RealmStatus | None = None) -> RealmRecord:
        return RealmRecord(
            id=self.id,
            name=self.name,
            fqdn=self.fqdn,
            description=self.description,
            default=self.default,
            status=status or self.status(now),
            sip_credential_count=len(self.slots),
        )

    def current_credentials(self) -> list[StoredRealmCredential]:
        return [self.slots[key].current for key in sorted(self.slots, key=int)]

    def holds_user(self, user_name: str, *, other_than: str | None = None) -> bool:
        """Case-insensitive: is ``user_name`` taken by another credential of this realm?"""
        wanted = user_name.lower()
        return any(
            slot.current.user_name.lower() == wanted and key != other_than
            for key, slot in self.slots.items()
        )


class RealmTable:
    """Realms by id. Lookups drop realms whose deletion has completed, lazily."""

    def __init__(self, account_id: str, lock: threading.RLock, clock: Callable[[], float]) -> None:
        self.account_id = account_id
        self.lock = lock
        self.clock = clock
        self.settings = RealmSettings()
        self._realms: dict[str, Realm] = {}
        self._next_realm_id = FIRST_REALM_ID
        self._next_credential_id = FIRST_CREDENTIAL_ID

    def reset(self) -> None:
        """Forget every realm and restore default settings (ids keep counting)."""
        self._realms = {}
        self.settings = RealmSettings()

    def configure(self, **changes: object) -> RealmSettings:
        self.settings = replace(self.settings, **changes)  # type: ignore[arg-type]
        return self.settings

    # -- lookup --------------------------------------------------------------------------

    def live(self) -> dict[str, Realm]:
        """The realms that still exist, by id; if realms remain without a default, the
        oldest becomes the default."""
        now = self.clock()
        gone = [k for k, r in self._realms.items() if r.gone_at is not None and now >= r.gone_at]
        for key in gone:
            del self._realms[key]
        if self._realms and not any(r.default for r in self._realms.values()):
            self._realms[min(self._realms, key=int)].default = True
        return self._realms

    def ordered(self) -> list[Realm]:
        realms = self.live()
        return [realms[key] for key in sorted(realms, key=int)]

    def find(self, reference: str) -> Realm | None:
        """By id first, then by short name (case-insensitive)."""
        realms = self.live()
        return realms[reference] if reference in realms else self.named(reference)

    def named(self, name: str) -> Realm | None:
        wanted = name.lower()
        return next((r for r in self.live().values() if r.name.lower() == wanted), None)

    def by_id(self, realm_id: str) -> Realm | None:
        return self.live().get(realm_id)

    # -- changes -------------------------------------------------------------------------

    def add(self, submitted: rr.SubmittedRealm, activation_seconds: float) -> Realm:
        """A new realm by the API's rules; the account's first realm is its default."""
        name = rr.check_realm_name(submitted.name)
        default = rr.check_default(submitted.default)
        if self.named(name) is not None:
            raise rr.duplicate_realm(name)
        first = not self.live()
        realm = Realm(
            id=str(self._next_realm_id),
            name=name,
            fqdn=rr.realm_fqdn(name, self.account_id),
            description=submitted.description or None,
            default=False,
            settles_at=self.clock() + activation_seconds,
        )
        self._next_realm_id += 1
        self._realms[realm.id] = realm
        if default or first:
            self.make_default(realm)
        return realm

    def remove(self, realm: Realm) -> None:
        del self._realms[realm.id]
        self.live()  # another realm takes over the default

    def make_default(self, realm: Realm) -> None:
        for other in self._realms.values():
            other.default = other is realm

    def new_credential_id(self) -> str:
        self._next_credential_id += 1
        return str(self._next_credential_id - 1)

    def snapshot(self) -> dict[str, object]:
        """JSON-ready: every realm (current status) with its current credentials."""
        now = self.clock()
        listed = [
            {
                **realm.record(now).to_json(),
                "credentials": [c.to_json() for c in realm.current_credentials()],
            }
            for realm in self.ordered()
        ]
        return {"api_realms": listed, "realm_settings": self.settings.to_json()}
