"""Realm-scoped SIP credentials (the SIP Registrar flow), keyed by realm id and credential
id. Shares the one transport (auth, retries, errors) with the other resources' APIs
(:class:`bw_pulumi.resources.client.BandwidthClient`).
Behaviours Bandwidth's own CLI records as verified against the live API shape this module:
a 201 may carry ``Errors`` (a create counts only when the requested username is among the
valid entries); a username echoed in another letter case means the stored hashes can never
authenticate; a missing realm or credential answers 404 in Bandwidth's XML envelope with
no error code; reads may lag just after a write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from bw_pulumi.api import codes
from bw_pulumi.api.errors import BandwidthApiError, scrub_entry
from bw_pulumi.api.paging import fetch_page, iter_pages
from bw_pulumi.api.retry import IDEMPOTENT_RETRY
from bw_pulumi.api.transport import Absent, Transport, strict_call
from bw_pulumi.api.xml import EntryError
from bw_pulumi.resources.ids import require_usable_id
from bw_pulumi.resources.rules import is_id_segment
from bw_pulumi.resources.sip_credential import xml as wire
from bw_pulumi.resources.sip_credential.bulk import refused_create
from bw_pulumi.resources.sip_credential.models import BulkCreateResult, Credential

_GONE = Absent(codes=(codes.REALM_CREDENTIAL_NOT_FOUND,), envelope=True)
#: Bandwidth's spec answers an empty list with 404/23008; the sandbox with an empty 200.
_NONE_AT_ALL = Absent(codes=(codes.NO_CREDENTIALS,))
_IDEMPOTENT = IDEMPOTENT_RETRY
_log = logging.getLogger("bw_pulumi")

T = TypeVar("T")


class UsernameCaseError(BandwidthApiError):
    """Bandwidth stored the username in another letter case than the one hashed."""


class RealmCredentialsApi:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def create_credential(self, realm_id: str, wanted: Credential) -> Credential:
        """Create one credential in the realm; raise with Bandwidth's reason when refused.

        A duplicate (23026) whose existing credential holds exactly our hashes is our own
        earlier create whose response was lost: it is returned, not reported.
        """
        hashes = (wanted.hash1, wanted.hash1b)
        response = strict_call(
            self._transport,
            "POST",
            self._credentials_url(realm_id),
            body=wire.encode_create([_create_entry(wanted)]),
            retry_also=frozenset({500}),
            accept=(200, 201, 400),
            hashes=hashes,
        )
        result = self._transport.decode(response, wire.decode_bulk_create)
        if response.status_code == 400 and not result.errors:
            raise self._transport.error(response, hashes)
        created = self._created(realm_id, wanted, result)
        if created is not None:
            require_usable_id(f"SIP credential {wanted.user_name!r}", created.id or "")
            return created
        if any(e.code == codes.REALM_CREDENTIAL_EXISTS for e in result.errors):
            existing = self.find_credential(realm_id, wanted.user_name)
            if existing is not None and existing.same_hashes(wanted):
                _log.info(
                    "adopted %s in realm %s: it already held exactly our hashes",
                    wanted.user_name,
                    realm_id,
                )
                return existing
        raise _refused(wanted.user_name, realm_id, result, self._transport.secrets(hashes))

    def create_credentials(self, realm_id: str, wanted: Sequence[Credential]) -> BulkCreateResult:
        """Bulk create in the realm, judged entry by entry: ``created`` holds the entries
        Bandwidth listed as valid under the username we sent, and duplicates (23026) whose
        existing credential holds exactly our hashes (our own earlier create whose answer
        was lost: found with one listing of the realm, re-listed while reads may lag).
        Every other refusal is in ``errors`` (scrubbed); an entry echoed in another letter
        case is deleted again and reported there. A request that fails as a whole raises."""
        hashes = tuple(h for c in wanted for h in (c.hash1, c.hash1b))
        response = strict_call(
            self._transport,
            "POST",
            self._credentials_url(realm_id),
            body=wire.encode_create([_create_entry(c) for c in wanted]),
            retry_also=frozenset({500}),
            accept=(200, 201, 400),
            hashes=hashes,
        )
        result = self._transport.decode(response, wire.decode_bulk_create)
        if response.status_code == 400 and not result.errors:
            raise self._transport.error(response, hashes)
        secrets = self._transport.secrets(hashes)
        created, errors = self._judge_bulk(realm_id, wanted, result)
        errors = [*errors, *(scrub_entry(e, secrets) for e in result.errors)]
        duplicates = [e for e in errors if e.code == codes.REALM_CREDENTIAL_EXISTS]
        if duplicates:
            adopted = self._adopt_identical(realm_id, wanted, duplicates)
            created += adopted
            taken = {c.user_name.casefold() for c in adopted}
            errors = [e for e in errors if (e.composite_username or "").casefold() not in taken]
        return BulkCreateResult(tuple(created), tuple(errors), response.status_code)

    def _judge_bulk(
        self, realm_id: str, wanted: Sequence[Credential], result: BulkCreateResult
    ) -> tuple[list[Credential], list[EntryError]]:
        exact = {c.user_name: c for c in result.created}
        created: list[Credential] = []
        errors: list[EntryError] = []
        for credential in wanted:
            found = exact.get(credential.user_name)
            if found is not None and _usable_id(found.id):
                created.append(found)
                continue
            if found is not None:
                reason = f"Bandwidth answered the id {found.id!r}, which cannot be used in a URL"
                errors.append(EntryError("", reason, credential.user_name))
                continue
            folded = credential.user_name.casefold()
            echoed = next((c for c in result.created if c.user_name.casefold() == folded), None)
            if echoed is not None:
                removed = echoed.id is not None and self.delete_credential(realm_id, echoed.id)
                left = "it was deleted again" if removed else f"delete credential {echoed.id}"
                reason = (
                    f"Bandwidth stored it as {echoed.user_name!r}: its hashes can never"
                    f" authenticate ({left}); use the username in the case Bandwidth keeps"
                )
                errors.append(EntryError("", reason, credential.user_name))
        return created, errors

    def _adopt_identical(
        self, realm_id: str, wanted: Sequence[Credential], duplicates: Sequence[EntryError]
    ) -> list[Credential]:
        """The duplicates that already hold exactly our hashes, from one listing (again,
        bounded, while the read-after-write lag may hide some)."""
        names = {(e.composite_username or "").casefold() for e in duplicates}
        sought = {c.user_name.casefold(): c for c in wanted if c.user_name.casefold() in names}

        def find() -> list[Credential] | None:
            listed = {c.user_name.casefold(): c for c in self.list_credentials(realm_id)}
            if not set(sought) <= set(listed):
                return None
            return list(listed.values())

        listed = self._eventually(find, f"{len(sought)} duplicate(s) in realm {realm_id}") or [
            c for c in self.list_credentials(realm_id)
        ]
        adopted = []
        for existing in listed:
            mine = sought.get(existing.user_name.casefold())
            if mine is None or existing.id is None or existing.user_name != mine.user_name:
                continue
            if not (existing.hash1 and existing.hash1b):
                existing = self.get_credential(realm_id, existing.id) or existing
            if existing.same_hashes(mine):
                _log.info(
                    "adopted %s in realm %s: it already held exactly our hashes",
                    mine.user_name,
                    realm_id,
                )
                adopted.append(existing)
        return adopted

    def get_credential(self, realm_id: str, credential_id: str) -> Credential | None:
        """The credential, or None when Bandwidth says it does not exist."""
        url = self._credential_url(realm_id, credential_id)
        response = self._transport.call("GET", url, absent=_GONE)
        return (
            None if response is None else self._transport.decode(response, wire.decode_credential)
        )

    def get_credential_after_write(self, realm_id: str, credential_id: str) -> Credential | None:
        """Like :meth:`get_credential` for a credential written moments ago: a not-found is
        re-read, bounded, because reads may lag just after a write."""
        return self._eventually(
            lambda: self.get_credential(realm_id, credential_id),
            f"credential {credential_id} in realm {realm_id}",
        )

    def list_credentials(self, realm_id: str) -> list[Credential]:
        """Every credential of the realm, following the 303 and ``Links/next``. A realm
        without credentials may answer 200 with none or 404/23008 (the spec's example):
        both are an empty list, as is any 404 in Bandwidth's envelope (``_GONE``)."""
        return list(
            iter_pages(
                self._transport, self._credentials_url(realm_id), "", _GONE, wire.decode_page
            )
        )

    def credentials_page(
        self, realm_id: str, query: str
    ) -> tuple[tuple[Credential, ...], str | None]:
        """One page of the realm's credentials (``page=1&size=500`` for the first)."""
        return fetch_page(
            self._transport, self._credentials_url(realm_id), query, _GONE, wire.decode_page
        )

    def find_credential(self, realm_id: str, user_name: str) -> Credential | None:
        """The realm's credential with this username (case-insensitive, as Bandwidth's
        uniqueness is), hashes included. Re-listed, bounded, while a lag may hide it."""

        def find() -> Credential | None:
            folded = user_name.casefold()
            listed = self.list_credentials(realm_id)
            match = next((c for c in listed if c.user_name.casefold() == folded), None)
            if match is None or match.id is None:
                return None
            return self.get_credential(realm_id, match.id)

        return self._eventually(find, f"credential {user_name!r} in realm {realm_id}")

    def update_credential(self, realm_id: str, credential_id: str, wanted: Credential) -> None:
        """Rotate hashes in place (the id stays); a PUT carries RealmId, never UserName."""
        body = wire.encode_realm_credential_update(
            Credential(
                user_name=wanted.user_name,
                hash1=wanted.hash1,
                hash1b=wanted.hash1b,
                http_voice_v2_app_id=wanted.http_voice_v2_app_id,
                realm_id=realm_id,
            )
        )
        strict_call(
            self._transport,
            "PUT",
            self._credential_url(realm_id, credential_id),
            body=body,
            hashes=(wanted.hash1, wanted.hash1b),
        )

    def delete_credential(self, realm_id: str, credential_id: str) -> bool:
        """Delete; False when it was already gone."""
        url = self._credential_url(realm_id, credential_id)
        return self._transport.call("DELETE", url, retry_also=_IDEMPOTENT, absent=_GONE) is not None

    # -- helpers ------------------------------------------------------------------------------

    def _created(
        self, realm_id: str, wanted: Credential, result: BulkCreateResult
    ) -> Credential | None:
        """Our entry among the valid ones. Echoed in another letter case, it was stored
        with hashes of a username Bandwidth does not use: it is deleted and reported."""
        for created in result.created:
            if created.user_name == wanted.user_name:
                return created
        for created in result.created:
            if created.user_name.casefold() == wanted.user_name.casefold():
                removed = created.id is not None and self.delete_credential(realm_id, created.id)
                left = "it was deleted again" if removed else f"delete credential {created.id}"
                raise UsernameCaseError(
                    f"Bandwidth stored SIP credential {wanted.user_name!r} in realm {realm_id}"
                    f" as {created.user_name!r}: its hashes were computed for another letter"
                    f" case and can never authenticate ({left}); use the username in the case"
                    " Bandwidth keeps"
                )
        return None

    def _eventually(self, read: Callable[[], T | None], what: str) -> T | None:
        found = read()
        for delay in self._transport.policy.read_lag_delays:
            if found is not None:
                break
            _log.info("%s not found yet; reading again in %.1f s (reads may lag)", what, delay)
            self._transport.sleep(delay)
            found = read()
        return found

    def _credentials_url(self, realm_id: str) -> str:
        return self._transport.account_url("realms", realm_id, "sipcredentials")

    def _credential_url(self, realm_id: str, credential_id: str) -> str:
        return self._transport.account_url("realms", realm_id, "sipcredentials", credential_id)


def _create_entry(wanted: Credential) -> Credential:
    """Realm-scoped creates carry UserName, the hashes and the voice app id only."""
    return Credential(
        user_name=wanted.user_name,
        hash1=wanted.hash1,
        hash1b=wanted.hash1b,
        http_voice_v2_app_id=wanted.http_voice_v2_app_id,
    )


def _refused(
    user_name: str, realm_id: str, result: BulkCreateResult, secrets: tuple[str, ...]
) -> BandwidthApiError:
    errors = tuple(scrub_entry(error, secrets) for error in result.errors)
    scrubbed = BulkCreateResult(result.created, errors, result.http_status)
    return refused_create(user_name, scrubbed, where=f" in realm {realm_id}")


def _usable_id(id_: str | None) -> bool:
    return id_ is not None and is_id_segment(id_)
