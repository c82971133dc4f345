"""The Pulumi dynamic provider for account-level Bandwidth SIP credentials.

Pulumi pickles this class into the stack state and runs it in the ``pulumi.dynamic`` plugin
process, which serves up to four gRPC calls at once. So the instance pickles to nothing (no
credentials, sessions or config end up in state), reads its settings in :meth:`configure`,
and builds one thread-safe API client on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.runtime.rpc import UNKNOWN

from bw_pulumi.client import CODE_ALREADY_EXISTS, BandwidthClient
from bw_pulumi.domain import (
    InvalidInputError,
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
from bw_pulumi.errors import BandwidthApiError
from bw_pulumi.hook_errors import short_errors
from bw_pulumi.models import Credential
from bw_pulumi.settings import ConfigLookup, load_client_settings

REQUIRED_INPUTS = ("username", "password", "realm")
OPTIONAL_INPUTS = ("domain", "http_voice_v2_app_id")
ADOPT = "adopt"
INPUTS = (*REQUIRED_INPUTS, *OPTIONAL_INPUTS, ADOPT)
# Inputs whose change is a change of the credential at Bandwidth (``adopt`` is not).
COMPARED_INPUTS = (*REQUIRED_INPUTS, *OPTIONAL_INPUTS)
# The composite username is the key at Bandwidth: changing it makes a new credential.
REPLACING_INPUTS = ("username", "domain")

_VALIDATORS: Mapping[str, Callable[[Any], None]] = {
    "username": validate_username,
    "password": validate_password,
    "realm": validate_realm,
    "domain": validate_domain,
    "http_voice_v2_app_id": validate_app_id,
}


@dataclass(frozen=True)
class DesiredCredential:
    """The resource's inputs, checked and typed."""

    username: str
    password: str = field(repr=False)
    realm: str
    domain: str | None = None
    http_voice_v2_app_id: str | None = None
    adopt: bool = False

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> DesiredCredential:
        return cls(
            username=props["username"],
            password=props["password"],
            realm=props["realm"],
            domain=props.get("domain") or None,
            http_voice_v2_app_id=props.get("http_voice_v2_app_id") or None,
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
        )

    def outputs(self) -> dict[str, Any]:
        hashes = self.hashes
        return _without_none(
            {
                "username": self.username,
                "password": self.password,
                "realm": self.realm,
                "domain": self.domain,
                "http_voice_v2_app_id": self.http_voice_v2_app_id,
                ADOPT: True if self.adopt else None,
                "composite_username": hashes.composite_username,
                "hash1": hashes.hash1,
                "hash1b": hashes.hash1b,
            }
        )


class SipCredentialProvider(ResourceProvider):
    """CRUD for one account-level SIP credential, keyed by its composite username."""

    def __init__(self) -> None:
        super().__init__()
        self._config: ConfigLookup = _no_config
        self._client: BandwidthClient | None = None
        self._lock = threading.Lock()

    # Pickled into the Pulumi state: carry nothing but the class itself.
    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]

    def configure(self, req: ConfigureRequest) -> None:
        self._config = req.config.get

    # -- Pulumi hooks ------------------------------------------------------------------------------

    @short_errors("SIP credential")
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate without any API call; unknown values (preview) pass through."""
        inputs = {key: news[key] for key in INPUTS if news.get(key) not in (None, "")}
        return CheckResult(inputs, list(_check_failures(inputs)))

    @short_errors("SIP credential")
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Pure comparison of the state (as last created or refreshed) with the desired inputs."""
        changed = [key for key in COMPARED_INPUTS if olds.get(key) != news.get(key)]
        if not changed and _hashes_drifted(olds, news):
            changed = ["hash1", "hash1b"]
        replaces = [key for key in REPLACING_INPUTS if key in changed]
        if olds.get("http_voice_v2_app_id") and not news.get("http_voice_v2_app_id"):
            # Bandwidth's PUT cannot clear the voice application: recreate the credential.
            replaces.append("http_voice_v2_app_id")
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            delete_before_replace=bool(replaces) and _same_key(olds, news),
        )

    @short_errors("SIP credential")
    def create(self, props: dict[str, Any]) -> CreateResult:
        desired = DesiredCredential.from_props(props)
        wanted = desired.to_api()
        api = self._api()
        try:
            api.create_credential(wanted)
        except BandwidthApiError as error:
            if not error.has_code(CODE_ALREADY_EXISTS):
                raise
            if not desired.adopt:
                raise error.with_hint(
                    "to manage the existing credential, declare it with adopt=True"
                ) from None
            self._take_over(api, wanted)
        return CreateResult(desired.hashes.composite_username, desired.outputs())

    @short_errors("SIP credential")
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Live values; an empty id tells the engine the credential is gone."""
        live = self._api().get_credential(id_)
        if live is None:
            return ReadResult(None, {})
        known = {key: props[key] for key in ("password", ADOPT) if props.get(key) is not None}
        return ReadResult(id_, {**known, **_live_outputs(live, props.get("realm"))})

    @short_errors("SIP credential")
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        desired = DesiredCredential.from_props(news)
        wanted = desired.to_api()
        api = self._api()
        try:
            api.update_credential(wanted)
        except BandwidthApiError as error:
            if not error.is_not_found:
                raise
            api.create_credential(wanted)  # deleted out of band since the last refresh
        return UpdateResult(desired.outputs())

    @short_errors("SIP credential")
    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        self._api().delete_credential(id_)

    # -- helpers -----------------------------------------------------------------------------------

    def _api(self) -> BandwidthClient:
        with self._lock:
            if self._client is None:
                self._client = BandwidthClient(load_client_settings(self._config))
            return self._client

    @staticmethod
    def _take_over(api: BandwidthClient, wanted: Credential) -> None:
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


def _check_failures(inputs: Mapping[str, Any]) -> Iterator[CheckFailure]:
    for key in REQUIRED_INPUTS:
        if key not in inputs:
            yield CheckFailure(key, f"{key}: is required")
    for key, validate in _VALIDATORS.items():
        value = inputs.get(key)
        if value is None or value == UNKNOWN:
            continue
        if not isinstance(value, str):
            yield CheckFailure(key, f"{key}: must be a string (got {type(value).__name__})")
            continue
        try:
            validate(value)
        except InvalidInputError as error:
            yield CheckFailure(key, str(error))
    if inputs.get(ADOPT) not in (None, UNKNOWN) and not isinstance(inputs[ADOPT], bool):
        yield CheckFailure(ADOPT, f"{ADOPT}: must be true or false")


def _put_cannot_reach(existing: Credential, wanted: Credential) -> bool:
    clears_app = existing.http_voice_v2_app_id and not wanted.http_voice_v2_app_id
    return existing.composite_username != wanted.composite_username or bool(clears_app)


def _hashes_drifted(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Someone changed the hashes at Bandwidth (seen on refresh), or the state lacks them."""
    if any(news.get(key) in (None, UNKNOWN) for key in REQUIRED_INPUTS):
        return False
    expected = DesiredCredential.from_props(news).hashes
    held = (str(olds.get("hash1", "")).lower(), str(olds.get("hash1b", "")).lower())
    return held != (expected.hash1, expected.hash1b)


def _same_key(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Old and new composite usernames name the same Bandwidth credential (case-insensitive).

    Then the old one must be deleted before the new one is created, or the create would be
    refused as a duplicate; otherwise create first, so the credential never goes missing.
    """
    values = [olds.get("username"), olds.get("domain"), news.get("username"), news.get("domain")]
    if UNKNOWN in values or values[0] is None or values[2] is None:
        return False
    old = composite_username(olds["username"], olds.get("domain"))
    new = composite_username(news["username"], news.get("domain"))
    return same_composite(old, new)


def _live_outputs(live: Credential, realm_in_state: str | None) -> dict[str, Any]:
    return _without_none(
        {
            "username": live.user_name,
            "domain": live.domain,
            "realm": live.realm or realm_in_state,
            "http_voice_v2_app_id": live.http_voice_v2_app_id,
            "composite_username": live.composite_username,
            "hash1": live.hash1,
            "hash1b": live.hash1b,
        }
    )


def _without_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _no_config(_key: str) -> object:
    return None
