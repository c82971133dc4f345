"""The behaviours the client relies on, checked where ``live_api`` points: a fresh sandbox by
default, Bandwidth itself with ``BW_LIVE=1`` and credentials (docs/bandwidth-api.md,
"Checking the sandbox against the real API").

Each test names the entry of docs/bandwidth-api.md it checks and that entry's source mark.
Every name is unique (``unique_name``), everything created is deleted at teardown even when
the test fails, and no hash or password is ever part of an assertion's text. After a green
``BW_LIVE=1`` run a maintainer adds **[live✓ YYYY-MM-DD]** to the docstrings and the entries
(docs/bandwidth-api.md §10): none has been run against Bandwidth by this project yet."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.support.live import LiveApi, unique_name
from tests.support.live_checks import (
    Cleanup,
    Exchange,
    LiveClient,
    account_realm,
    cleanup_list,
    live_client,
    wait_for,
)

from bw_pulumi import compute_hashes
from bw_pulumi.api.errors import BandwidthApiError
from bw_pulumi.api.xml import decode_error
from bw_pulumi.resources.sip_credential.models import Credential
from bw_pulumi.resources.sip_credential.rules import SipHashes
from bw_pulumi.resources.sip_realm.models import Realm, RealmSettings, RealmStatus

pytestmark = pytest.mark.live

DOMAIN = "live.bw-pulumi.example.com"
#: Hashes need a realm; with none given, the account's default realm is only known once a
#: credential is read back (the rotation then uses the realm Bandwidth reports).
PLACEHOLDER_REALM = "account-default.invalid"
#: A realm no account has: a create naming it is refused (23018).
UNKNOWN_REALM = "no-such-realm.invalid"
#: Against Bandwidth, how long a realm-scoped read may lag behind a PUT.
READ_LAG_SECONDS = 30.0
_FQDN_TAIL = r"-[0-9a-f]+\.auth\.bandwidth\.com"


@pytest.fixture
def client(live_api: LiveApi) -> LiveClient:
    return live_client(live_api)


@pytest.fixture
def cleanup(client: LiveClient) -> Iterator[Cleanup]:
    yield from cleanup_list(client)


def password() -> str:
    return secrets.token_urlsafe(18)


def hash_mismatch(got: Credential, sent: Credential) -> str:
    """What differs between two credentials' hashes, in words: never the values."""
    if not got.hash1b:
        return "the read has no Hash1b (the spec's shape, not the reference's)"
    if got.hash1.lower() != sent.hash1.lower():
        return "Hash1 is not the one sent"
    if got.hash1b.lower() != sent.hash1b.lower():
        return "Hash1b is not the one sent"
    return ""


def hex_of(*computed: SipHashes) -> list[str]:
    return [h for hashes in computed for h in (hashes.hash1, hashes.hash1b)]


def envelope_codes(exchange: Exchange) -> tuple[str, ...]:
    """The codes of a 404 in Bandwidth's XML envelope; fails unless it is one."""
    assert exchange.status == 404, f"{exchange.method} {exchange.path_and_query}"
    assert "xml" in exchange.content_type, exchange.content_type
    detail = decode_error(exchange.error_body)
    assert detail.has_envelope, "a 404 without ResponseStatus"
    return detail.codes


# -- account-level credentials (docs §3) ---------------------------------------------------


def test_account_credential_lifecycle(
    live_api: LiveApi, client: LiveClient, cleanup: Cleanup
) -> None:
    """§3 Create/Read/Update/Delete **[ref] [spec]**, hashes per §1 (Hash1, Hash1b **[ref]
    [cli]**): a create with hashes from ``compute_hashes`` reads back its UserName, Domain,
    Realm and exactly those hashes; a PUT rotates them; a DELETE answers 2xx and a GET then
    404 with 23007, and a second DELETE finds it already gone."""
    api = client.api.credentials
    name, realm = unique_name("live-cred"), account_realm(live_api)
    hashes = compute_hashes(name, password(), realm or PLACEHOLDER_REALM, DOMAIN)
    sent = Credential(name, hashes.hash1, hashes.hash1b, domain=DOMAIN, realm=realm)
    cleanup.account_credential(hashes.composite_username)

    api.create_credential(sent)
    got = api.get_credential(hashes.composite_username)

    assert got is not None
    assert (got.user_name, got.domain) == (name, DOMAIN)
    assert got.realm, "the read names no Realm"
    if realm is not None:
        assert got.realm.casefold() == realm.casefold()
    assert not hash_mismatch(got, sent), hash_mismatch(got, sent)

    rotated = compute_hashes(name, password(), got.realm, DOMAIN)
    new = Credential(name, rotated.hash1, rotated.hash1b, domain=DOMAIN, realm=got.realm)
    api.update_credential(new)
    after = api.get_credential(hashes.composite_username)
    assert after is not None
    assert not hash_mismatch(after, new), hash_mismatch(after, new)

    assert api.delete_credential(hashes.composite_username) is True
    assert api.get_credential(hashes.composite_username) is None
    assert "23007" in envelope_codes(client.last("GET", "sipcredentials"))
    assert api.delete_credential(hashes.composite_username) is False


def test_bulk_create_is_judged_entry_by_entry(
    live_api: LiveApi, client: LiveClient, cleanup: Cleanup
) -> None:
    """§3 Create **[ref] [spec]**: one valid entry and one naming an unknown realm (23018
    **[ref] [spec]**) answer 201 with both ``ValidSipCredentials`` and ``Errors``; only the
    valid entry is created. (The realm-scoped form, "a 201 may still carry Errors", is
    **[cli✓]**: see the realm credential test.)"""
    api = client.api.credentials
    realm = account_realm(live_api)
    good_name, bad_name = unique_name("live-good"), unique_name("live-bad")
    good_hashes = compute_hashes(good_name, password(), realm or PLACEHOLDER_REALM)
    bad_hashes = compute_hashes(bad_name, password(), UNKNOWN_REALM)
    good = Credential(good_name, good_hashes.hash1, good_hashes.hash1b, realm=realm)
    bad = Credential(bad_name, bad_hashes.hash1, bad_hashes.hash1b, realm=UNKNOWN_REALM)
    cleanup.account_credential(good_name)
    cleanup.account_credential(bad_name)

    result = api.create_credentials([good, bad])

    assert result.http_status == 201
    assert [c.composite_username.casefold() for c in result.created] == [good_name]
    assert [(e.code, (e.composite_username or "").casefold()) for e in result.errors] == [
        ("23018", bad_name)
    ]
    assert api.get_credential(good_name) is not None
    assert api.get_credential(bad_name) is None


def test_duplicate_username_is_refused_whatever_its_case(
    live_api: LiveApi, client: LiveClient, cleanup: Cleanup
) -> None:
    """§1 Field rules, uniqueness: composite usernames are unique case-insensitively, a
    duplicate is refused with 23009 **[cli✓]**; the refusal shows no hash (§1, scrubbing
    **[ours, client]**) and the first credential keeps its hashes."""
    api = client.api.credentials
    realm = account_realm(live_api)
    name = unique_name("live-dup")
    first_hashes = compute_hashes(name, password(), realm or PLACEHOLDER_REALM)
    first = Credential(name, first_hashes.hash1, first_hashes.hash1b, realm=realm)
    shouted = name.upper()
    second_hashes = compute_hashes(shouted, password(), realm or PLACEHOLDER_REALM)
    second = Credential(shouted, second_hashes.hash1, second_hashes.hash1b, realm=realm)
    cleanup.account_credential(name)
    cleanup.account_credential(shouted)
    api.create_credential(first)

    with pytest.raises(BandwidthApiError) as refused:
        api.create_credential(second)

    assert "23009" in refused.value.codes, str(refused.value)
    shown = str(refused.value).lower()
    leaked = any(h in shown for h in hex_of(first_hashes, second_hashes))
    assert not leaked, "the refusal shows a hash"
    kept = api.get_credential(name)
    assert kept is not None and not hash_mismatch(kept, first), "the first credential changed"


def test_a_list_without_page_is_redirected_and_pages_follow_links(
    live_api: LiveApi, client: LiveClient, cleanup: Cleanup
) -> None:
    """§3 List: without ``page`` the API answers 303 to ``?page=1&size=500`` **[cli✓]**, on
    the same origin (§6 Transport **[cli✓]**), which the client follows; pages are linked by
    ``Links/next`` **[ref]**, and a fragment filter (3-64 characters **[spec]**) holds on
    every page."""
    api = client.api.credentials
    realm = account_realm(live_api)
    stem = unique_name("live-list")
    names = [f"{stem}-{n}" for n in range(3)]
    for name in names:
        cleanup.account_credential(name)
        hashes = compute_hashes(name, password(), realm or PLACEHOLDER_REALM)
        api.create_credential(Credential(name, hashes.hash1, hashes.hash1b, realm=realm))

    first_page, _ = api.credentials_page("")
    redirect, followed = client.exchanges[-2:]
    assert (redirect.method, redirect.status) == ("GET", 303)
    assert urlsplit(redirect.url).query == ""
    assert redirect.location is not None
    asked = parse_qs(urlsplit(followed.url).query)
    assert (asked.get("page"), asked.get("size")) == (["1"], ["500"]), redirect.location
    assert (followed.method, followed.status) == ("GET", 200)
    assert urlsplit(followed.url)[:2] == urlsplit(redirect.url)[:2]
    assert first_page, "the first page is empty although this test created three credentials"

    listed = api.list_credentials(user_name_fragment=stem)
    assert sorted(c.user_name.casefold() for c in listed) == names

    pages: list[list[str]] = []
    query: str | None = urlencode({"userNamefragment": stem, "page": "1", "size": "2"})
    while query is not None and len(pages) < 5:
        page, query = api.credentials_page(query)
        pages.append([c.user_name.casefold() for c in page])
    assert len(pages) == 2, f"page sizes {[len(p) for p in pages]}"
    assert len(pages[0]) == 2
    assert sorted(name for page in pages for name in page) == names


# -- realms and realm-scoped credentials (docs §4) -----------------------------------------


def require_standing_default_realm(live_api: LiveApi, client: LiveClient) -> None:
    """A realm this test creates must not become the account's default: the default cannot
    be deleted (33006 **[ref] [spec]**), so it could not be cleaned up. In the sandbox an
    account's first realm becomes its default **[ours, sandbox]**, so the sandbox gets a
    default realm of its own first, as a real account has."""
    if live_api.sandbox is not None:
        live_api.sandbox.add_realm_out_of_band(unique_name("standing"), default=True)
        return
    if not any(realm.default for realm in client.api.realms.list_realms()):
        pytest.skip(
            "the account has no default realm: one this test created could become it and"
            " could not be deleted (33006); make a realm the default first"
        )


def create_active_realm(live_api: LiveApi, client: LiveClient, cleanup: Cleanup) -> Realm:
    """A new realm, registered for clean-up, once it is ACTIVE (a bounded wait)."""
    require_standing_default_realm(live_api, client)
    realms = client.api.realms
    name = unique_name("live-realm")
    created = realms.create_realm(RealmSettings(name, "bw-pulumi live test", default=False))
    cleanup.realm(created.id)
    assert created.status == RealmStatus.CREATE_PENDING
    assert re.fullmatch(re.escape(name) + _FQDN_TAIL, created.fqdn, re.IGNORECASE), created.fqdn
    assert created.default is False
    active = wait_for(
        lambda: realms.get_realm(created.id),
        lambda realm: realm is None or realm.status != RealmStatus.CREATE_PENDING,
        what=f"realm {created.id} leaving CREATE_PENDING",
        sleep=client.sleep,
    )
    assert active is not None and active.status == RealmStatus.ACTIVE
    assert active.fqdn == created.fqdn
    return active


def test_a_realm_becomes_active_and_its_delete_completes_later(
    live_api: LiveApi, client: LiveClient, cleanup: Cleanup
) -> None:
    """§4 Realms: a new realm is CREATE_PENDING, then ACTIVE **[ref] [spec]**; its FQDN is
    ``name-<hex>.auth.bandwidth.com`` **[ref]**; DELETE answers 202 and completes later
    **[ref] [cli✓] [spec]** (DELETE_PENDING meanwhile **[ref] [spec]**); a realm that does
    not exist is 404 in Bandwidth's envelope **[cli✓]** (33001 on DELETE **[spec]**), which
    the client reads as gone."""
    realms = client.api.realms
    realm = create_active_realm(live_api, client, cleanup)

    assert realms.delete_realm(realm.id) is True
    assert client.last("DELETE", f"realms/{realm.id}").status == 202
    seen: list[str] = []

    def status() -> Realm | None:
        current = realms.get_realm(realm.id)
        seen.append("gone" if current is None else current.status)
        return current

    wait_for(
        status,
        lambda current: current is None,
        what=f"realm {realm.id} going away",
        sleep=client.sleep,
    )
    assert set(seen) <= {RealmStatus.DELETE_PENDING, "gone"}, seen
    envelope_codes(client.last("GET", f"realms/{realm.id}"))
    assert realms.delete_realm(realm.id) is False


def test_realm_credential_lifecycle(
    live_api: LiveApi, client: LiveClient, cleanup: Cleanup
) -> None:
    """§4 Realm-scoped credentials **[ref] [spec]**: in an ACTIVE realm a credential is
    created with hashes for the realm's FQDN and gets an ``Id``; a PUT carries ``RealmId``
    and no ``UserName`` **[ref] [spec]** and keeps the id **[ref]**; a duplicate in another
    letter case is refused with 23026 and no hash shown **[cli✓]**; after DELETE a GET is
    404 in Bandwidth's envelope, with or without 23025 **[cli✓]**."""
    api = client.api.realm_credentials
    realm = create_active_realm(live_api, client, cleanup)
    name = unique_name("live-rc")
    hashes = compute_hashes(name, password(), realm.fqdn)

    created = api.create_credential(realm.id, Credential(name, hashes.hash1, hashes.hash1b))
    assert created.id
    cleanup.realm_credential(realm.id, created.id)
    got = api.get_credential_after_write(realm.id, created.id)
    assert got is not None and got.user_name == name
    sent = Credential(name, hashes.hash1, hashes.hash1b)
    assert not hash_mismatch(got, sent), hash_mismatch(got, sent)

    rotated = compute_hashes(name, password(), realm.fqdn)
    new = Credential(name, rotated.hash1, rotated.hash1b)
    api.update_credential(realm.id, created.id, new)
    put = client.last("PUT", f"sipcredentials/{created.id}")
    assert "RealmId" in put.sent_elements and "UserName" not in put.sent_elements
    after = wait_for(
        lambda: api.get_credential(realm.id, created.id),
        lambda read: read is not None and not hash_mismatch(read, new),
        what=f"credential {created.id} reading its new hashes",
        sleep=client.sleep,
        limit_seconds=READ_LAG_SECONDS,
    )
    assert after is not None and after.id == created.id

    shouted = compute_hashes(name.upper(), password(), realm.fqdn)
    with pytest.raises(BandwidthApiError) as refused:
        duplicate = api.create_credential(
            realm.id, Credential(name.upper(), shouted.hash1, shouted.hash1b)
        )
        cleanup.realm_credential(realm.id, duplicate.id or "")
    assert "23026" in refused.value.codes, str(refused.value)
    shown = str(refused.value).lower()
    leaked = any(h in shown for h in hex_of(rotated, shouted))
    assert not leaked, "the refusal shows a hash"

    assert api.delete_credential(realm.id, created.id) is True
    assert api.get_credential(realm.id, created.id) is None
    assert set(envelope_codes(client.last("GET", f"sipcredentials/{created.id}"))) <= {"23025"}
    assert api.delete_credential(realm.id, created.id) is False
