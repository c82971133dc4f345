"""Account-level SIP credentials (the Network Bridge flow), keyed by composite username.
HTTP, auth, retries and errors belong to :mod:`bw_pulumi.api.transport`; realm-scoped
credentials to :mod:`bw_pulumi.resources.sip_credential.realm_api`. All of them share one
transport through :class:`bw_pulumi.resources.client.BandwidthClient`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import urlencode

from bw_pulumi.api import codes
from bw_pulumi.api.errors import scrub_entry
from bw_pulumi.api.paging import fetch_page, iter_pages
from bw_pulumi.api.retry import IDEMPOTENT_RETRY
from bw_pulumi.api.transport import Absent, Transport
from bw_pulumi.api.xml import EntryError
from bw_pulumi.resources.sip_credential import xml as wire
from bw_pulumi.resources.sip_credential.bulk import refused_create
from bw_pulumi.resources.sip_credential.models import BulkCreateResult, Credential
from bw_pulumi.resources.sip_credential.rules import same_composite, validate_fragment

# Characters a composite username may carry that are safe unescaped in a path segment.
_PATH_SAFE = "@!$&*+=~"
_GONE = Absent(codes=(codes.CREDENTIAL_NOT_FOUND,))
_NONE_AT_ALL = Absent(codes=(codes.NO_CREDENTIALS,))
_log = logging.getLogger("bw_pulumi")


class AccountCredentialsApi:
    """Account-level SIP credentials, keyed by composite username."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    # -- credential operations -------------------------------------------------------------

    def create_credentials(self, credentials: Sequence[Credential]) -> BulkCreateResult:
        """Bulk create. Entries refused as duplicates are adopted when the existing credential
        already holds exactly the hashes we sent: that is our own earlier create whose
        response was lost, so the retry must not surface as an error."""
        hashes = _hashes_of(credentials)
        response = self.transport.call(
            "POST",
            self._credentials_url(),
            body=wire.encode_create(credentials),
            retry_also=frozenset({500}),
            accept=(200, 201, 400),
            hashes=hashes,
        )
        assert response is not None  # nothing is "absent": every failure raised
        result = self.transport.decode(response, wire.decode_bulk_create)
        if response.status_code == 400 and not result.errors:
            raise self.transport.error(response, hashes)
        created = tuple(c.separated() for c in result.created)
        result = replace(result, created=created, http_status=response.status_code)
        return self._adopt_duplicates(credentials, result)

    def create_credential(self, credential: Credential) -> Credential:
        """Create one credential; raise with Bandwidth's reason when it is refused."""
        result = self.create_credentials([credential])
        for created in result.created:
            if same_composite(created.composite_username, credential.composite_username):
                return created
        raise refused_create(credential.composite_username, result)

    def get_credential(self, composite_username: str) -> Credential | None:
        """The credential, or None when Bandwidth says it has none by that name (23007).
        Every credential this client returns has an aggregated UserName split
        (:meth:`Credential.separated`)."""
        response = self.transport.call(
            "GET", self._credential_url(composite_username), absent=_GONE
        )
        if response is None:
            return None
        return self.transport.decode(response, wire.decode_credential).separated()

    def list_credentials(
        self, *, user_name_fragment: str | None = None, domain_fragment: str | None = None
    ) -> list[Credential]:
        """Every credential on the account, following Bandwidth's 303 and ``Links/next``.
        A fragment must be 3-64 characters (Bandwidth's spec); checked before any call."""
        for field, fragment in (
            ("user_name_fragment", user_name_fragment),
            ("domain_fragment", domain_fragment),
        ):
            validate_fragment(field, fragment)
        filters = [
            (key, value)
            for key, value in (
                ("userNamefragment", user_name_fragment),
                ("domainfragment", domain_fragment),
            )
            if value
        ]
        url, query = self._credentials_url(), urlencode(filters)
        return [
            c.separated()
            for c in iter_pages(self.transport, url, query, _NONE_AT_ALL, wire.decode_page)
        ]

    def credentials_page(self, query: str) -> tuple[tuple[Credential, ...], str | None]:
        """One page of the account's credentials (``page=1&size=500`` for the first)."""
        credentials, next_query = fetch_page(
            self.transport, self._credentials_url(), query, _NONE_AT_ALL, wire.decode_page
        )
        return tuple(c.separated() for c in credentials), next_query

    def update_credential(self, credential: Credential) -> None:
        """Replace hashes, realm and voice app id. The composite username is the key."""
        self.transport.call(
            "PUT",
            self._credential_url(credential.composite_username),
            body=wire.encode_update(credential),
            retry_also=IDEMPOTENT_RETRY,
            hashes=_hashes_of([credential]),
        )

    def delete_credential(self, composite_username: str) -> bool:
        """Delete; False when it was already gone (which is what the caller wanted)."""
        url = self._credential_url(composite_username)
        response = self.transport.call("DELETE", url, retry_also=IDEMPOTENT_RETRY, absent=_GONE)
        return response is not None

    # -- helpers for the operations ------------------------------------------------------------

    def _adopt_duplicates(
        self, sent: Sequence[Credential], result: BulkCreateResult
    ) -> BulkCreateResult:
        created = list(result.created)
        errors = []
        secrets = self.transport.secrets(_hashes_of(sent))
        for error in result.errors:
            adopted = self._adoptable(sent, error)
            if adopted is None:
                errors.append(scrub_entry(error, secrets))
            else:
                _log.info(
                    "adopted %s: it already held exactly our hashes", adopted.composite_username
                )
                created.append(adopted)
        return replace(result, created=tuple(created), errors=tuple(errors))

    def _adoptable(self, sent: Sequence[Credential], error: EntryError) -> Credential | None:
        if error.code != codes.CREDENTIAL_EXISTS or error.composite_username is None:
            return None
        wanted = next(
            (c for c in sent if same_composite(c.composite_username, error.composite_username)),
            None,
        )
        if wanted is None:
            return None
        existing = self.get_credential(wanted.composite_username)
        if existing is not None and existing.same_hashes(wanted):
            return existing
        return None

    def _credentials_url(self) -> str:
        return self.transport.account_url("sipcredentials")

    def _credential_url(self, composite_username: str) -> str:
        return self.transport.account_url("sipcredentials", composite_username, safe=_PATH_SAFE)


def _hashes_of(credentials: Sequence[Credential]) -> tuple[str, ...]:
    return tuple(h for c in credentials for h in (c.hash1, c.hash1b))
