"""The SIP credential set's lifecycle (check, diff, create, read, update, delete), free of
any Pulumi front door.

Writes at API speed: creates go in bulk POSTs of at most ``batch_size`` entries, judged
entry by entry (``ValidSipCredentials``, ``Errors``); PUTs and DELETEs run in parallel on
at most ``concurrency`` threads. Every request goes through the one transport, so the
process-wide rate-limit gate (:mod:`bw_pulumi.api.rate_limit`) pauses every thread of the
set at the first 429: the set never storms.

An update runs in three steps, so that no credential goes missing: (1) delete the old
credential of each entry replaced under the same name (a case change, a removed voice
application), which would otherwise refuse the new one as a duplicate; (2) create, in
bulk, every new entry and every replacement; (3) in parallel, PUT the changed entries,
take over duplicates (``adopt``), delete removed entries, the old credentials of
replaced ones and those left ``retired`` by an earlier update. An entry whose PUT finds
its credential deleted outside Pulumi is created again in a last bulk.

Partial failure loses nothing: :mod:`.outcome`. Refresh reads per scope from list pages
(:class:`~bw_pulumi.resources.sip_credential.listing.Listing`), and only an entry's own
GET reports it gone.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Hashable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, TypeVar

from bw_pulumi.api import codes
from bw_pulumi.api.errors import BandwidthApiError, ConfigurationError, InvalidInputError
from bw_pulumi.api.xml import EntryError
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.lifecycle import Checked, Found, Props, without_none
from bw_pulumi.resources.sip_credential.listing import Listing
from bw_pulumi.resources.sip_credential.models import BulkCreateResult, Credential
from bw_pulumi.resources.sip_credential.rules import compute_hashes
from bw_pulumi.resources.sip_credential_set import rules
from bw_pulumi.resources.sip_credential_set.outcome import (
    SetOperationError,
    SetOutcome,
    failure_message,
)
from bw_pulumi.resources.sip_credential_set.rules import ADOPT, REALM_ID, Entry, SetPlan

DEFAULT_BATCH_SIZE = 100
DEFAULT_CONCURRENCY = 16
LAST_WRITE = "last_write"
#: As for a single realm-scoped credential: a not-found read this soon after a write may
#: be Bandwidth's read-after-write lag.
READ_LAG_HORIZON_SECONDS = 120.0
SECRET_OUTPUTS = ("credentials", "hashes")
ACCOUNT_SCOPE = "account"

_log = logging.getLogger("bw_pulumi")
_EXPECTED = (BandwidthApiError, ConfigurationError, InvalidInputError)
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Held:
    """One entry as it exists at Bandwidth: its inputs, hashes and (realm-scoped) id."""

    entry: Entry
    hash1: str = field(repr=False)
    hash1b: str = field(repr=False)
    credential_id: str | None = None

    @property
    def bandwidth_key(self) -> str:
        """What a DELETE names: the credential id in a realm, else the composite."""
        return self.credential_id or self.entry.composite


@dataclass(frozen=True)
class Scope:
    """The set's place at Bandwidth: the account's credentials, or one realm's."""

    realm: str
    realm_id: str | None
    adopt: bool

    @classmethod
    def of(cls, props: Mapping[str, Any]) -> Scope:
        return cls(props["realm"], props.get(REALM_ID) or None, bool(props.get(ADOPT)))

    @property
    def listing_key(self) -> Hashable:
        return ("realm", self.realm_id) if self.realm_id else ACCOUNT_SCOPE

    def wanted(self, entry: Entry) -> Credential:
        hashes = compute_hashes(entry.username, entry.password, self.realm, entry.domain)
        return Credential(
            user_name=entry.username,
            domain=entry.domain,
            hash1=hashes.hash1,
            hash1b=hashes.hash1b,
            realm=self.realm,
            http_voice_v2_app_id=entry.http_voice_v2_app_id,
            realm_id=self.realm_id,
        )

    def held(self, entry: Entry, credential_id: str | None = None) -> Held:
        wanted = self.wanted(entry)
        return Held(entry, wanted.hash1, wanted.hash1b, credential_id)


class SipCredentialSetOperations:
    """CRUD for one SIP credential set. ``api`` gives the shared client; ``batch_size``
    bounds the entries of one bulk POST; ``concurrency`` the requests in flight; ``now``
    is the wall clock; ``listing`` may be shared with the single credentials' operations
    of the same process, so a write by either drops the other's list pages."""

    def __init__(
        self,
        api: Callable[[], BandwidthClient],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        concurrency: int = DEFAULT_CONCURRENCY,
        now: Callable[[], float] = time.time,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        listing: Listing | None = None,
    ) -> None:
        if batch_size < 1 or concurrency < 1:
            raise ValueError("batch_size and concurrency must be at least 1")
        self._api = api
        self.batch_size = batch_size
        self.concurrency = concurrency
        self._now = now
        self._new_id = new_id
        self._listing = listing or Listing()
        self._realm_fqdns: dict[str, str] = {}
        self._lock = threading.Lock()

    # -- check and diff: no API calls ---------------------------------------------------------

    def check(self, olds: Props, news: Props) -> Checked:
        inputs = rules.normalized(news)
        return Checked(inputs, rules.check_failures(inputs))

    def diff(self, olds: Props, news: Props) -> SetPlan:
        return rules.plan(olds, news)

    # -- create, read, update, delete ---------------------------------------------------------

    def create(self, props: Props) -> SetOutcome:
        scope = Scope.of(props)
        self._require_realm_fqdn(scope)
        run = _Run(self, scope, held={}, retired={})
        run.create_all(list(rules.entries_of(props).values()))
        return run.outcome(self._new_id())

    def update(self, id_: str, olds: Props, news: Props) -> SetOutcome:
        scope = Scope.of(news)
        self._require_realm_fqdn(scope)
        held = held_of(olds)
        run = _Run(self, scope, held=dict(held), retired=dict(olds.get("retired") or {}))
        run.last_write = olds.get(LAST_WRITE)
        run.apply(held, rules.entries_of(news), rules.plan(olds, news))
        return run.outcome(id_)

    def read(self, id_: str, props: Props) -> Found:
        """Each entry from its scope's list pages, or its own GET, which alone can say it
        is gone (then it leaves the state, and the next update creates it again)."""
        scope = Scope.of(props)
        held = held_of(props)
        live = self._parallel(
            {key: partial(self._read_one, scope, h, props) for key, h in held.items()}
        )
        refreshed: dict[str, Held] = {}
        for key, (credential, error) in live.items():
            if error is not None:
                raise error
            if credential is not None:
                refreshed[key] = _refreshed(held[key], credential, scope)
        outputs = state_outputs(
            scope,
            refreshed,
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
        failures = {key: _reason(error) for key, (_, error) in results.items() if error}
        if failures:
            raise SetOperationError(failure_message(failures, len(held), deleting=True), failures)

    # -- helpers shared with _Run -------------------------------------------------------------

    def _parallel(
        self, tasks: Mapping[K, Callable[[], Any]]
    ) -> dict[K, tuple[Any, Exception | None]]:
        """Run each task on at most ``concurrency`` threads; every task's result or error."""
        if not tasks:
            return {}
        workers = min(self.concurrency, len(tasks))
        with ThreadPoolExecutor(workers, thread_name_prefix="bandwidth-set") as pool:
            futures = {key: pool.submit(_guarded, task) for key, task in tasks.items()}
            return {key: future.result() for key, future in futures.items()}

    def _writing(self, scope: Scope) -> _Writing:
        return _Writing(self._listing, scope.listing_key)

    def _delete_one(self, scope: Scope, bandwidth_key: str) -> bool:
        client = self._api()
        if scope.realm_id is not None:
            return client.realm_credentials.delete_credential(scope.realm_id, bandwidth_key)
        return client.credentials.delete_credential(bandwidth_key)

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


class _Writing:
    """Around a write: the scope's list pages are out of date before and after it."""

    def __init__(self, listing: Listing, scope: Hashable) -> None:
        self._listing, self._scope = listing, scope

    def __enter__(self) -> None:
        self._listing.wrote(self._scope)

    def __exit__(self, *_: object) -> None:
        self._listing.wrote(self._scope)


class _Run:
    """One create or update: what is held at Bandwidth as it goes, and what failed."""

    def __init__(
        self,
        ops: SipCredentialSetOperations,
        scope: Scope,
        *,
        held: dict[str, Held],
        retired: dict[str, str],
    ) -> None:
        self.ops, self.scope = ops, scope
        self.held, self.retired = held, retired
        self.failures: dict[str, str] = {}
        self.wrote = False
        self.last_write: float | None = None

    # -- the steps ----------------------------------------------------------------------------

    def create_all(self, entries: Sequence[Entry]) -> None:
        with self.ops._writing(self.scope):
            created, duplicates = self._bulk_create(entries)
            self.held.update(created)
            self._parallel_step({key: self._take_over_task(entry) for key, entry in duplicates})

    def apply(self, olds: Mapping[str, Held], news: Mapping[str, Entry], plan: SetPlan) -> None:
        creates = [news[key] for key in plan.keys("create")]
        replaces = plan.keys("replace")
        same = [k for k in replaces if rules.same_key(olds[k].entry, news[k])]
        with self.ops._writing(self.scope):
            # (1) the same name must be free before it can be created again
            freed = self._parallel_step({k: self._delete_task(k, olds[k]) for k in same})
            creates += [news[k] for k in replaces if k not in same or k in freed]
            # (2) every new credential, in bulk
            created, duplicates = self._bulk_create(creates)
            self.held.update(created)
            old_of_replaced = {k: olds[k] for k in replaces if k in created and k not in same}
            # (3) PUTs, take-overs and DELETEs, in parallel
            tasks: dict[str, Callable[[], object]] = {}
            tasks.update({k: self._update_task(olds[k], news[k]) for k in plan.keys("update")})
            tasks.update({k: self._take_over_task(entry) for k, entry in duplicates})
            tasks.update({k: self._delete_task(k, olds[k]) for k in plan.keys("delete")})
            tasks.update({k: self._retire_task(k, held) for k, held in old_of_replaced.items()})
            retired = {f"\0{bw}": (bw, key) for bw, key in self.retired.items()}
            tasks.update({name: self._unretire_task(*pair) for name, pair in retired.items()})
            gone = [key for key, value in self._parallel_step(tasks).items() if value is _GONE]
            # (4) credentials deleted outside Pulumi since the last refresh: create again
            if gone:
                recreated, _ = self._bulk_create([news[key] for key in gone])
                self.held.update(recreated)

    def outcome(self, id_: str) -> SetOutcome:
        last_write = self.last_write
        if self.scope.realm_id and self.wrote:
            last_write = self.ops._now()
        outputs = state_outputs(
            self.scope, self.held, self.failures, self.retired, last_write=last_write
        )
        return SetOutcome(id_, outputs, dict(self.failures))

    # -- bulk creates -------------------------------------------------------------------------

    def _bulk_create(
        self, entries: Sequence[Entry]
    ) -> tuple[dict[str, Held], list[tuple[str, Entry]]]:
        """Create in POSTs of at most ``batch_size``; return what was created by key, and
        the duplicates to take over (``adopt``). Every other refusal is a failure."""
        size = self.ops.batch_size
        batches = {index: entries[index : index + size] for index in range(0, len(entries), size)}
        results = self.ops._parallel(
            {i: partial(self._create_batch, b) for i, b in batches.items()}
        )
        created: dict[str, Held] = {}
        duplicates: list[tuple[str, Entry]] = []
        for index, (judged, error) in results.items():
            if error is not None:  # not a refusal: a bug, or a failure the batch could not judge
                for entry in batches[index]:
                    self.failures[entry.key] = _reason(error)
                continue
            batch_created, batch_duplicates = judged
            created.update(batch_created)
            duplicates += batch_duplicates
        if created:
            self.wrote = True
        for key in created:
            self.failures.pop(key, None)
        return created, duplicates

    def _create_batch(
        self, batch: Sequence[Entry]
    ) -> tuple[dict[str, Held], list[tuple[str, Entry]]]:
        wanted = {entry.key: self.scope.wanted(entry) for entry in batch}
        try:
            result = self._post(list(wanted.values()))
        except _EXPECTED as error:
            if not _may_have_committed(error):
                return self._all_failed(batch, _reason(error))
            # the answer is lost: whatever holds our hashes is ours
            result = BulkCreateResult(self._look_up(wanted.values()), ())
            for entry in batch:
                self.failures[entry.key] = _reason(error)
        return self._judge(batch, wanted, result)

    def _post(self, wanted: list[Credential]) -> BulkCreateResult:
        client = self.ops._api()
        if self.scope.realm_id is None:
            return client.credentials.create_credentials(wanted)
        return client.realm_credentials.create_credentials(self.scope.realm_id, wanted)

    def _judge(
        self, batch: Sequence[Entry], wanted: Mapping[str, Credential], result: BulkCreateResult
    ) -> tuple[dict[str, Held], list[tuple[str, Entry]]]:
        created_by_name = {_name(c, self.scope).casefold(): c for c in result.created}
        errors_by_name = {
            (e.composite_username or "").casefold(): e
            for e in result.errors
            if e.composite_username
        }
        created: dict[str, Held] = {}
        duplicates: list[tuple[str, Entry]] = []
        for entry in batch:
            name = _name(wanted[entry.key], self.scope).casefold()
            found, refused = created_by_name.get(name), errors_by_name.get(name)
            if found is not None:
                created[entry.key] = self.scope.held(entry, found.id)
            elif refused is not None and _is_duplicate(refused) and self.scope.adopt:
                duplicates.append((entry.key, entry))
            elif refused is not None:
                self.failures[entry.key] = _entry_reason(refused)
            elif entry.key not in self.failures:
                self.failures[entry.key] = "Bandwidth did not report it created or refused"
        return created, duplicates

    def _all_failed(
        self, batch: Sequence[Entry], reason: str
    ) -> tuple[dict[str, Held], list[tuple[str, Entry]]]:
        for entry in batch:
            self.failures[entry.key] = reason
        return {}, []

    def _look_up(self, wanted: Any) -> tuple[Credential, ...]:
        """After a lost answer: the entries that exist holding exactly our hashes."""
        client = self.ops._api()
        found: list[Credential] = []
        try:
            if self.scope.realm_id is None:
                for credential in wanted:
                    live = client.credentials.get_credential(credential.composite_username)
                    if live is not None and live.same_hashes(credential):
                        found.append(live)
            else:
                listed = client.realm_credentials.list_credentials(self.scope.realm_id)
                by_name = {c.user_name: c for c in listed}
                for credential in wanted:
                    live = by_name.get(credential.user_name)
                    if live is not None and live.same_hashes(credential):
                        found.append(live)
        except _EXPECTED as error:
            _log.warning("could not look up a bulk create whose answer was lost: %s", error)
        return tuple(found)

    # -- the parallel step's tasks ------------------------------------------------------------

    def _parallel_step(self, tasks: Mapping[str, Callable[[], object]]) -> dict[str, object]:
        """Run the tasks; each returns what to record. A failure is recorded by key."""
        done: dict[str, object] = {}
        for name, (value, error) in self.ops._parallel(tasks).items():
            if error is None:
                done[name] = value
                continue
            key = self.retired.get(name[1:], name[1:]) if name.startswith("\0") else name
            self.failures[key] = _reason(error)
        return done

    def _update_task(self, old: Held, new: Entry) -> Callable[[], object]:
        def update() -> object:
            wanted = self.scope.wanted(new)
            client = self.ops._api()
            try:
                if self.scope.realm_id is None:
                    client.credentials.update_credential(wanted)
                else:
                    assert old.credential_id is not None, "a realm-scoped entry without its id"
                    client.realm_credentials.update_credential(
                        self.scope.realm_id, old.credential_id, wanted
                    )
            except BandwidthApiError as error:
                if not _is_gone(error, self.scope):
                    raise
                self.held.pop(new.key, None)
                return _GONE
            self.wrote = True
            self.held[new.key] = self.scope.held(new, old.credential_id)
            self.failures.pop(new.key, None)
            return None

        return update

    def _delete_task(self, key: str, old: Held) -> Callable[[], object]:
        def delete() -> object:
            self.ops._delete_one(self.scope, old.bandwidth_key)
            self.wrote = True
            if self.held.get(key) is old:
                self.held.pop(key)
            self.failures.pop(key, None)
            return None

        return delete

    def _retire_task(self, key: str, old: Held) -> Callable[[], object]:
        """The old credential of an entry replaced under a new name: the new one exists, so
        a failed delete must not lose the old one: it is kept in ``retired``."""

        def retire() -> object:
            try:
                self.ops._delete_one(self.scope, old.bandwidth_key)
            except Exception:
                self.retired[old.bandwidth_key] = key
                raise
            self.wrote = True
            return None

        return retire

    def _unretire_task(self, bandwidth_key: str, key: str) -> Callable[[], object]:
        def unretire() -> object:
            self.ops._delete_one(self.scope, bandwidth_key)
            self.retired.pop(bandwidth_key, None)
            return None

        return unretire

    def _take_over_task(self, entry: Entry) -> Callable[[], object]:
        """``adopt``: bring an existing credential under management and give it our hashes.
        A PUT cannot change a username's letter case nor clear a voice application: an
        existing credential that differs so is deleted and created again."""

        def take_over() -> object:
            wanted = self.scope.wanted(entry)
            client = self.ops._api()
            credential_id: str | None = None
            if self.scope.realm_id is None:
                api = client.credentials
                existing = api.get_credential(wanted.composite_username)
                if existing is not None and _put_cannot_reach(existing, wanted, self.scope):
                    api.delete_credential(existing.composite_username)
                    existing = None
                if existing is None:
                    api.create_credential(wanted)
                else:
                    api.update_credential(wanted)
            else:
                realm_id, realms = self.scope.realm_id, client.realm_credentials
                existing = realms.find_credential(realm_id, wanted.user_name)
                reachable = existing is None or not _put_cannot_reach(existing, wanted, self.scope)
                if existing is not None and existing.id is not None and not reachable:
                    realms.delete_credential(realm_id, existing.id)
                    existing = None
                if existing is None or existing.id is None:
                    credential_id = realms.create_credential(realm_id, wanted).id
                else:
                    realms.update_credential(realm_id, existing.id, wanted)
                    credential_id = existing.id
            _log.warning("adopted existing SIP credential %s", wanted.composite_username)
            self.wrote = True
            self.held[entry.key] = self.scope.held(entry, credential_id)
            self.failures.pop(entry.key, None)
            return None

        return take_over


_GONE = object()


def _guarded(task: Callable[[], Any]) -> tuple[Any, Exception | None]:
    """A task's result, or the exception it raised: one failure must not lose the others'
    results (which are the state). An unexpected exception is a bug: logged with its
    traceback at DEBUG, and reported by type."""
    try:
        return task(), None
    except _EXPECTED as error:
        return None, error
    except Exception as error:  # kept per entry: see the docstring
        _log.debug("unexpected error in a SIP credential set task", exc_info=True)
        return None, error


def _reason(error: Exception) -> str:
    if isinstance(error, _EXPECTED):
        return str(error)
    return f"unexpected {type(error).__name__} (a bug in bw-pulumi; run with debug logs)"


def _entry_reason(error: EntryError) -> str:
    code = f" [{error.code}]" if error.code else ""
    hint = ""
    if _is_duplicate(error):
        hint = "; to manage the existing credential, declare the set with adopt=True"
    return f"Bandwidth refused it{code}: {error.description}{hint}"


def _is_duplicate(error: EntryError) -> bool:
    return error.code in (codes.CREDENTIAL_EXISTS, codes.REALM_CREDENTIAL_EXISTS)


def _may_have_committed(error: Exception) -> bool:
    """A request that failed without Bandwidth's verdict (no answer, or a 5xx)."""
    if not isinstance(error, BandwidthApiError) or isinstance(error, SetOperationError):
        return False
    return error.status is None or error.status >= 500


def _is_gone(error: BandwidthApiError, scope: Scope) -> bool:
    if scope.realm_id is None:
        return error.is_not_found
    return error.status == 404 and (
        error.has_code(codes.REALM_CREDENTIAL_NOT_FOUND) or error.has_envelope
    )


def _name(credential: Credential, scope: Scope) -> str:
    """How a bulk answer names an entry: the composite, or in a realm the username."""
    return credential.user_name if scope.realm_id else credential.composite_username


def _put_cannot_reach(existing: Credential, wanted: Credential, scope: Scope) -> bool:
    clears_app = existing.http_voice_v2_app_id and not wanted.http_voice_v2_app_id
    return _name(existing, scope) != _name(wanted, scope) or bool(clears_app)


# -- the state ------------------------------------------------------------------------------------


def held_of(props: Mapping[str, Any]) -> dict[str, Held]:
    """The entries a state holds, with their hashes and ids."""
    hashes: Mapping[str, Any] = props.get("hashes") or {}
    ids: Mapping[str, Any] = props.get("credential_ids") or {}
    held = {}
    for key, entry in rules.entries_of(props).items():
        pair = hashes.get(key) or {}
        held[key] = Held(entry, pair.get("hash1", ""), pair.get("hash1b", ""), ids.get(key))
    return held


def state_outputs(
    scope: Scope,
    held: Mapping[str, Held],
    failures: Mapping[str, str],
    retired: Mapping[str, str],
    last_write: float | None = None,
) -> Props:
    """The set's outputs: the inputs of every entry held, and the facts about them, split
    into secret (``credentials``, ``hashes``) and plain (the rest) top-level outputs."""
    keys = sorted(held)
    ids = {k: held[k].credential_id for k in keys if held[k].credential_id is not None}
    return without_none(
        {
            "realm": scope.realm,
            REALM_ID: scope.realm_id,
            ADOPT: True if scope.adopt else None,
            "credentials": {k: held[k].entry.props() for k in keys},
            "usernames": {k: held[k].entry.composite for k in keys},
            "credential_ids": ids,
            "hashes": {k: {"hash1": held[k].hash1, "hash1b": held[k].hash1b} for k in keys},
            "failures": dict(sorted(failures.items())),
            "retired": dict(sorted(retired.items())),
            LAST_WRITE: last_write,
        }
    )


def _refreshed(held: Held, live: Credential, scope: Scope) -> Held:
    """An entry as a read found it. The password is the state's (Bandwidth never has it);
    a realm other than the set's shows as drifted hashes, so the next update PUTs it."""
    if scope.realm_id is None:
        live = live.separated()
    entry = replace(
        held.entry,
        username=live.user_name,
        domain=live.domain if scope.realm_id is None else None,
        http_voice_v2_app_id=live.http_voice_v2_app_id,
    )
    hash1b = live.hash1b
    if not hash1b and live.hash1 and live.hash1.lower() == held.hash1.lower():
        hash1b = held.hash1b  # Bandwidth may answer without Hash1b (its spec's examples)
    if live.realm and live.realm.casefold() != scope.realm.casefold():
        return Held(entry, "", "", held.credential_id)
    return Held(entry, live.hash1, hash1b, held.credential_id)
