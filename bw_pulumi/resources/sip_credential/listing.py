"""Refresh in pages: answer the reads of many credentials from a few list requests.

``pulumi refresh`` reads every resource. One GET per credential costs N requests; one list
page holds 500 credentials. This module serves reads from list pages under four rules,
per *scope* (the account's credentials, or one realm's):

* **A listing shows presence, never absence.** Bandwidth pages by offset (``page``,
  ``size``): when someone else deletes entries on a page already fetched, every later
  entry moves up, and the one that opened the next page is on no page this walk fetches.
  So an entry found in the listing is served, but a credential the listing does not show
  (complete or not) is read on its own GET, and only that GET's not-found reports it
  gone. The worst a race can cost is that GET; it never drops a living credential.
* **Never stale.** A listing lives only in this provider process, which the engine starts
  for one command, so it is never older than the refresh that reads it. Any write this
  process makes to a scope drops that scope's listing (the write waits for a page being
  fetched), so nothing read before a write is served after it.
* **At most a tenth dearer.** A read may fetch the next page only while the scope's
  requests (pages and single GETs, confirmations of absence included) stay below its
  reads so far plus one for every ``READS_PER_EXTRA_REQUEST`` (10) of them. A stack
  holding most of what the account holds therefore costs ceil(N/500) pages, plus one GET
  per credential really gone; a small stack in a large account costs at most one GET per
  credential plus a tenth, plus the first page. (No scheme can promise zero extra
  requests there: the first page is a bet placed before anything is known about the
  account's size.) The tenth is what lets a listing recover from a first page that held
  none of the stack: a stack holding the account's second 500 credentials costs the two
  pages and 9 GETs, not the page and 500 GETs a strict "within the reads" rule costs.
* **Identical results.** An entry is served only when it carries both hashes (else the
  credential is read on its own), so a read answers what its own GET would have. The
  caller still re-reads a credential it wrote moments ago, because Bandwidth's reads may
  lag just after a write.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from bw_pulumi.resources.sip_credential.models import Credential

FIRST_PAGE = "page=1&size=500"
#: The "at most a tenth dearer" allowance: one request beyond the reads per this many reads.
READS_PER_EXTRA_REQUEST = 10

PageFetcher = Callable[[str], tuple[tuple[Credential, ...], "str | None"]]
"""query -> (the page's credentials, the next page's query or None)."""


@dataclass
class _Scope:
    reads: int = 0
    requests: int = 0
    #: Reads announced ahead (:meth:`Listing.announce`), counted already.
    announced: int = 0
    entries: dict[str, Credential] = field(default_factory=dict)
    next_query: str | None = FIRST_PAGE
    fetched: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def may_fetch(self) -> bool:
        """The cost rule: one more request keeps requests within reads plus a tenth."""
        return self.requests < self.reads + self.reads // READS_PER_EXTRA_REQUEST

    def forget(self) -> None:
        self.entries, self.next_query, self.fetched = {}, FIRST_PAGE, set()


class Listing:
    """Per-scope listings shared by the reads of one provider process. Thread-safe."""

    def __init__(self) -> None:
        self._scopes: dict[Hashable, _Scope] = {}
        self._lock = threading.Lock()

    def read(
        self,
        scope: Hashable,
        key: str,
        *,
        fetch_page: PageFetcher,
        key_of: Callable[[Credential], str | None],
        read_one: Callable[[], Credential | None],
    ) -> Credential | None:
        """The credential with ``key`` in ``scope``, or None when it does not exist.

        None comes only from ``read_one``: a listing that lacks ``key`` may have lost it
        to entries shifting between pages, so it never decides that on its own."""
        state = self._scope(scope)
        with state.lock:
            if state.announced:
                state.announced -= 1
            else:
                state.reads += 1
            while True:
                hit = state.entries.get(key)
                if hit is not None:
                    if hit.hash1 and hit.hash1b:
                        return hit
                    break  # the list does not show what a read must: read it on its own
                if state.next_query is None or not state.may_fetch():
                    break  # not listed (yet): only its own read may say it is gone
                self._fetch_next(state, fetch_page, key_of)
            state.requests += 1
        return read_one()

    def announce(self, scope: Hashable, reads: int) -> None:
        """``reads`` reads of ``scope`` follow at once (a set reads every entry, on several
        threads): the cost rule counts them now, so the pages they justify are fetched for
        whichever read comes first, rather than each early read falling back to its own GET
        because the reads that would pay for the pages have not arrived yet."""
        state = self._scope(scope)
        with state.lock:
            state.reads += reads
            state.announced += reads

    def wrote(self, scope: Hashable) -> None:
        """This process changed ``scope`` at Bandwidth: its listing is out of date."""
        state = self._scope(scope)
        with state.lock:
            state.forget()

    def requests(self, scope: Hashable) -> int:
        """Requests spent on reads in ``scope`` so far (for tests and logs)."""
        return self._scope(scope).requests

    def _scope(self, scope: Hashable) -> _Scope:
        with self._lock:
            return self._scopes.setdefault(scope, _Scope())

    @staticmethod
    def _fetch_next(
        state: _Scope, fetch_page: PageFetcher, key_of: Callable[[Credential], str | None]
    ) -> None:
        query = state.next_query
        assert query is not None
        state.fetched.add(query)
        credentials, next_query = fetch_page(query)
        state.requests += 1
        for credential in credentials:
            key = key_of(credential)
            if key is not None:
                state.entries[key] = credential
        # A next link seen before would loop: the listing is complete.
        state.next_query = None if next_query in state.fetched else next_query
