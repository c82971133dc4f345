"""Refresh in pages: answer the reads of many credentials from a few list requests.

``pulumi refresh`` reads every resource. One GET per credential costs N requests; one list
page holds 500 credentials. This module serves reads from list pages under three rules,
per *scope* (the account's credentials, or one realm's):

* **Never stale.** A listing lives only in this provider process, which the engine starts
  for one command, so it is never older than the refresh that reads it. Any write this
  process makes to a scope drops that scope's listing (the write waits for a page being
  fetched), so nothing read before a write is served after it.
* **Never dearer.** A read may fetch the next page only while the scope's requests (pages
  and single GETs) stay within its reads so far. A stack holding most of what the account
  holds therefore costs ceil(N/500) pages; a small stack in a large account costs one GET
  per credential, plus at most the one page that showed listing does not pay. (No scheme
  can promise zero extra requests there: the first page is a bet placed before anything
  is known about the account's size.)
* **Identical results.** An entry is served only when it carries both hashes (else the
  credential is read on its own); a credential absent from a complete, fresh listing is
  gone, exactly as its own GET would have said. The caller still re-reads a credential it
  wrote moments ago, because Bandwidth's reads may lag just after a write.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from bw_pulumi.models import Credential

FIRST_PAGE = "page=1&size=500"

PageFetcher = Callable[[str], tuple[tuple[Credential, ...], "str | None"]]
"""query -> (the page's credentials, the next page's query or None)."""


@dataclass
class _Scope:
    reads: int = 0
    requests: int = 0
    entries: dict[str, Credential] = field(default_factory=dict)
    next_query: str | None = FIRST_PAGE
    fetched: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

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
        """The credential with ``key`` in ``scope``, or None when it does not exist."""
        state = self._scope(scope)
        with state.lock:
            state.reads += 1
            while True:
                hit = state.entries.get(key)
                if hit is not None:
                    if hit.hash1 and hit.hash1b:
                        return hit
                    break  # the list does not show what a read must: read it on its own
                if state.next_query is None:
                    return None
                if state.requests >= state.reads:
                    break
                self._fetch_next(state, fetch_page, key_of)
            state.requests += 1
        return read_one()

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
