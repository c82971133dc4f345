"""Bandwidth's paged lists: ``page`` and ``size`` in the query, ``Links/next`` in the body,
and a 303 for a list asked for without ``page``. Generic over what a page holds: each
resource's ``xml`` module decodes its own pages into a :class:`Page`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from bw_pulumi.api.http_guard import see_other
from bw_pulumi.api.transport import Absent, Transport

T = TypeVar("T")
#: A walk longer than this is a loop the links did not reveal.
MAX_PAGES = 10_000
_log = logging.getLogger("bw_pulumi")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and the link to the next one (None after the last)."""

    items: tuple[T, ...]
    next_url: str | None


Decode = Callable[[bytes], Page[T]]


def iter_pages(
    transport: Transport, url: str, query: str, absent: Absent, decode: Decode[T]
) -> Iterator[T]:
    """Every entry of a paged list, following Bandwidth's 303 and ``Links/next``.

    A link seen twice ends the walk, and so does a walk longer than :data:`MAX_PAGES`.
    """
    next_query: str | None = query
    seen: set[str] = set()
    while next_query is not None and next_query not in seen and len(seen) < MAX_PAGES:
        seen.add(next_query)
        items, next_query = fetch_page(transport, url, next_query, absent, decode)
        yield from items


def fetch_page(
    transport: Transport, url: str, query: str, absent: Absent, decode: Decode[T]
) -> tuple[tuple[T, ...], str | None]:
    """One page of a list and the query of the next one (None after the last).

    From a next link only the query is taken and applied to our own URL, so credentials
    never go to another host. Bandwidth's documented 303 (a list without ``page``) is the
    one redirect the client follows, once, and only to the same origin
    (:func:`~bw_pulumi.api.http_guard.see_other`). An absent list (``absent``) is an empty
    last page.
    """
    response = transport.call(
        "GET", url + (f"?{query}" if query else ""), absent=absent, accept=(200, 303)
    )
    if response is not None and response.status_code == 303:
        response = transport.call("GET", see_other(response), absent=absent)
    if response is None:
        return (), None
    page = transport.decode(response, decode)
    _log.info("listed %s?%s: %d entries", urlsplit(url).path, query, len(page.items))
    return page.items, (urlsplit(page.next_url).query if page.next_url else None)
