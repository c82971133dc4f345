"""The account-level SIP credentials of the sandbox's account, and the configured realms
(Network Bridge FQDNs) their ``<Realm>`` may name. The routes reach it through
``SandboxState``, which owns the one lock every method here takes."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from ..core.errors import ApiError
from ..core.refusals import EntryRefusals
from ..core.spec_shapes import ResponseShapes
from . import rules
from .models import StoredCredential, credential_key


@dataclass(frozen=True)
class CreateOutcome:
    """One entry of a bulk create: either ``created`` or ``error`` is set."""

    submitted: rules.Submitted
    created: StoredCredential | None = None
    error: ApiError | None = None


class CredentialState(Protocol):
    """What the routes of this folder need of the sandbox's state (``SandboxState``,
    above the folders): the store's operations, reached through the state (tests wrap
    them there), and the response shapes."""

    @property
    def shapes(self) -> ResponseShapes: ...

    @property
    def realms(self) -> tuple[str, ...]: ...

    def add_realm(self, realm: str) -> None: ...

    def list_credentials(self, account_id: str) -> list[StoredCredential]: ...

    def get(self, account_id: str, composite: str) -> StoredCredential | None: ...

    def create_many(
        self, account_id: str, entries: Iterable[rules.Submitted]
    ) -> list[CreateOutcome]: ...

    def update(
        self, account_id: str, composite: str, entry: rules.Submitted
    ) -> StoredCredential: ...

    def delete(self, account_id: str, composite: str) -> None: ...

    def put_out_of_band(self, credential: StoredCredential) -> StoredCredential: ...

    def delete_out_of_band(self, composite: str) -> bool: ...


class CredentialStore:
    """Credentials by account, keyed by lowercased composite username. Each public method
    is atomic, so a bulk create validates duplicates against the account and the earlier
    entries of the same request without races."""

    def __init__(
        self,
        account_id: str,
        configured_realms: tuple[str, ...],
        lock: threading.RLock,
        count_write: Callable[[], None],
        refusals: EntryRefusals | None = None,
    ) -> None:
        self._account_id = account_id
        #: Entries of a bulk create to refuse with a chosen code (``core/refusals.py``).
        self.refusals = refusals if refusals is not None else EntryRefusals()
        self._configured_realms = configured_realms
        self._lock = lock
        self._count_write = count_write
        self._accounts: dict[str, dict[str, StoredCredential]] = {}
        self._realms: list[str] = []
        self.reset()

    def reset(self) -> None:
        """Forget every credential and the realms added at run time."""
        with self._lock:
            self._accounts = {self._account_id: {}}
            self._realms = _dedupe(self._configured_realms)

    # -- realms and accounts -------------------------------------------------------

    @property
    def realms(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._realms)

    def add_realm(self, realm: str) -> None:
        if not realm or any(ch.isspace() for ch in realm):
            raise ValueError("a realm is a non-empty FQDN")
        with self._lock:
            self._realms = _dedupe([*self._realms, realm])

    def has_account(self, account_id: str) -> bool:
        with self._lock:
            return account_id in self._accounts

    # -- credentials through the API ----------------------------------------------

    def list_credentials(self, account_id: str) -> list[StoredCredential]:
        """All credentials of the account, sorted by (lowercased) composite username."""
        with self._lock:
            stored = self._accounts[account_id]
            return [stored[key] for key in sorted(stored)]

    def get(self, account_id: str, composite: str) -> StoredCredential | None:
        with self._lock:
            return self._accounts[account_id].get(credential_key(composite))

    def create_many(
        self, account_id: str, entries: Iterable[rules.Submitted]
    ) -> list[CreateOutcome]:
        with self._lock:
            outcomes = [self._create_one(account_id, entry) for entry in entries]
            if any(outcome.created for outcome in outcomes):
                self._count_write()
            return outcomes

    def _create_one(self, account_id: str, entry: rules.Submitted) -> CreateOutcome:
        stored = self._accounts[account_id]
        refused = self.refusals.take(entry.user_name)
        if refused is not None:
            return CreateOutcome(entry, error=refused)
        try:
            credential = rules.new_credential(entry, self._realms)
            if credential.key in stored:
                raise rules.duplicate(credential.composite_username)
        except ApiError as error:
            return CreateOutcome(entry, error=error)
        stored[credential.key] = credential
        return CreateOutcome(entry, created=credential)

    def update(self, account_id: str, composite: str, entry: rules.Submitted) -> StoredCredential:
        with self._lock:
            stored = self._accounts[account_id]
            existing = stored.get(credential_key(composite))
            if existing is None:
                raise rules.not_found(composite)
            updated = rules.updated_credential(existing, entry, self._realms)
            stored[existing.key] = updated
            self._count_write()
            return updated

    def delete(self, account_id: str, composite: str) -> None:
        with self._lock:
            if self._accounts[account_id].pop(credential_key(composite), None) is None:
                raise rules.not_found(composite)
            self._count_write()

    # -- out-of-band changes (a human in the dashboard): validated, not counted ----

    def put_out_of_band(self, credential: StoredCredential) -> StoredCredential:
        with self._lock:
            checked = rules.checked_stored(credential, self._realms)
            self._accounts[self._account_id][checked.key] = checked
            return checked

    def delete_out_of_band(self, composite: str) -> bool:
        with self._lock:
            stored = self._accounts[self._account_id]
            return stored.pop(credential_key(composite), None) is not None

    def snapshot(self) -> dict[str, object]:
        """JSON-ready: every account's credentials (hashes included: sandbox only) and the
        configured realms."""
        with self._lock:
            accounts = {
                account_id: {"credentials": [c.to_json() for _, c in sorted(creds.items())]}
                for account_id, creds in self._accounts.items()
            }
            return {"accounts": accounts, "realms": list(self._realms)}


def _dedupe(realms: Iterable[str]) -> list[str]:
    """Keep the first spelling of each realm (realms compare case-insensitively)."""
    seen: dict[str, str] = {}
    for realm in realms:
        seen.setdefault(realm.lower(), realm)
    return list(seen.values())
