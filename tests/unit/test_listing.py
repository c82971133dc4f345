"""Refresh in pages: the cost and freshness rules of bw_pulumi.resources.sip_credential.listing,
on a fake paged
account (the same reads through the provider against the sandbox, compared with one GET per
credential: tests/sandbox/test_listing.py)."""

from __future__ import annotations

from functools import cache

import pytest

from bw_pulumi.resources.sip_credential.listing import FIRST_PAGE, Listing
from bw_pulumi.resources.sip_credential.models import Credential


@cache
def credentials_named_in_order(size: int, hashes: bool) -> tuple[Credential, ...]:
    """u0..u{size-1}, built once per size: an account of 100,000 takes a while to build."""
    h = "a" * 32 if hashes else ""
    return tuple(Credential(f"u{i}", h, h) for i in range(size))


class Account:
    """A fake paged list of ``size`` credentials named u0..u{size-1}, counting requests."""

    def __init__(self, size: int, page_size: int = 500, hashes: bool = True) -> None:
        self.credentials = list(credentials_named_in_order(size, hashes))
        self.page_size = page_size
        self.pages = 0
        self.gets = 0
        self._index: tuple[list[Credential], int, dict[str, Credential]] | None = None

    def find(self, name: str) -> Credential | None:
        """What a GET of ``name`` answers now. By a name index, rebuilt whenever a test
        replaces the list or deletes from it: a scan of 100,000 per GET takes seconds."""
        index = self._index
        if index is None or index[0] is not self.credentials or index[1] != len(index[0]):
            by_name = {c.user_name: c for c in self.credentials}
            index = self._index = (self.credentials, len(self.credentials), by_name)
        return index[2].get(name)

    def fetch_page(self, query: str) -> tuple[tuple[Credential, ...], str | None]:
        self.pages += 1
        number = 1 if query == FIRST_PAGE else int(query.split("=")[1].split("&")[0])
        start = (number - 1) * self.page_size
        more = start + self.page_size < len(self.credentials)
        next_query = f"page={number + 1}&size={self.page_size}" if more else None
        return tuple(self.credentials[start : start + self.page_size]), next_query

    def read(self, listing: Listing, name: str) -> Credential | None:
        def read_one() -> Credential | None:
            self.gets += 1
            return self.find(name)

        return listing.read(
            "account",
            name,
            fetch_page=self.fetch_page,
            key_of=lambda c: c.user_name,
            read_one=read_one,
        )


def test_a_stack_holding_the_account_costs_a_page_per_500() -> None:
    account, listing = Account(1200), Listing()
    found = [account.read(listing, f"u{i}") for i in range(1200)]
    assert all(c is not None for c in found)
    assert (account.pages, account.gets) == (3, 0)


@pytest.mark.parametrize("stack_size", [1, 2, 5, 9, 40, 1000])
def test_a_small_stack_in_a_large_account_costs_at_most_a_tenth_more_than_its_gets(
    stack_size: int,
) -> None:
    account, listing = Account(100_000), Listing()
    names = [f"u{99_999 - i}" for i in range(stack_size)]  # all on the last pages
    assert all(account.read(listing, name) is not None for name in names)
    assert account.pages + account.gets <= stack_size + stack_size // 10 + 1
    if stack_size < 10:  # below ten reads, the first page is the only bet
        assert account.pages == 1


def test_a_stack_holding_the_second_page_costs_two_pages_and_nine_gets() -> None:
    """The account's first 500 credentials belong to another stack: after nine reads the
    allowance fetches page 2, which serves every other read."""
    account, listing = Account(1000), Listing()
    assert all(account.read(listing, f"u{i}") is not None for i in range(500, 1000))
    assert (account.pages, account.gets) == (2, 9)


def test_a_credential_missing_from_a_complete_listing_is_confirmed_gone_by_its_own_get() -> None:
    """Was (1, 0): a listing alone said "gone". Its own GET now says it, one per absentee."""
    account, listing = Account(10), Listing()
    assert account.read(listing, "u3") is not None
    assert account.read(listing, "nobody") is None
    assert (account.pages, account.gets) == (1, 1)


class ShiftingAccount(Account):
    """Someone else deletes the first ``deleted`` credentials as page 1 is served: every
    later entry moves up, and page 2 starts further on than the reader expects."""

    def __init__(self, size: int, deleted: int) -> None:
        super().__init__(size)
        self.deleted = deleted

    def fetch_page(self, query: str) -> tuple[tuple[Credential, ...], str | None]:
        served = super().fetch_page(query)
        if query == FIRST_PAGE:
            del self.credentials[: self.deleted]
        return served


def test_entries_shifted_off_the_pages_are_read_on_their_own_not_reported_gone() -> None:
    """Issue 16's race: ours u600-u1199 after another stack's 600, 300 of those deleted as
    page 1 is served. Page 2 then shows u800-u1199 only; u600-u799 are on no page."""
    account, listing = ShiftingAccount(1200, deleted=300), Listing()
    found = [account.read(listing, f"u{i}") for i in range(600, 1200)]
    assert [c is not None for c in found] == [True] * 600
    # 1 page, 9 GETs until the allowance reaches page 2, then one GET for each of the
    # 191 that page 2 did not show: u609-u799.
    assert (account.pages, account.gets) == (2, 9 + 191)


def test_a_credential_deleted_between_page_fetches_is_reported_gone() -> None:
    account, listing = ShiftingAccount(1200, deleted=300), Listing()
    assert account.read(listing, "u1100") is not None  # page 1, then a GET
    account.credentials = [c for c in account.credentials if c.user_name not in {"u700", "u1199"}]
    answers = {f"u{i}": account.read(listing, f"u{i}") for i in range(600, 1200)}
    assert {name for name, found in answers.items() if found is None} == {"u700", "u1199"}


@pytest.mark.parametrize(("size", "deleted"), [(1200, 300), (1200, 600), (3000, 1000), (40, 5)])
def test_confirming_absence_keeps_the_cost_within_the_reads_plus_a_tenth(
    size: int, deleted: int
) -> None:
    """However many entries a race hides, every read costs at most one GET, and a page is
    fetched only within the allowance: reads + reads // 10, plus the first page."""
    account, listing = ShiftingAccount(size, deleted), Listing()
    reads = [f"u{i}" for i in range(size // 2, size)]
    assert all(account.read(listing, name) is not None for name in reads)
    assert account.pages + account.gets <= len(reads) + len(reads) // 10 + 1


def test_entries_without_hashes_are_read_on_their_own() -> None:
    account, listing = Account(10, hashes=False), Listing()
    assert account.read(listing, "u3") is not None
    assert account.gets == 1


def test_a_write_drops_the_listing() -> None:
    account, listing = Account(10), Listing()
    account.read(listing, "u1")
    listing.wrote("account")
    account.credentials[2] = Credential("u2", "b" * 32, "b" * 32)
    fresh = account.read(listing, "u2")
    assert fresh is not None and fresh.hash1 == "b" * 32


# -- through the provider, against the sandbox ------------------------------------------------
