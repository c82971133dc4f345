"""The realms API and realm-scoped credentials (the SIP Registrar flow) in the sandbox.

The module map is the folder's (``realms/__init__.py``). Account-level credentials and
the configured realms (``SandboxConfig.realms``, the Network Bridge realms) are untouched:
realms created here are a separate list and are not accepted as ``<Realm>`` of
account-level credentials.

Where the reference is silent, the sandbox chooses:

* Ids are numeric strings from two counters (realms from 101, credentials from 50001)
  that keep counting across ``reset()``, so a stale id never names a new object.
* Timing is read lazily from the injectable clock. A realm is CREATE_PENDING until
  ``activation_seconds`` (as set when it was created) have passed, then ACTIVE, or
  CREATE_FAILED when it was one of the ``fail_next_realm_creations`` (the create
  itself still answers 201 CREATE_PENDING: failure shows up on later reads). The create
  answer always says CREATE_PENDING, even with a delay of 0. DELETE starts a deletion
  (DELETE_PENDING) that completes ``deletion_seconds`` later (as set at the DELETE);
  then the realm is gone (404). A second DELETE of a DELETE_PENDING realm answers 202
  and changes nothing (not a write). Realms of any status, CREATE_FAILED included, can
  be deleted (subject to 33006/12666); PUT works in any status but DELETE_PENDING.
* Default: when the account has no realm, a new realm becomes the default whatever its
  ``Default`` says (an account with realms always has exactly one default). Creating or
  PUTting ``Default=true`` moves the default to that realm. The default realm can never
  be deleted through the API (33006), even the account's last realm; tests clean up
  with ``delete_realm_out_of_band``. If an out-of-band change leaves realms but no
  default, the oldest realm becomes the default.
* Credential lists are ordered by id; the realm list too.
* ``username_echo_case`` other than ``as_sent`` changes the UserName a realm-scoped
  create stores and echoes (later reads answer it too); account-level creates ignore it.
* Read-after-write lag: for ``read_lag_seconds`` (as set at the write) after an API
  create or update of a realm-scoped credential, GET of it and list pages answer the
  state from before that write (absent after a create, the previous values after an
  update). Writes (PUT, DELETE, duplicate checks), realm reads (SipCredentialCount)
  and the Python/control views see the current state; deletes and out-of-band changes
  are never lagged.
* ``writes`` counts realm creates, PUTs and DELETEs that started a deletion, and
  credential creates (at least one created), PUTs and DELETEs, as on account level.
* ``reset()`` forgets realms, their credentials and restores the default settings.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from ..core.errors import ApiError
from ..core.refusals import EntryRefusals
from ..core.spec_shapes import ResponseShapes
from . import rules as rr
from .models import RealmRecord, RealmSettings, StoredRealmCredential, echo_case
from .out_of_band import OutOfBandRealms
from .table import Realm, RealmTable, Slot


@dataclass(frozen=True)
class RealmCreateOutcome:
    """One entry of a realm-scoped bulk create: either ``created`` or ``error`` is set."""

    entry: rr.RealmEntry
    created: StoredRealmCredential | None = None
    error: ApiError | None = None


class RealmState(Protocol):
    """What the routes of this folder need of the sandbox's state (``SandboxState``,
    above the folders)."""

    @property
    def realm_api(self) -> RealmStore: ...

    @property
    def shapes(self) -> ResponseShapes: ...


class RealmStore:
    """The realms API of the sandbox's account. Every public method takes the sandbox's
    one lock, so it is atomic with the rest of the state. ``RealmApiError`` carries the
    HTTP answer of a refused request; ``ApiError`` a refused credential field."""

    def __init__(
        self,
        account_id: str,
        lock: threading.RLock,
        clock: Callable[[], float],
        count_write: Callable[[], None],
        refusals: EntryRefusals | None = None,
    ) -> None:
        self._lock = lock
        #: Entries of a bulk create to refuse with a chosen code (``core/refusals.py``).
        self.refusals = refusals if refusals is not None else EntryRefusals()
        self._clock = clock
        self._count_write = count_write
        self._table = RealmTable(account_id, lock, clock)
        self.out_of_band = OutOfBandRealms(self._table)

    def reset(self) -> None:
        with self._lock:
            self._table.reset()

    @property
    def account_id(self) -> str:
        return self._table.account_id

    # -- settings ------------------------------------------------------------------------

    @property
    def settings(self) -> RealmSettings:
        with self._lock:
            return self._table.settings

    def configure(self, **changes: object) -> RealmSettings:
        """Change some settings (``RealmSettings`` field names); ``ValueError`` if bad."""
        with self._lock:
            return self._table.configure(**changes)

    def require_enabled(self) -> None:
        with self._lock:
            if not self._table.settings.sip_credentials_enabled:
                raise rr.disabled(self._table.account_id)

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            return self._table.snapshot()

    # -- realms --------------------------------------------------------------------------

    def _realm(self, reference: str) -> Realm:
        realm = self._table.find(reference)
        if realm is None:
            raise rr.realm_not_found(reference)
        return realm

    def list_realms(self) -> list[RealmRecord]:
        with self._lock:
            now = self._clock()
            return [realm.record(now) for realm in self._table.ordered()]

    def get_realm(self, reference: str) -> RealmRecord:
        with self._lock:
            return self._realm(reference).record(self._clock())

    def create_realm(self, submitted: rr.SubmittedRealm) -> RealmRecord:
        with self._lock:
            settings = self._table.settings
            realm = self._table.add(submitted, settings.activation_seconds)
            if settings.failing_realm_creations:
                realm.fails = True
                self._table.configure(failing_realm_creations=settings.failing_realm_creations - 1)
            self._count_write()
            return realm.record(self._clock(), "CREATE_PENDING")

    def update_realm(self, reference: str, submitted: rr.SubmittedRealm) -> RealmRecord:
        with self._lock:
            realm = self._realm(reference)
            now = self._clock()
            if realm.status(now) == "DELETE_PENDING":
                raise rr.RealmApiError(400, f"Realm {realm.name} is being deleted")
            rr.check_unchanged_realm_value(submitted.name, realm.name, realm.fqdn)
            default = realm.default
            if submitted.default is not None:
                default = rr.check_default(submitted.default)
            if realm.default and not default:
                raise rr.RealmApiError(
                    400,
                    f"Default can only be set to true; realm {realm.name} stops being the "
                    "default when another realm is made the default",
                )
            realm.description = submitted.description or None
            if default:
                self._table.make_default(realm)
            self._count_write()
            return realm.record(now)

    def delete_realm(self, reference: str) -> None:
        with self._lock:
            realm = self._realm(reference)
            if realm.gone_at is not None:
                return
            if realm.default:
                raise rr.RealmApiError(
                    400,
                    f"Realm {realm.name} is the default realm and cannot be deleted",
                    rr.DEFAULT_REALM_UNDELETABLE,
                )
            if realm.slots:
                raise rr.RealmApiError(
                    400,
                    f"Realm {realm.name} still holds {len(realm.slots)} SIP credential(s); "
                    "delete them before the realm",
                    rr.REALM_HAS_CREDENTIALS,
                )
            realm.pinned_status = None
            realm.gone_at = self._clock() + self._table.settings.deletion_seconds
            self._count_write()

    # -- realm-scoped credentials ----------------------------------------------------------

    def _realm_by_id(self, realm_id: str) -> Realm:
        """Credential paths name the realm by id only."""
        realm = self._table.by_id(realm_id)
        if realm is None:
            raise rr.realm_not_found(realm_id)
        return realm

    def _lag_end(self) -> float:
        return self._clock() + self._table.settings.read_lag_seconds

    def create_credentials(
        self, realm_id: str, entries: Iterable[rr.RealmEntry]
    ) -> list[RealmCreateOutcome]:
        """Raises ``RealmApiError`` (404, or 23022 when the realm is not ACTIVE)."""
        with self._lock:
            realm = self._realm_by_id(realm_id)
            status = realm.status(self._clock())
            if status != "ACTIVE":
                raise rr.RealmApiError(
                    400,
                    f"Realm {realm.id} is {status}; only an ACTIVE realm accepts credentials",
                    rr.REALM_NOT_ACTIVE,
                )
            outcomes = [self._create_one(realm, entry) for entry in entries]
            if any(outcome.created for outcome in outcomes):
                self._count_write()
            return outcomes

    def _create_one(self, realm: Realm, entry: rr.RealmEntry) -> RealmCreateOutcome:
        refused = self.refusals.take(entry.fields.user_name)
        if refused is not None:
            return RealmCreateOutcome(entry, error=refused)
        try:
            fields = rr.new_credential_fields(entry, realm.id, realm.fqdn)
            if realm.holds_user(fields.user_name):
                raise rr.duplicate_in_realm(entry.fields, realm.id)
        except ApiError as error:
            return RealmCreateOutcome(entry, error=error)
        credential = StoredRealmCredential(
            id=self._table.new_credential_id(),
            realm_id=realm.id,
            user_name=echo_case(fields.user_name, self._table.settings.username_echo_case),
            hash1=fields.hash1,
            hash1b=fields.hash1b,
            realm=realm.fqdn,
            http_voice_v2_app_id=fields.http_voice_v2_app_id,
        )
        realm.slots[credential.id] = Slot(credential, None, self._lag_end())
        return RealmCreateOutcome(entry, created=credential)

    def visible_credentials(self, realm_id: str) -> list[StoredRealmCredential]:
        """What a list page shows now (lag applied), ordered by id."""
        with self._lock:
            realm = self._realm_by_id(realm_id)
            now = self._clock()
            visible = (realm.slots[key].visible(now) for key in sorted(realm.slots, key=int))
            return [credential for credential in visible if credential is not None]

    def visible_credential(self, realm_id: str, credential_id: str) -> StoredRealmCredential:
        with self._lock:
            slot = self._realm_by_id(realm_id).slots.get(credential_id)
            credential = slot.visible(self._clock()) if slot is not None else None
            if credential is None:
                raise rr.credential_not_found(realm_id, credential_id, with_code=False)
            return credential

    def update_credential(
        self, realm_id: str, credential_id: str, entry: rr.RealmEntry
    ) -> StoredRealmCredential:
        """Raises ``RealmApiError`` (404) or ``ApiError`` (a field rule)."""
        with self._lock:
            slot = self._realm_by_id(realm_id).slots.get(credential_id)
            if slot is None:
                raise rr.credential_not_found(realm_id, credential_id, with_code=True)
            updated = rr.updated_credential(slot.current, entry)
            slot.before, slot.current, slot.lagged_until = slot.current, updated, self._lag_end()
            self._count_write()
            return updated

    def delete_credential(self, realm_id: str, credential_id: str) -> None:
        with self._lock:
            if self._realm_by_id(realm_id).slots.pop(credential_id, None) is None:
                raise rr.credential_not_found(realm_id, credential_id, with_code=False)
            self._count_write()
