"""The realms API (the SIP Registrar flow): create, read, list, update and delete realms,
keyed by id. Shares the one transport (auth, retries, errors) with the other resources'
APIs (:class:`bw_pulumi.resources.client.BandwidthClient`)."""

from __future__ import annotations

from typing import TypeVar

from bw_pulumi.api import codes
from bw_pulumi.api.errors import BandwidthApiError
from bw_pulumi.api.retry import IDEMPOTENT_RETRY
from bw_pulumi.api.transport import Absent, Transport, strict_call
from bw_pulumi.resources.ids import require_usable_id
from bw_pulumi.resources.sip_realm import xml as wire
from bw_pulumi.resources.sip_realm.models import Realm, RealmSettings
from bw_pulumi.resources.sip_realm.rules import realm_name_in

_GONE = Absent(codes=(codes.REALM_CREDENTIAL_NOT_FOUND,), envelope=True)
#: Bandwidth's spec answers an empty list with 404/23008; the sandbox with an empty 200.
_NONE_AT_ALL = Absent(codes=(codes.NO_CREDENTIALS,))
_IDEMPOTENT = IDEMPOTENT_RETRY

T = TypeVar("T")


class RealmsApi:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    # -- realms -----------------------------------------------------------------------------

    def create_realm(self, settings: RealmSettings) -> Realm:
        response = strict_call(
            self._transport, "POST", self._realms_url(), body=wire.encode_realm(settings)
        )
        realm = self._transport.decode(response, wire.decode_realm)
        require_usable_id(f"realm {settings.name!r}", realm.id)
        return realm

    def get_realm(self, realm_id: str) -> Realm | None:
        """The realm, or None when Bandwidth has no realm by that id."""
        response = self._transport.call("GET", self._realm_url(realm_id), absent=_GONE)
        return None if response is None else self._transport.decode(response, wire.decode_realm)

    def list_realms(self) -> list[Realm]:
        """Every realm of the account; none is an empty list whether Bandwidth answers 200
        with no ``Realm`` or 404 with 23008 (the spec's "nothing here" answer). Any other
        404 (such as 4022, no such account) stays an error."""
        response = self._transport.call("GET", self._realms_url(), absent=_NONE_AT_ALL)
        return [] if response is None else self._transport.decode(response, wire.decode_realms)

    def find_realm(self, name: str) -> Realm | None:
        """The account's realm with this short name, compared case-insensitively as
        Bandwidth's uniqueness is; the name is read from the FQDN (the API reports no
        name). None when there is none."""
        folded = name.casefold()
        realms = self.list_realms()
        return next((r for r in realms if (realm_name_in(r.fqdn) or "").casefold() == folded), None)

    def update_realm(self, realm_id: str, settings: RealmSettings) -> Realm:
        """Replace Description and Default (see :func:`wire.encode_realm_update` for what is
        sent: never the name, which the spec refuses to change with 33005)."""
        url = self._realm_url(realm_id)
        response = strict_call(self._transport, "PUT", url, body=wire.encode_realm_update(settings))
        if not response.content:
            realm = self.get_realm(realm_id)
            if realm is None:
                raise BandwidthApiError(f"PUT realm {realm_id}: the realm is gone", status=404)
            return realm
        return self._transport.decode(response, wire.decode_realm)

    def delete_realm(self, realm_id: str) -> bool:
        """Ask for deletion (202, completes later); False when it was already gone."""
        url = self._realm_url(realm_id)
        return self._transport.call("DELETE", url, retry_also=_IDEMPOTENT, absent=_GONE) is not None

    # -- helpers ------------------------------------------------------------------------------

    def _realms_url(self) -> str:
        return self._transport.account_url("realms")

    def _realm_url(self, realm_id: str) -> str:
        return self._transport.account_url("realms", realm_id)
