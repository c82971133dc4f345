"""The SIP credential set's lifecycle (check, diff, create, read, update, delete), free of
any Pulumi front door.

Writes at API speed (:mod:`.writes`): creates in bulk POSTs of at most ``batch_size``
entries, judged entry by entry (``ValidSipCredentials``, ``Errors``); PUTs and DELETEs
in parallel on at most ``concurrency`` threads. Every request goes through the one
transport, so the process-wide rate-limit gate (:mod:`bw_pulumi.api.rate_limit`) pauses
every thread of the set at the first 429: the set never storms.

Partial failure loses nothing: :mod:`.outcome`. Refresh reads per scope from list pages
(:class:`~bw_pulumi.resources.sip_credential.listing.Listing`), and only an entry's own
GET reports it gone.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from bw_pulumi.api.errors import BandwidthApiError, InvalidInputError
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.lifecycle import Checked, Found, Props
from bw_pulumi.resources.sip_credential.listing import Listing
from bw_pulumi.resources.sip_credential.models import Credential
from bw_pulumi.resources.sip_credential_set import rules
from bw_pulumi.resources.sip_credential_set.outcome import (
    SetOperationError,
    SetOutcome,
    failure_message,
)
from bw_pulumi.resources.sip_credential_set.parallel import reason, run_parallel
from bw_pulumi.resources.sip_credential_set.rules import SetPlan
from bw_pulumi.resources.sip_credential_set.state import (
    ACCOUNT_SCOPE,
    LAST_WRITE,
    SECRET_OUTPUTS,
    Held,
    Scope,
    held_of,
    previewed,
    refreshed,
    state_outputs,
)
from bw_pulumi.resources.sip_credential_set.writes import SetWrite, Writing, delete_credential

__all__ = [
    "LAST_WRITE",
    "SECRET_OUTPUTS",
    "Scope",
    "SetOutcome",
    "SipCredentialSetOperations",
    "state_outputs",
]

DEFAULT_BATCH_SIZE = 100
DEFAULT_CONCURRENCY = 16
#: As for a single realm-scoped credential: a not-found read this soon after a write may
#: be Bandwidth's read-after-write lag.
READ_LAG_HORIZON_SECONDS = 120.0


class SipCredentialSetOperations:
    """CRUD for one SIP credential set. ``api`` gives the shared client; ``batch_size``
    bounds the entries of one bulk POST; ``concurrency`` the requests in flight (each a
    number, or a function read when the operation runs: the provider's settings); ``now``
    is the wall clock; ``listing`` may be shared with the single credentials' operations
    of the same process, so a write by either drops the other's list pages."""

    def __init__(
        self,
        api: Callable[[], BandwidthClient],
        *,
        batch_size: int | Callable[[], int] = DEFAULT_BATCH_SIZE,
        concurrency: int | Callable[[], int] = DEFAULT_CONCURRENCY,
        now: Callable[[], float] = time.time,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        listing: Listing | None = None,
    ) -> None:
        self._api = api
        self._batch_size = batch_size
        self._concurrency = concurrency
        self._now = now
        self._new_id = new_id
        self._listing = listing or Listing()
        self._realm_fqdns: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def batch_size(self) -> int:
        return _at_least_one("batch_size", self._batch_size)

    @property
    def concurrency(self) -> int:
        return _at_least_one("concurrency", self._concurrency)

    # -- check and diff: no API calls ---------------------------------------------------------

    def check(self, olds: Props, news: Props) -> Checked:
        inputs = rules.normalized(news)
        return Checked(inputs, rules.check_failures(inputs))

    def diff(self, olds: Props, news: Props) -> SetPlan:
        return rules.plan(olds, news)

    def preview(self, olds: Props, news: Props) -> Props:
        """The outputs a preview shows for a create (``olds`` empty) or an update."""
        return previewed(olds, news)

    # -- create, read, update, delete ---------------------------------------------------------

    def create(self, props: Props) -> SetOutcome:
        scope = Scope.of(props)
        self._require_realm_fqdn(scope)
        write = self._write(scope, held={}, retired={})
        write.create_all(list(rules.entries_of(props).values()))
        return write.outcome(self._new_id(), self._now)

    def update(self, id_: str, olds: Props, news: Props) -> SetOutcome:
        scope = Scope.of(news)
        self._require_realm_fqdn(scope)
        held = held_of(olds)
        write = self._write(scope, held=dict(held), retired=dict(olds.get("retired") or {}))
        write.last_write = olds.get(LAST_WRITE)
        write.apply(held, rules.entries_of(news), rules.plan(olds, news))
        return write.outcome(id_, self._now)

    def read(self, id_: str, props: Props) -> Found:
        """Each entry from its scope's list pages, or its own GET, which alone can say it
        is gone (then it leaves the state, and the next update creates it again)."""
        if not isinstance(props.get("realm"), str) or rules.CREDENTIALS not in props:
            raise InvalidInputError(
                "id",
                "a SipCredentialSet cannot be imported (its keys and passwords are not at"
                " Bandwidth): declare it with adopt=True to take over existing credentials",
            )
        scope = Scope.of(props)
        held = held_of(props)
        self._listing.announce(scope.listing_key, len(held))
        live = self._parallel(
            {key: partial(self._read_one, scope, h, props) for key, h in held.items()}
        )
        found: dict[str, Held] = {}
        for key, (credential, error) in live.items():
            if error is not None:
                raise error
            if credential is not None:
                found[key] = refreshed(held[key], credential, scope)
        outputs = state_outputs(
            scope,
            found,
            failures=dict(props.get("failures") or {}),
            retired=dict(props.get("retired") or {}),
            last_write=props.get(LAST_WRITE),
        )
        return Found(id_, outputs)

    def delete(self, id_: str, props: Props) -> None:
        """Delete every entry and every retired credential, in parallel; already gone is
        done. If any fails, raise naming them: the set stays in the state, and deleting it
        again skips what is gone."""
        scope = Scope.of(props)
        held = held_of(props)
        retired = dict(props.get("retired") or {})
        tasks: dict[str, Callable[[], object]] = {
            key: partial(self._delete_one, scope, h.bandwidth_key) for key, h in held.items()
        }
        for bw_key, key in retired.items():
            tasks[f"{key} (retired {bw_key})"] = partial(self._delete_one, scope, bw_key)
        with self._writing(scope):
            results = self._parallel(tasks)
        failures = {key: reason(error) for key, (_, error) in results.items() if error}
        if failures:
            raise SetOperationError(failure_message(failures, len(held), deleting=True), failures)

    # -- helpers -------------------------------------------------------------

    def _parallel(self, tasks: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
        return run_parallel(tasks, self.concurrency)

    def _write(self, scope: Scope, *, held: dict[str, Held], retired: dict[str, str]) -> SetWrite:
        return SetWrite(
            self._api,
            scope,
            batch_size=self.batch_size,
            concurrency=self.concurrency,
            listing=self._listing,
            held=held,
            retired=retired,
            delete_one=self._delete_one,
        )

    def _writing(self, scope: Scope) -> Writing:
        return Writing(self._listing, scope.listing_key)

    def _delete_one(self, scope: Scope, bandwidth_key: str) -> bool:
        return delete_credential(self._api(), scope, bandwidth_key)

    def _read_one(self, scope: Scope, held: Held, props: Props) -> Credential | None:
        client = self._api()
        if scope.realm_id is None:
            api = client.credentials
            composite = held.entry.composite
            return self._listing.read(
                ACCOUNT_SCOPE,
                composite.casefold(),
                fetch_page=api.credentials_page,
                key_of=lambda c: c.composite_username.casefold(),
                read_one=lambda: api.get_credential(composite),
            )
        realm_id, credential_id = scope.realm_id, held.credential_id
        if credential_id is None:
            return None
        realms = client.realm_credentials
        live = self._listing.read(
            scope.listing_key,
            credential_id,
            fetch_page=lambda query: realms.credentials_page(realm_id, query),
            key_of=lambda c: c.id,
            read_one=lambda: realms.get_credential(realm_id, credential_id),
        )
        if live is None and self._recently_written(props):
            live = realms.get_credential_after_write(realm_id, credential_id)
        return live

    def _recently_written(self, props: Mapping[str, Any]) -> bool:
        written = props.get(LAST_WRITE)
        if not isinstance(written, (int, float)):
            return False
        return 0 <= self._now() - float(written) <= READ_LAG_HORIZON_SECONDS

    def _require_realm_fqdn(self, scope: Scope) -> None:
        """Realm-scoped: ``realm`` goes into every hash, so it must be the realm's FQDN
        exactly as the API reports it; checked once per process, before any write."""
        if scope.realm_id is None:
            return
        with self._lock:
            fqdn = self._realm_fqdns.get(scope.realm_id)
        if fqdn is None:
            found = self._api().realms.get_realm(scope.realm_id)
            if found is None:
                raise BandwidthApiError(
                    f"realm_id: Bandwidth has no realm {scope.realm_id!r} on this account",
                    status=404,
                )
            fqdn = found.fqdn
            with self._lock:
                self._realm_fqdns[scope.realm_id] = fqdn
        if scope.realm != fqdn:
            raise BandwidthApiError(
                f"realm: {scope.realm!r} is not the FQDN of realm {scope.realm_id} ({fqdn!r});"
                " the hashes must use it exactly: pass realm=<the SipRealm>.fqdn"
            )


def _at_least_one(name: str, value: int | Callable[[], int]) -> int:
    number = value() if callable(value) else value
    if number < 1:
        raise ValueError(f"{name} must be at least 1")
    return number
