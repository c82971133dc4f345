"""Out-of-band changes to realms and realm-scoped credentials, as a human in the
dashboard would make them: validated by the same field rules, never counted in
``writes``, never lagged. Unknown realms or credentials raise ``KeyError``; rule
violations raise ``ValueError`` (``ApiError``/``RealmApiError`` are ValueErrors)."""

from __future__ import annotations

from dataclasses import replace

from ..credentials.rules import Submitted
from . import rules as rr
from .models import REALM_STATUSES, RealmRecord, RealmStatus, StoredRealmCredential
from .table import Realm, RealmTable, Slot


class OutOfBandRealms:
    def __init__(self, table: RealmTable) -> None:
        self._table = table

    def _known(self, reference: str) -> Realm:
        realm = self._table.find(reference)
        if realm is None:
            raise KeyError(f"no realm {reference!r}")
        return realm

    # -- views (current state, no lag) ----------------------------------------------------

    def realms(self) -> list[RealmRecord]:
        with self._table.lock:
            now = self._table.clock()
            return [realm.record(now) for realm in self._table.ordered()]

    def realm(self, reference: str) -> RealmRecord | None:
        with self._table.lock:
            realm = self._table.find(reference)
            return realm.record(self._table.clock()) if realm is not None else None

    def credentials(self, realm_id: str) -> list[StoredRealmCredential]:
        with self._table.lock:
            return self._known(realm_id).current_credentials()

    # -- realms ------------------------------------------------------------------------

    def add_realm(self, name: str, description: str | None, default: bool) -> RealmRecord:
        """An ACTIVE realm at once, by the API's name and default rules."""
        with self._table.lock:
            submitted = rr.SubmittedRealm(name, description, "true" if default else "false")
            return self._table.add(submitted, 0.0).record(self._table.clock())

    def set_description(self, reference: str, description: str | None) -> None:
        with self._table.lock:
            self._known(reference).description = description or None

    def make_default(self, reference: str) -> None:
        with self._table.lock:
            self._table.make_default(self._known(reference))

    def pin_status(self, reference: str, status: RealmStatus | None) -> None:
        """Report ``status`` from now on, whatever the timing says (``None`` unpins);
        cancels a pending deletion. An API DELETE unpins."""
        if status is not None and status not in REALM_STATUSES:
            raise ValueError(f"status must be one of {sorted(REALM_STATUSES)} or None")
        with self._table.lock:
            realm = self._known(reference)
            realm.pinned_status = status
            realm.gone_at = None

    def delete_realm(self, reference: str) -> bool:
        """Remove the realm and its credentials at once, whatever the API rules say."""
        with self._table.lock:
            realm = self._table.find(reference)
            if realm is None:
                return False
            self._table.remove(realm)
            return True

    # -- credentials -----------------------------------------------------------------------

    def add_credential(
        self,
        realm_id: str,
        user_name: str,
        hash1: str,
        hash1b: str,
        http_voice_v2_app_id: str | None = None,
    ) -> StoredRealmCredential:
        with self._table.lock:
            realm = self._known(realm_id)
            fields = self._checked(realm, user_name, hash1, hash1b, http_voice_v2_app_id, None)
            credential = StoredRealmCredential(
                self._table.new_credential_id(),
                realm.id,
                fields.user_name,
                fields.hash1,
                fields.hash1b,
                realm.fqdn,
                fields.http_voice_v2_app_id,
            )
            realm.slots[credential.id] = Slot(credential)
            return credential

    def put_credential(self, credential: StoredRealmCredential) -> StoredRealmCredential:
        """Overwrite an existing credential (same id, same realm) with these fields;
        ``realm`` (the FQDN) is always the realm's own."""
        with self._table.lock:
            realm = self._known(credential.realm_id)
            if credential.id not in realm.slots:
                raise KeyError(f"no credential {credential.id!r} in realm {realm.id}")
            self._checked(
                realm,
                credential.user_name,
                credential.hash1,
                credential.hash1b,
                credential.http_voice_v2_app_id,
                credential.id,
            )
            stored = replace(credential, realm_id=realm.id, realm=realm.fqdn)
            realm.slots[credential.id] = Slot(stored)
            return stored

    def delete_credential(self, realm_id: str, credential_id: str) -> bool:
        with self._table.lock:
            realm = self._table.find(realm_id)
            return realm is not None and realm.slots.pop(credential_id, None) is not None

    def _checked(
        self,
        realm: Realm,
        user_name: str,
        hash1: str,
        hash1b: str,
        app_id: str | None,
        credential_id: str | None,
    ) -> rr.CredentialFields:
        submitted = Submitted(user_name, None, hash1, hash1b, None, app_id)
        fields = rr.new_credential_fields(rr.RealmEntry(submitted), realm.id, realm.fqdn)
        if realm.holds_user(fields.user_name, other_than=credential_id):
            raise ValueError(f"UserName {fields.user_name} already exists in realm {realm.id}")
        return fields
