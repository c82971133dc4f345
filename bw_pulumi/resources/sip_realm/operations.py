"""The SIP realm's lifecycle (check, diff, create, read, update, delete), free of any
Pulumi front door.

A realm is created ``CREATE_PENDING`` and only accepts credentials once ``ACTIVE``, so
create waits for that, bounded, printing progress every few seconds; delete is accepted
(202) and completes later, so delete waits until the realm is gone. Bandwidth can only
*promote* a realm to the account's default: ``default`` true promotes it, while false or
absent leaves the flag alone (check refuses turning a declared ``default=True`` off).

A realm's name is unique on the account, so create first looks the name up. A realm that
already exists is someone else's: create fails naming its id, unless ``adopt`` is true.
A realm that appears only after this create's POST failed (a lost answer: a timeout or a
5xx after Bandwidth committed, perhaps retried into "already exists") is the realm this
create made: it is taken over, with a warning, rather than deleted, because the user
declared exactly that name and deleting it would only start another create that can lose
its answer too. A failure after the realm exists (it fails, the wait runs out, reading its
status fails) deletes it again, or the error names its id.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bw_pulumi.api import codes
from bw_pulumi.api.errors import BandwidthApiError
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.derived import check_inputs, diff_inputs
from bw_pulumi.resources.lifecycle import (
    Checked,
    Created,
    Failure,
    Found,
    OperationFailure,
    Plan,
    Props,
    without_none,
)
from bw_pulumi.resources.rules import validate_id_segment
from bw_pulumi.resources.sip_realm.definition import SIP_REALM
from bw_pulumi.resources.sip_realm.models import Realm, RealmSettings, RealmStatus
from bw_pulumi.resources.sip_realm.rules import realm_name_in, validate_realm_name

ADOPT = "adopt"
DEFAULT_WAIT_SECONDS = 300.0
PROGRESS_EVERY_SECONDS = 5.0
#: Statuses of a realm that will never serve credentials again: it is replaced.
BROKEN_STATUSES = (RealmStatus.CREATE_FAILED, RealmStatus.DELETE_PENDING, RealmStatus.DELETE_FAILED)

_VALIDATORS: Mapping[str, Callable[[str], None]] = {"name": validate_realm_name}
_log = logging.getLogger("bw_pulumi")


class RealmWaitError(OperationFailure):
    """A realm did not reach the status we waited for; says what is left at Bandwidth."""


class RealmExistsError(BandwidthApiError):
    """The declared realm name is taken by a realm this stack did not create."""


def log_progress(message: str) -> None:
    """Progress lines go to the ``bw_pulumi`` logger, which the provider process sends to
    stderr (see :mod:`bw_pulumi.config.logs`); the CLI shows them as the stack's diagnostics."""
    _log.warning("%s", message)


@dataclass(frozen=True)
class Waiting:
    """How long and how often to poll a realm's status; all injectable for tests."""

    seconds: Callable[[], float] = lambda: DEFAULT_WAIT_SECONDS
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    progress: Callable[[str], None] = log_progress


class RealmOperations:
    """CRUD for one SIP realm, keyed by its id."""

    def __init__(self, api: Callable[[], BandwidthClient], waiting: Waiting | None = None):
        self._api = api
        self._waiting = waiting or Waiting()

    # -- check and diff: no API calls ---------------------------------------------------------

    def check(self, olds: Props, news: Props) -> Checked:
        """The definition's checks (:func:`~bw_pulumi.resources.derived.check_inputs`),
        and no demotion: Bandwidth cannot turn a realm's ``default`` off."""
        checked = check_inputs(SIP_REALM, news, _VALIDATORS)
        if olds.get("default") is True and checked.inputs.get("default") is False:
            checked.failures.append(
                Failure(
                    "default",
                    "default: Bandwidth cannot make a realm stop being the account's default;"
                    " make another realm the default (default=True on it), then remove"
                    " `default` from this one (leaving it out never demotes a realm)",
                )
            )
        return checked

    def diff(self, olds: Props, news: Props) -> Plan:
        """The definition's diff (:func:`~bw_pulumi.resources.derived.diff_inputs`), plus
        ``default`` when it promotes the realm (the only change Bandwidth can make to it),
        and a replacement of a realm that will never serve again (``BROKEN_STATUSES``); a
        replacement of the same name deletes first, since names are unique."""
        plan = diff_inputs(SIP_REALM, olds, news)
        if news.get("default") is True and olds.get("default") is not True:
            plan = plan.plus(changed=["default"])
        if olds.get("status") in BROKEN_STATUSES:
            plan = plan.plus(changed=["status"], replaces=["status"])
        same_name = str(olds.get("name", "")).casefold() == str(news.get("name", "")).casefold()
        return plan.delete_first_if(same_name)

    # -- create, read, update, delete ---------------------------------------------------------

    def create(self, props: Props) -> Created:
        settings = _settings(props)
        realm = self._create_or_take_over(settings, adopt=props.get(ADOPT) is True)
        active = self._wait_until_active(settings.name, realm)
        return Created(active.id, _outputs(props, active))

    def read(self, id_: str, props: Props) -> Found:
        """On ``pulumi import`` (no ``props``) the name comes from the FQDN, so the import
        checks clean and the code it prints declares the realm as it is."""
        validate_id_segment("id", id_)
        realm = self._api().realms.get_realm(id_)
        if realm is None:
            return Found(None, {})
        if props.get("name") is None:
            props = {**props, "name": realm_name_in(realm.fqdn)}
        return Found(realm.id, _outputs(props, realm))

    def update(self, id_: str, olds: Props, news: Props) -> Props:
        """A PUT replaces Description and Default: read the realm, then send every field."""
        validate_id_segment("id", id_)
        realms = self._api().realms
        current = realms.get_realm(id_)
        if current is None:
            raise BandwidthApiError(
                f"realm {news.get('name')!r} (id {id_}) was deleted outside Pulumi; run"
                " `pulumi refresh` to drop it, then `pulumi up` recreates it",
                status=404,
            )
        settings = RealmSettings(
            name=news["name"],
            description=news.get("description") or None,
            default=current.default or news.get("default") is True,
        )
        return _outputs(news, realms.update_realm(id_, settings))

    def delete(self, id_: str, props: Props) -> None:
        validate_id_segment("id", id_)
        realms = self._api().realms
        name = props.get("name", id_)
        try:
            accepted = realms.delete_realm(id_)
        except BandwidthApiError as error:
            raise self._delete_refused(error, id_, name) from None
        if accepted:
            self._wait_until_gone(name, id_)

    # -- create: existing realms and lost answers ---------------------------------------------

    def _create_or_take_over(self, settings: RealmSettings, *, adopt: bool) -> Realm:
        realms = self._api().realms
        existing = realms.find_realm(settings.name)
        if existing is not None and existing.status == RealmStatus.DELETE_PENDING:
            # A realm deleted moments ago (an earlier create's clean-up) still holds the name.
            self._wait_until_gone(settings.name, existing.id)
            existing = None
        if existing is not None:
            if not adopt:
                raise RealmExistsError(_exists_message(settings.name, existing))
            self._waiting.progress(
                f"adopted existing realm {settings.name!r} (id {existing.id}), as adopt=True"
                " asks; it is now managed by this stack"
            )
            return self._make_ours(existing, settings)
        try:
            realm = realms.create_realm(settings)
        except BandwidthApiError as error:
            return self._after_failed_post(settings, error)
        _log.info("created realm %r (id %s), status %s", settings.name, realm.id, realm.status)
        return realm

    def _after_failed_post(self, settings: RealmSettings, error: BandwidthApiError) -> Realm:
        """The realm did not exist when this create began; a failed POST may still have
        made it (its answer lost, a retry then refused as a duplicate): look it up."""
        if not _may_have_created(error):
            raise error
        name = settings.name
        try:
            found = self._api().realms.find_realm(name)
        except BandwidthApiError as lookup:
            raise BandwidthApiError(
                f"{error}; Bandwidth may have created realm {name!r} anyway, and looking it up"
                f" failed too ({lookup}); if it exists now, take it over with adopt=True or"
                " `pulumi import`",
                status=error.status,
                codes=error.codes,
            ) from None
        if found is None:
            raise error
        self._waiting.progress(
            f"realm {name!r} (id {found.id}) was created, but Bandwidth's answer was lost"
            f" ({_short(error)}); took it over, as this stack declares that name"
        )
        return self._make_ours(found, settings)

    def _make_ours(self, realm: Realm, settings: RealmSettings) -> Realm:
        """Give a realm taken over the declared description and default (never a demotion)."""
        wanted = RealmSettings(
            name=settings.name,
            description=settings.description,
            default=realm.default or settings.default,
        )
        if (realm.description or None) == wanted.description and realm.default == wanted.default:
            return realm
        return self._api().realms.update_realm(realm.id, wanted)

    # -- waiting ------------------------------------------------------------------------------

    def _wait_until_active(self, name: str, realm: Realm) -> Realm:
        waiting, realms = self._waiting, self._api().realms
        limit = waiting.seconds()
        started = waiting.clock()
        reported = started
        current: Realm | None = realm
        while current is not None and current.status == RealmStatus.CREATE_PENDING:
            elapsed = waiting.clock() - started
            if elapsed >= limit:
                break
            if waiting.clock() - reported >= PROGRESS_EVERY_SECONDS:
                reported = waiting.clock()
                waiting.progress(
                    f"realm {name!r} (id {realm.id}) is {current.status} after {elapsed:.0f} s;"
                    f" waiting up to {limit:.0f} s for ACTIVE"
                )
            waiting.sleep(_poll_delay(elapsed))
            try:
                current = realms.get_realm(realm.id)
            except BandwidthApiError as error:
                head = (
                    f"realm {name!r} (id {realm.id}) could not be read while waiting for"
                    f" ACTIVE ({error})"
                )
                raise RealmWaitError(self._delete_again(head, realm.id)) from None
        if current is not None and current.status == RealmStatus.ACTIVE:
            return current
        status = current.status if current is not None else "gone"
        raise RealmWaitError(self._failed_create(name, realm.id, status, limit))

    def _failed_create(self, name: str, realm_id: str, status: str, limit: float) -> str:
        reason = (
            "failed to create"
            if status != RealmStatus.CREATE_PENDING
            else (f"was not ACTIVE within {limit:.0f} s (bandwidth:realmWaitSeconds)")
        )
        head = f"realm {name!r} (id {realm_id}) {reason}; its last status was {status}"
        if status == "gone":
            return f"{head}; nothing is left at Bandwidth"
        return self._delete_again(head, realm_id)

    def _delete_again(self, head: str, realm_id: str) -> str:
        """The deadline's rule for a create that failed after the realm came to exist:
        delete it again, or say that it is left and its id."""
        try:
            self._api().realms.delete_realm(realm_id)
        except BandwidthApiError as error:
            return (
                f"{head}; it is left at Bandwidth (deleting it failed: {error}); delete realm"
                f" {realm_id} by hand, or take it over with adopt=True, before trying again"
            )
        return f"{head}; it was deleted again, so nothing is left behind"

    def _wait_until_gone(self, name: str, realm_id: str) -> None:
        waiting, realms = self._waiting, self._api().realms
        limit = waiting.seconds()
        started = reported = waiting.clock()
        while (current := realms.get_realm(realm_id)) is not None:
            elapsed = waiting.clock() - started
            if elapsed >= limit:
                raise RealmWaitError(
                    f"realm {name!r} (id {realm_id}) was still {current.status} {limit:.0f} s"
                    " after Bandwidth accepted its deletion; it may still go: check it with"
                    " `pulumi refresh`"
                )
            if waiting.clock() - reported >= PROGRESS_EVERY_SECONDS:
                reported = waiting.clock()
                waiting.progress(
                    f"realm {name!r} (id {realm_id}) is {current.status} after {elapsed:.0f} s;"
                    " waiting for the deletion to complete"
                )
            waiting.sleep(_poll_delay(elapsed))

    def _delete_refused(
        self, error: BandwidthApiError, realm_id: str, name: object
    ) -> BandwidthApiError:
        if error.has_code(codes.DEFAULT_REALM_NOT_DELETABLE):
            return error.with_hint(
                "make another realm the default (default=True on it) before"
                " deleting this one, or keep it with the retain_on_delete resource option"
            )
        if error.has_code(codes.REALM_HAS_CREDENTIALS):
            realm = self._api().realms.get_realm(realm_id)
            count = realm.sip_credential_count if realm is not None else "some"
            return error.with_hint(
                f"realm {name!r} still holds {count} SIP credential(s); delete them first"
                " (credentials outside this stack must be deleted by hand)"
            )
        return error


def _poll_delay(elapsed: float) -> float:
    """Poll quickly at first (a realm is often active in seconds), then every 5 s."""
    return 1.0 if elapsed < 10 else 5.0


def _may_have_created(error: BandwidthApiError) -> bool:
    """No answer, a server error (the commit may have happened), or a refusal, which after
    a retried lost answer is "already exists" (33002 live; the reference names no code)."""
    return error.status is None or error.status >= 500 or error.status in (400, 409)


def _short(error: BandwidthApiError) -> str:
    """How the lost answer showed: the failure itself, or a retry refused as a duplicate."""
    if error.status is None:
        return "no response"
    if error.status < 500:
        return f"a retry then got HTTP {error.status}: it already existed"
    return f"HTTP {error.status}"


def _exists_message(name: str, existing: Realm) -> str:
    return (
        f"realm {name!r} already exists at Bandwidth (id {existing.id}, {existing.fqdn}) and"
        " this stack did not create it; to manage it, declare adopt=True on the SipRealm or"
        f" `pulumi import` it with id {existing.id}; or choose another name"
    )


def _settings(props: Mapping[str, Any]) -> RealmSettings:
    return RealmSettings(
        name=props["name"],
        description=props.get("description") or None,
        default=props.get("default") is True,
    )


def _outputs(props: Mapping[str, Any], realm: Realm) -> Props:
    return without_none(
        {
            "name": props.get("name"),
            "description": realm.description,
            "default": realm.default,
            "realm_id": realm.id,
            "fqdn": realm.fqdn,
            "status": realm.status,
            "sip_credential_count": realm.sip_credential_count,
            ADOPT: True if props.get(ADOPT) is True else None,
        }
    )
