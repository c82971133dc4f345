"""One create or update of a set: bulk creates, then PUTs and DELETEs in parallel, with
what is held at Bandwidth tracked entry by entry as it goes.

An update runs in steps, so that no credential goes missing: (1) delete the credentials
``retired`` by an earlier update, and the old credential of each entry replaced under the
same name in another letter case (or without its voice application), which would
otherwise refuse the new one as a duplicate; (2) create, in bulk POSTs of at most
``batch_size`` entries, every new entry and every replacement, and take over the
duplicates among them (``adopt``); (3) in parallel, PUT the changed entries and the moves
(an entry renamed to a credential another key lets go takes it over: :func:`claims`),
and delete removed entries and the old credentials of replaced ones; (4) create again, in
bulk, entries whose PUT found them deleted outside Pulumi.

A bulk POST whose answer is lost is retried by the transport (a 500 too, for creates):
its entries then come back as duplicates holding exactly our hashes, which are adopted.
If every retry fails without Bandwidth's verdict, each entry is looked up and those that
hold our hashes are ours: nothing is created twice, and nothing is left unrecorded.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import partial
from typing import Any

from bw_pulumi.api import codes
from bw_pulumi.api.errors import BandwidthApiError
from bw_pulumi.api.xml import EntryError
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.sip_credential.listing import Listing
from bw_pulumi.resources.sip_credential.models import BulkCreateResult, Credential
from bw_pulumi.resources.sip_credential_set.outcome import SetOperationError, SetOutcome
from bw_pulumi.resources.sip_credential_set.parallel import EXPECTED, K, reason, run_parallel
from bw_pulumi.resources.sip_credential_set.rules import Entry, SetPlan
from bw_pulumi.resources.sip_credential_set.state import Held, Scope, state_outputs

_log = logging.getLogger("bw_pulumi")


def claims(
    olds: Mapping[str, Held], news: Mapping[str, Entry], plan: SetPlan
) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """Which new entries take over a credential another key lets go (pure).

    A credential is let go by a key being deleted or replaced. A created or replaced entry
    naming it exactly (the same composite) *moves* onto it: one PUT, or nothing when the
    hashes are already its own. One naming it in another letter case (or one that drops
    its voice application, which a PUT cannot clear) must *free* it first: its old
    credential is deleted before the new one is created, since Bandwidth's uniqueness
    ignores case. Returns (moves: new key -> old key, frees: new key -> old key, the
    keys to create in bulk)."""
    leaving = (*plan.keys("delete"), *plan.keys("replace"))
    by_name = {olds[k].entry.composite.casefold(): k for k in leaving}
    moves: dict[str, str] = {}
    frees: dict[str, str] = {}
    creates: list[str] = []
    for key in (*plan.keys("create"), *plan.keys("replace")):
        entry = news[key]
        old_key = by_name.pop(entry.composite.casefold(), None)
        if old_key is None:
            creates.append(key)
            continue
        old = olds[old_key].entry
        clears_app = old.http_voice_v2_app_id and not entry.http_voice_v2_app_id
        if old.composite == entry.composite and not clears_app:
            moves[key] = old_key
        else:
            frees[key] = old_key
    return moves, frees, creates


def delete_credential(client: BandwidthClient, scope: Scope, bandwidth_key: str) -> bool:
    """Delete one credential of the scope; False when it was already gone."""
    if scope.realm_id is not None:
        return client.realm_credentials.delete_credential(scope.realm_id, bandwidth_key)
    return client.credentials.delete_credential(bandwidth_key)


class Writing:
    """Around a write: the scope's list pages are out of date before and after it."""

    def __init__(self, listing: Listing, scope: Hashable) -> None:
        self._listing, self._scope = listing, scope

    def __enter__(self) -> None:
        self._listing.wrote(self._scope)

    def __exit__(self, *_: object) -> None:
        self._listing.wrote(self._scope)


class SetWrite:
    """One create or update: what is held at Bandwidth as it goes, and what failed."""

    def __init__(
        self,
        api: Callable[[], BandwidthClient],
        scope: Scope,
        *,
        batch_size: int,
        concurrency: int,
        listing: Listing,
        held: dict[str, Held],
        retired: dict[str, str],
        delete_one: Callable[[Scope, str], bool] | None = None,
    ) -> None:
        self.api, self.scope = api, scope
        self.batch_size, self.concurrency, self.listing = batch_size, concurrency, listing
        self.delete_one = delete_one or (lambda s, key: delete_credential(api(), s, key))
        self.held, self.retired = held, retired
        self.failures: dict[str, str] = {}
        self.wrote = False
        self.last_write: float | None = None

    # -- the steps ----------------------------------------------------------------------------

    def create_all(self, entries: Sequence[Entry]) -> None:
        with Writing(self.listing, self.scope.listing_key):
            created, duplicates = self._bulk_create(entries)
            self.held.update(created)
            self._parallel_step({key: self._take_over_task(entry) for key, entry in duplicates})

    def apply(self, olds: Mapping[str, Held], news: Mapping[str, Entry], plan: SetPlan) -> None:
        """Carry out ``plan``. A new entry whose name is a credential another entry lets go
        (a key renamed, two usernames swapped) takes that credential over rather than
        creating a duplicate and deleting the one it holds: see :func:`claims`."""
        moves, frees, creates = claims(olds, news, plan)
        claimed = set(moves.values()) | set(frees)
        with Writing(self.listing, self.scope.listing_key):
            # (1) names that must be free before they are created: one held in another letter
            # case, and the credentials retired by an earlier update (nobody's any more)
            retired = {f"\0{bw}": (bw, key) for bw, key in self.retired.items()}
            step: dict[str, Callable[[], object]] = {
                old: self._delete_task(old, olds[old]) for old in frees.values()
            }
            step.update({name: self._unretire_task(*pair) for name, pair in retired.items()})
            freed = self._parallel_step(step)
            for new_key, old_key in frees.items():
                if old_key in freed:
                    creates.append(new_key)
                else:
                    self.failures[new_key] = self.failures.get(old_key, "its name is not free")
            # (2) every new credential, in bulk; then the duplicates to take over (adopt)
            created, duplicates = self._bulk_create([news[k] for k in sorted(creates)])
            self.held.update(created)
            self._parallel_step({k: self._take_over_task(entry) for k, entry in duplicates})
            # (3) PUTs (moves included) and DELETEs, in parallel
            tasks: dict[str, Callable[[], object]] = {}
            tasks.update({k: self._update_task(olds[k], news[k]) for k in plan.keys("update")})
            tasks.update(
                {k: self._update_task(olds[old], news[k], old) for k, old in moves.items()}
            )
            leaving = [k for k in plan.keys("delete") if k not in claimed]
            tasks.update({k: self._delete_task(k, olds[k]) for k in leaving})
            replaced = [k for k in plan.keys("replace") if k not in claimed]
            # the old credential of a replaced entry goes once the new one is held
            retiring = [k for k in replaced if self.held.get(k) is not olds[k]]
            tasks.update({k: self._retire_task(k, olds[k]) for k in retiring})
            gone = [key for key, value in self._parallel_step(tasks).items() if value is _GONE]
            # (4) credentials deleted outside Pulumi since the last refresh: create again
            if gone:
                recreated, _ = self._bulk_create([news[key] for key in gone])
                self.held.update(recreated)

    def outcome(self, id_: str, now: Callable[[], float] = time.time) -> SetOutcome:
        """The set as it now stands; ``now`` stamps a realm-scoped write (``last_write``)."""
        last_write = self.last_write
        if self.scope.realm_id and self.wrote:
            last_write = now()
        outputs = state_outputs(
            self.scope, self.held, self.failures, self.retired, last_write=last_write
        )
        return SetOutcome(id_, outputs, dict(self.failures))

    def _parallel(self, tasks: Mapping[K, Callable[[], Any]]) -> dict[K, Any]:
        return run_parallel(tasks, self.concurrency)

    # -- bulk creates -------------------------------------------------------------------------

    def _bulk_create(
        self, entries: Sequence[Entry]
    ) -> tuple[dict[str, Held], list[tuple[str, Entry]]]:
        """Create in POSTs of at most ``batch_size``; return what was created by key, and
        the duplicates to take over (``adopt``). Every other refusal is a failure."""
        size = self.batch_size
        batches = {index: entries[index : index + size] for index in range(0, len(entries), size)}
        results = self._parallel({i: partial(self._create_batch, b) for i, b in batches.items()})
        created: dict[str, Held] = {}
        duplicates: list[tuple[str, Entry]] = []
        for index, (judged, error) in results.items():
            if error is not None:  # not a refusal: a bug, or a failure the batch could not judge
                for entry in batches[index]:
                    self.failures[entry.key] = reason(error)
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
        except EXPECTED as error:
            if not _may_have_committed(error):
                return self._all_failed(batch, reason(error))
            # the answer is lost: whatever holds our hashes is ours
            result = BulkCreateResult(self._look_up(wanted.values()), ())
            for entry in batch:
                self.failures[entry.key] = reason(error)
        return self._judge(batch, wanted, result)

    def _post(self, wanted: list[Credential]) -> BulkCreateResult:
        client = self.api()
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
        client = self.api()
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
        except EXPECTED as error:
            _log.warning("could not look up a bulk create whose answer was lost: %s", error)
        return tuple(found)

    # -- the parallel step's tasks ------------------------------------------------------------

    def _parallel_step(self, tasks: Mapping[str, Callable[[], object]]) -> dict[str, object]:
        """Run the tasks; each returns what to record. A failure is recorded by key."""
        done: dict[str, object] = {}
        for name, (value, error) in self._parallel(tasks).items():
            if error is None:
                done[name] = value
                continue
            key = self.retired.get(name[1:], name[1:]) if name.startswith("\0") else name
            self.failures[key] = reason(error)
        return done

    def _update_task(
        self, old: Held, new: Entry, old_key: str | None = None
    ) -> Callable[[], object]:
        """PUT ``new`` onto ``old``'s credential; ``old_key`` when it is another key's
        (a move), which then lets it go. A move that changes nothing sends nothing."""
        owner = old_key or new.key

        def update() -> object:
            wanted = self.scope.wanted(new)
            client = self.api()
            unchanged = (old.hash1, old.hash1b) == (wanted.hash1, wanted.hash1b)
            if (
                old_key is not None
                and unchanged
                and old.entry.http_voice_v2_app_id == (new.http_voice_v2_app_id)
            ):
                self._moved(owner, old, new)
                return None
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
                if self.held.get(owner) is old:
                    self.held.pop(owner)
                return _GONE
            self.wrote = True
            self._moved(owner, old, new)
            return None

        return update

    def _moved(self, owner: str, old: Held, new: Entry) -> None:
        """``new`` now holds ``old``'s credential, which ``owner`` held until now."""
        if owner != new.key and self.held.get(owner) is old:
            self.held.pop(owner)
        self.held[new.key] = self.scope.held(new, old.credential_id)
        self.failures.pop(new.key, None)

    def _delete_task(self, key: str, old: Held) -> Callable[[], object]:
        def delete() -> object:
            self.delete_one(self.scope, old.bandwidth_key)
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
                self.delete_one(self.scope, old.bandwidth_key)
            except Exception:
                self.retired[old.bandwidth_key] = key
                raise
            self.wrote = True
            return None

        return retire

    def _unretire_task(self, bandwidth_key: str, key: str) -> Callable[[], object]:
        def unretire() -> object:
            self.delete_one(self.scope, bandwidth_key)
            self.retired.pop(bandwidth_key, None)
            return None

        return unretire

    def _take_over_task(self, entry: Entry) -> Callable[[], object]:
        """``adopt``: bring an existing credential under management and give it our hashes.
        A PUT cannot change a username's letter case nor clear a voice application: an
        existing credential that differs so is deleted and created again."""

        def take_over() -> object:
            wanted = self.scope.wanted(entry)
            client = self.api()
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
