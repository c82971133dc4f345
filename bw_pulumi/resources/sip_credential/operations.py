"""The SIP credential's lifecycle (check, diff, create, read, update, delete), free of any
Pulumi front door.

Two kinds of credential share it:

* **account-level** (the Network Bridge flow): keyed by composite username, which is the
  resource id;
* **realm-scoped** (``realm_id`` set; the SIP Registrar flow): a numeric credential id in a
  realm created through the realms API; the resource id is ``{realm_id}/{credential_id}``.
  ``realm`` must be that realm's FQDN exactly as the API reports it, since it goes into
  the hashes; realm-scoped credentials have no domain.

Reads during ``pulumi refresh`` are served from list pages where that is cheaper (see
:mod:`~bw_pulumi.resources.sip_credential.listing`), but only the credential's own GET
ever reports it gone: a listing may have lost it to someone else's deletes shifting the
pages. Reads may lag just after a write to a realm-scoped credential, also across
processes (a ``pulumi
refresh`` right after ``pulumi up``), so its outputs record when it was last written
(``last_write``, seconds since the epoch) and a read that answers not-found within
:data:`READ_LAG_HORIZON_SECONDS` of that is re-read, bounded, before the credential is
declared gone.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bw_pulumi.api import codes
from bw_pulumi.api.errors import BandwidthApiError
from bw_pulumi.api.transport import validate_path_segment
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.derived import Validator, check_inputs, diff_inputs
from bw_pulumi.resources.lifecycle import (
    Checked,
    Created,
    Failure,
    Found,
    Plan,
    Props,
    is_unknown,
    known,
    without_none,
)
from bw_pulumi.resources.rules import validate_id_segment
from bw_pulumi.resources.sip_credential.account_api import AccountCredentialsApi
from bw_pulumi.resources.sip_credential.definition import SIP_CREDENTIAL
from bw_pulumi.resources.sip_credential.listing import Listing
from bw_pulumi.resources.sip_credential.models import Credential
from bw_pulumi.resources.sip_credential.realm_api import RealmCredentialsApi
from bw_pulumi.resources.sip_credential.rules import (
    SipHashes,
    composite_username,
    compute_hashes,
    same_composite,
    validate_app_id,
    validate_domain,
    validate_password,
    validate_realm,
    validate_username,
)

ADOPT = "adopt"
LAST_WRITE = "last_write"
#: How long after a write a not-found read of a realm-scoped credential may be the API's
#: read-after-write lag rather than a deletion.
READ_LAG_HORIZON_SECONDS = 120.0

_VALIDATORS: Mapping[str, Validator] = {
    "username": validate_username,
    "password": validate_password,
    "realm": validate_realm,
    "domain": validate_domain,
    "http_voice_v2_app_id": validate_app_id,
    "realm_id": lambda value: validate_id_segment("realm_id", value),
}
_log = logging.getLogger("bw_pulumi")


@dataclass(frozen=True)
class DesiredCredential:
    """The resource's inputs, checked and typed."""

    username: str
    password: str = field(repr=False)
    realm: str
    domain: str | None = None
    http_voice_v2_app_id: str | None = None
    realm_id: str | None = None
    adopt: bool = False

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> DesiredCredential:
        return cls(
            username=props["username"],
            password=props["password"],
            realm=props["realm"],
            domain=props.get("domain") or None,
            http_voice_v2_app_id=props.get("http_voice_v2_app_id") or None,
            realm_id=props.get("realm_id") or None,
            adopt=bool(props.get(ADOPT)),
        )

    @cached_property
    def hashes(self) -> SipHashes:
        return compute_hashes(self.username, self.password, self.realm, self.domain)

    def to_api(self) -> Credential:
        hashes = self.hashes
        return Credential(
            user_name=self.username,
            domain=self.domain,
            hash1=hashes.hash1,
            hash1b=hashes.hash1b,
            realm=self.realm,
            http_voice_v2_app_id=self.http_voice_v2_app_id,
            realm_id=self.realm_id,
        )

    def outputs(self, credential_id: str | None = None, last_write: float | None = None) -> Props:
        hashes = self.hashes
        return without_none(
            {
                "username": self.username,
                "password": self.password,
                "realm": self.realm,
                "domain": self.domain,
                "http_voice_v2_app_id": self.http_voice_v2_app_id,
                "realm_id": self.realm_id,
                ADOPT: True if self.adopt else None,
                "composite_username": hashes.composite_username,
                "hash1": hashes.hash1,
                "hash1b": hashes.hash1b,
                "credential_id": credential_id,
                LAST_WRITE: last_write,
            }
        )


class CredentialOperations:
    """CRUD for one SIP credential, account-level or realm-scoped.

    ``api`` gives the (lazily built, shared) client; ``now`` is the wall clock, injected.
    Thread-safe: the engine calls hooks for many resources at once.
    """

    def __init__(
        self, api: Callable[[], BandwidthClient], now: Callable[[], float] = time.time
    ) -> None:
        self._api = api
        self._now = now
        self._realm_fqdns: dict[str, str] = {}
        self._lock = threading.Lock()
        self._listing = Listing()

    # -- check and diff: no API calls ---------------------------------------------------------

    def check(self, olds: Props, news: Props) -> Checked:
        """The definition's checks (:func:`~bw_pulumi.resources.derived.check_inputs`),
        without any API call (unknown values at preview pass through), and no domain on a
        realm-scoped credential."""
        checked = check_inputs(SIP_CREDENTIAL, news, _VALIDATORS)
        if "realm_id" in checked.inputs and "domain" in checked.inputs:
            checked.failures.append(
                Failure(
                    "domain",
                    "domain: a realm-scoped credential (realm_id set) has no domain;"
                    " drop domain, or drop realm_id for an account-level credential",
                )
            )
        return checked

    def diff(self, olds: Props, news: Props) -> Plan:
        """Pure comparison of the state (as last created or refreshed) with the inputs: the
        definition's diff (:func:`~bw_pulumi.resources.derived.diff_inputs`), plus hashes
        changed at Bandwidth, a voice application removed (Bandwidth's PUT cannot clear it:
        the credential is recreated), and delete-first when old and new share a key."""
        plan = diff_inputs(SIP_CREDENTIAL, olds, news)
        if not plan.changes and _hashes_drifted(olds, news):
            plan = plan.plus(changed=["hash1", "hash1b"])
        if olds.get("http_voice_v2_app_id") and not news.get("http_voice_v2_app_id"):
            plan = plan.plus(replaces=["http_voice_v2_app_id"])
        return plan.delete_first_if(_same_key(olds, news))

    # -- create, read, update, delete ---------------------------------------------------------

    def create(self, props: Props) -> Created:
        desired = DesiredCredential.from_props(props)
        if desired.realm_id is not None:
            return self._create_in_realm(desired, desired.realm_id)
        wanted = desired.to_api()
        api = self._api().credentials
        self._listing.wrote(ACCOUNT_SCOPE)
        try:
            api.create_credential(wanted)
        except BandwidthApiError as error:
            if not error.has_code(codes.CREDENTIAL_EXISTS):
                raise
            if not desired.adopt:
                raise _adopt_hint(error) from None
            self._take_over(api, wanted)
        finally:
            self._listing.wrote(ACCOUNT_SCOPE)
        return Created(desired.hashes.composite_username, desired.outputs())

    def read(self, id_: str, props: Props) -> Found:
        """Live values; an id of None tells the engine the credential is gone, which only
        its own GET decides (account level: 404 with 23007; in a realm: not-found in
        Bandwidth's envelope), never its absence from a listing."""
        realm_key = _split_realm_id(id_)
        if realm_key is not None:
            return self._read_in_realm(id_, *realm_key, props)
        api = self._api().credentials
        live = self._listing.read(
            ACCOUNT_SCOPE,
            id_.casefold(),
            fetch_page=api.credentials_page,
            key_of=lambda credential: credential.composite_username.casefold(),
            read_one=lambda: api.get_credential(id_),
        )
        if live is None:
            return Found(None, {})
        return Found(id_, {**_kept(props), **_live_outputs(live, props)})

    def update(self, id_: str, olds: Props, news: Props) -> Props:
        desired = DesiredCredential.from_props(news)
        realm_key = _split_realm_id(id_)
        if realm_key is not None:
            return self._update_in_realm(desired, *realm_key, olds)
        wanted = desired.to_api()
        api = self._api().credentials
        self._listing.wrote(ACCOUNT_SCOPE)
        try:
            api.update_credential(wanted)
        except BandwidthApiError as error:
            if not error.is_not_found:
                raise
            api.create_credential(wanted)  # deleted out of band since the last refresh
        finally:
            self._listing.wrote(ACCOUNT_SCOPE)
        return desired.outputs()

    def delete(self, id_: str, props: Props) -> None:
        realm_key = _split_realm_id(id_)
        scope = _realm_scope(realm_key[0]) if realm_key is not None else ACCOUNT_SCOPE
        self._listing.wrote(scope)
        try:
            if realm_key is not None:
                self._api().realm_credentials.delete_credential(*realm_key)
            else:
                self._api().credentials.delete_credential(id_)
        finally:
            self._listing.wrote(scope)

    # -- account-level helpers ----------------------------------------------------------------

    @staticmethod
    def _take_over(api: AccountCredentialsApi, wanted: Credential) -> None:
        """``adopt=True``: bring an existing credential under management, then make it ours.

        A PUT can change hashes and realm but not the username's letter case nor clear a
        voice application; an existing credential that differs so is recreated instead, or
        the next refresh would show drift that only a replacement could settle.
        """
        existing = api.get_credential(wanted.composite_username)
        if existing is not None and _put_cannot_reach(existing, wanted):
            api.delete_credential(existing.composite_username)
            existing = None
        if existing is None:
            api.create_credential(wanted)
        elif existing != wanted:
            api.update_credential(wanted)
        _log.warning("adopted existing SIP credential %s", wanted.composite_username)

    # -- realm-scoped helpers -----------------------------------------------------------------

    def _create_in_realm(self, desired: DesiredCredential, realm_id: str) -> Created:
        self._require_realm_fqdn(realm_id, desired.realm)
        realms = self._api().realm_credentials
        wanted = desired.to_api()
        self._listing.wrote(_realm_scope(realm_id))
        try:
            created = realms.create_credential(realm_id, wanted)
        except BandwidthApiError as error:
            if error.has_code(codes.REALM_NOT_ACTIVE):
                raise error.with_hint(f"realm {realm_id} is not ACTIVE yet") from None
            if not error.has_code(codes.REALM_CREDENTIAL_EXISTS):
                raise
            if not desired.adopt:
                raise _adopt_hint(error) from None
            created = self._take_over_in_realm(realm_id, wanted)
        finally:
            self._listing.wrote(_realm_scope(realm_id))
        assert created.id is not None, "Bandwidth returned a realm-scoped credential without Id"
        return Created(f"{realm_id}/{created.id}", desired.outputs(created.id, self._now()))

    def _take_over_in_realm(self, realm_id: str, wanted: Credential) -> Credential:
        realms = self._api().realm_credentials
        existing = realms.find_credential(realm_id, wanted.user_name)
        if existing is not None and existing.user_name != wanted.user_name and existing.id:
            realms.delete_credential(realm_id, existing.id)  # a PUT cannot change the case
            existing = None
        if existing is None or existing.id is None:
            return realms.create_credential(realm_id, wanted)
        realms.update_credential(realm_id, existing.id, wanted)
        _log.warning("adopted existing SIP credential %s in realm %s", wanted.user_name, realm_id)
        return existing

    def _read_in_realm(self, id_: str, realm_id: str, credential_id: str, props: Props) -> Found:
        realms = self._api().realm_credentials
        live = self._listing.read(
            _realm_scope(realm_id),
            credential_id,
            fetch_page=lambda query: realms.credentials_page(realm_id, query),
            key_of=lambda credential: credential.id,
            read_one=lambda: realms.get_credential(realm_id, credential_id),
        )
        if live is None and self._recently_written(props):
            live = realms.get_credential_after_write(realm_id, credential_id)
        if live is None:
            return Found(None, {})
        outputs = _live_outputs(live, props)
        outputs.update(realm_id=realm_id, credential_id=credential_id)
        last_write = props.get(LAST_WRITE)
        return Found(id_, {**_kept(props), **outputs, **without_none({LAST_WRITE: last_write})})

    def _update_in_realm(
        self, desired: DesiredCredential, realm_id: str, credential_id: str, olds: Props
    ) -> Props:
        self._require_realm_fqdn(realm_id, desired.realm)
        realms = self._api().realm_credentials
        self._listing.wrote(_realm_scope(realm_id))
        try:
            self._put_in_realm(realms, realm_id, credential_id, desired, olds)
        finally:
            self._listing.wrote(_realm_scope(realm_id))
        return desired.outputs(credential_id, self._now())

    def _put_in_realm(
        self,
        realms: RealmCredentialsApi,
        realm_id: str,
        credential_id: str,
        desired: DesiredCredential,
        olds: Props,
    ) -> None:
        try:
            realms.update_credential(realm_id, credential_id, desired.to_api())
        except BandwidthApiError as error:
            if error.status != 404:
                raise
            if not self._recently_written(olds) or (
                realms.get_credential_after_write(realm_id, credential_id) is None
            ):
                raise BandwidthApiError(
                    f"SIP credential {credential_id} in realm {realm_id} was deleted outside"
                    " Pulumi; run `pulumi refresh` to drop it, then `pulumi up` recreates it",
                    status=404,
                ) from None
            realms.update_credential(realm_id, credential_id, desired.to_api())

    def _require_realm_fqdn(self, realm_id: str, realm: str) -> None:
        """``realm`` goes into the hashes: it must be the realm's FQDN exactly as the API
        reports it. A realm's FQDN never changes, so it is looked up once per process."""
        with self._lock:
            fqdn = self._realm_fqdns.get(realm_id)
        if fqdn is None:
            found = self._api().realms.get_realm(realm_id)
            if found is None:
                raise BandwidthApiError(
                    f"realm_id: Bandwidth has no realm {realm_id!r} on this account", status=404
                )
            fqdn = found.fqdn
            with self._lock:
                self._realm_fqdns[realm_id] = fqdn
        if realm != fqdn:
            raise BandwidthApiError(
                f"realm: {realm!r} is not the FQDN of realm {realm_id} ({fqdn!r}); the hashes"
                " must use it exactly: pass realm=<the SipRealm>.fqdn"
            )

    def _recently_written(self, props: Mapping[str, Any]) -> bool:
        written = props.get(LAST_WRITE)
        if not isinstance(written, (int, float)):
            return False
        return 0 <= self._now() - float(written) <= READ_LAG_HORIZON_SECONDS


ACCOUNT_SCOPE = "account"


def _realm_scope(realm_id: str) -> tuple[str, str]:
    return ("realm", realm_id)


def _adopt_hint(error: BandwidthApiError) -> BandwidthApiError:
    return error.with_hint("to manage the existing credential, declare it with adopt=True")


def _split_realm_id(id_: str) -> tuple[str, str] | None:
    """``{realm_id}/{credential_id}`` for a realm-scoped credential; None for a composite
    username (which never contains '/'). An id from the state or an import that would not
    make a safe URL (``..``, ``realm/..``) is refused before any request."""
    realm_id, slash, credential_id = id_.partition("/")
    if not slash:
        validate_path_segment("id", id_)
        return None
    validate_id_segment("id", realm_id)
    validate_id_segment("id", credential_id)
    return realm_id, credential_id


def _kept(props: Mapping[str, Any]) -> Props:
    """State that Bandwidth cannot report back: the password, and ``adopt``."""
    return {key: props[key] for key in ("password", ADOPT) if props.get(key) is not None}


def _put_cannot_reach(existing: Credential, wanted: Credential) -> bool:
    clears_app = existing.http_voice_v2_app_id and not wanted.http_voice_v2_app_id
    return existing.composite_username != wanted.composite_username or bool(clears_app)


def _hashes_drifted(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Someone changed the hashes at Bandwidth (seen on refresh), or the state lacks them."""
    if not known(news, *SIP_CREDENTIAL.required_inputs):
        return False
    expected = DesiredCredential.from_props(news).hashes
    held = (str(olds.get("hash1", "")).lower(), str(olds.get("hash1b", "")).lower())
    return held != (expected.hash1, expected.hash1b)


def _same_key(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Old and new name the same Bandwidth credential: the same realm (or both account
    level) and composite usernames equal but for letter case. Then the old one must be
    deleted before the new one is created, or the create would be refused as a duplicate;
    otherwise create first, so the credential never goes missing."""
    keys = SIP_CREDENTIAL.replacing  # the key at Bandwidth: composite username and realm
    if any(is_unknown(olds.get(key)) or is_unknown(news.get(key)) for key in keys):
        return False
    if olds.get("username") is None or news.get("username") is None:
        return False
    if olds.get("realm_id") != news.get("realm_id"):
        return False
    old = composite_username(olds["username"], olds.get("domain"))
    new = composite_username(news["username"], news.get("domain"))
    return same_composite(old, new)


def _live_outputs(live: Credential, state: Mapping[str, Any]) -> Props:
    return without_none(
        {
            "username": live.user_name,
            "domain": live.domain,
            "realm": live.realm or state.get("realm"),
            "http_voice_v2_app_id": live.http_voice_v2_app_id,
            "composite_username": live.composite_username,
            "hash1": live.hash1,
            "hash1b": live.hash1b or _unreported_hash1b(live, state),
        }
    )


def _unreported_hash1b(live: Credential, state: Mapping[str, Any]) -> str:
    """Bandwidth may answer a credential without ``Hash1b`` (its spec's examples do). Both
    hashes come from one password in one write, so while the live Hash1 is the state's,
    the state's Hash1b stands in for the missing one; otherwise there is none, and the
    changed Hash1 already shows the drift."""
    held = state.get("hash1")
    if live.hash1 and isinstance(held, str) and held.lower() == live.hash1.lower():
        kept = state.get("hash1b")
        return kept if isinstance(kept, str) else ""
    return ""
