"""The Pulumi dynamic providers: thin adapters from ``pulumi.dynamic`` to the operations.

Pulumi pickles these classes into the stack state *by reference* (module path and class
name: a compatibility promise, see the README) and runs them in the ``pulumi.dynamic``
plugin process, which serves up to four gRPC calls at once. So an instance pickles to
nothing (no credentials, sessions or config end up in state), reads its settings in
:meth:`configure`, and builds one thread-safe API client on first use. The rules live in
each resource's operations (``bw_pulumi.resources.<resource>.operations``), which know
nothing of ``pulumi.dynamic``.
"""

from __future__ import annotations

import logging
import threading
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

from bw_pulumi.api.errors import ConfigurationError
from bw_pulumi.config.check import check_settings, unknown_key_warnings
from bw_pulumi.config.logs import LOGGER_NAME, configure_logging
from bw_pulumi.config.settings import (
    ConfigLookup,
    load_client_settings,
    load_log_level,
    load_realm_wait_seconds,
    retry_policy,
)
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.hook_errors import ProviderOperationError, realm_name, short_errors
from bw_pulumi.resources.lifecycle import UNKNOWN, Checked, Found, Plan
from bw_pulumi.resources.sip_credential.operations import CredentialOperations, DesiredCredential
from bw_pulumi.resources.sip_credential.rules import composite_username
from bw_pulumi.resources.sip_realm.operations import RealmOperations, Waiting

__all__ = ["DesiredCredential", "SipCredentialProvider", "SipRealmProvider"]


class _ConfiguredProvider(ResourceProvider):
    """Settings from the stack config, and one API client built on first use."""

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
        """Pulumi's dynamic provider server calls this on the first hook of each provider
        (not from its own Configure), outside the hooks' short errors: at preview, that is
        the first Check. So the settings are checked here (:mod:`bw_pulumi.config.check`):
        a missing or bad one fails the preview as the same one-line
        :class:`ProviderOperationError` the first request would, and an unknown
        ``bandwidth:*`` key of the stack config (the server passes it all) is a warning."""
        self._config = req.config.get
        configure_logging(load_log_level(self._config))
        _warn_once(unknown_key_warnings(_config_keys(req)))
        try:
            check_settings(self._config)
        except ConfigurationError as error:
            message = f"configure the Bandwidth provider failed: {error}"
            raise ProviderOperationError(message, error) from None

    def _api(self) -> BandwidthClient:
        with self._lock:
            if self._client is None:
                self._client = BandwidthClient(
                    load_client_settings(self._config), policy=retry_policy(self._config)
                )
            return self._client


class SipCredentialProvider(_ConfiguredProvider):
    """CRUD for one SIP credential: account-level (keyed by composite username) or
    realm-scoped (``{realm_id}/{credential_id}``)."""

    def __init__(self) -> None:
        super().__init__()
        self._ops = CredentialOperations(self._api)

    @short_errors("SIP credential")
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        checked = self._ops.check(_olds, news)
        if checked.failures:
            return _check_result(checked)
        return _check_result(Checked(_with_composite(checked.inputs), []))

    @short_errors("SIP credential")
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return _diff_result(self._ops.diff(olds, news))

    @short_errors("SIP credential")
    def create(self, props: dict[str, Any]) -> CreateResult:
        created = self._ops.create(props)
        return CreateResult(created.id, created.outputs)

    @short_errors("SIP credential")
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return _read_result(self._ops.read(id_, props))

    @short_errors("SIP credential")
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._ops.update(id_, olds, news))

    @short_errors("SIP credential")
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self._ops.delete(id_, props)


class SipRealmProvider(_ConfiguredProvider):
    """CRUD for one SIP realm, keyed by its id."""

    def __init__(self) -> None:
        super().__init__()
        self._ops = RealmOperations(
            self._api, Waiting(seconds=lambda: load_realm_wait_seconds(self._config))
        )

    @short_errors("SIP realm", name_of=realm_name)
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return _check_result(self._ops.check(olds, news))

    @short_errors("SIP realm", name_of=realm_name)
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return _diff_result(self._ops.diff(olds, news))

    @short_errors("SIP realm", name_of=realm_name)
    def create(self, props: dict[str, Any]) -> CreateResult:
        created = self._ops.create(props)
        return CreateResult(created.id, created.outputs)

    @short_errors("SIP realm", name_of=realm_name)
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return _read_result(self._ops.read(id_, props))

    @short_errors("SIP realm", name_of=realm_name)
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._ops.update(id_, olds, news))

    @short_errors("SIP realm", name_of=realm_name)
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self._ops.delete(id_, props)


def _check_result(checked: Checked) -> CheckResult:
    failures = [CheckFailure(f.property, f.reason) for f in checked.failures]
    return CheckResult(checked.inputs, failures)


def _with_composite(inputs: dict[str, Any]) -> dict[str, Any]:
    """The inputs plus ``composite_username``, which they alone decide.

    A dynamic provider cannot answer a preview (its server never says it supports one),
    so the engine previews an update's outputs as the checked inputs, and every output
    missing from them as unknown: a password change would show an export of the
    composite username as ``[unknown]``, as if the username changed. Carried among the
    inputs, it stays known wherever username and domain are. (Outputs the API decides,
    such as ``credential_id``, cannot be carried so.)"""
    username, domain = inputs.get("username"), inputs.get("domain")
    if not isinstance(username, str) or username == UNKNOWN or domain == UNKNOWN:
        return inputs
    if domain is not None and not isinstance(domain, str):
        return inputs
    return {**inputs, "composite_username": composite_username(username, domain)}


def _diff_result(plan: Plan) -> DiffResult:
    return DiffResult(
        changes=plan.changes,
        replaces=plan.replaces,
        delete_before_replace=plan.delete_before_replace,
    )


def _read_result(found: Found) -> ReadResult:
    return ReadResult(found.id, found.outputs)


def _no_config(_key: str) -> object:
    return None


#: What this process has warned about: each provider class configures once per process,
#: and a stack of credentials and realms has two.
_WARNED: set[str] = set()


def _warn_once(messages: list[str]) -> None:
    for message in messages:
        if message not in _WARNED:
            _WARNED.add(message)
            logging.getLogger(LOGGER_NAME).warning("%s", message)


def _config_keys(req: ConfigureRequest) -> list[str]:
    """The stack config's keys. ``pulumi.dynamic.Config`` offers lookups only; its
    ``_props`` is the dict the server built from the engine's Configure call."""
    props = getattr(req.config, "_props", None)
    return [str(key) for key in props] if isinstance(props, dict) else []
