"""The Pulumi dynamic providers: one thin adapter from ``pulumi.dynamic`` to the operations
of any kind of resource (:class:`KindProvider`), and one subclass per kind.

Pulumi pickles these classes into the stack state *by reference* (module path and class
name: a compatibility promise, see the README), so each kind's class is defined here, by
name, and stays here. Pulumi runs them in the ``pulumi.dynamic`` plugin process, which
serves up to four gRPC calls at once. So an instance pickles to nothing (no credentials,
sessions or config end up in state), reads its settings in :meth:`KindProvider.configure`,
and builds one thread-safe API client on first use. The rules live in each resource's
operations (``bw_pulumi.resources.<resource>.operations``), which know nothing of
``pulumi.dynamic``; what a kind is comes from its record (:mod:`bw_pulumi.resources.kind`).
"""

from __future__ import annotations

import logging
import threading
from typing import Any, ClassVar

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
from bw_pulumi.config.logs import LOGGER_NAME, configure_logging, notice
from bw_pulumi.config.settings import (
    ConfigLookup,
    load_client_settings,
    load_log_level,
    retry_policy,
)
from bw_pulumi.config.shared import shared_pieces
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.hook_errors import ProviderOperationError, describe, short_errors
from bw_pulumi.resources.kind import Kind
from bw_pulumi.resources.lifecycle import PartialFailure
from bw_pulumi.resources.sip_credential.kind import SIP_CREDENTIAL_KIND
from bw_pulumi.resources.sip_credential.operations import DesiredCredential
from bw_pulumi.resources.sip_credential_set.kind import SIP_CREDENTIAL_SET_KIND
from bw_pulumi.resources.sip_realm.kind import SIP_REALM_KIND

__all__ = [
    "DesiredCredential",
    "KindProvider",
    "SipCredentialProvider",
    "SipCredentialSetProvider",
    "SipRealmProvider",
]


class KindProvider(ResourceProvider):
    """CRUD for one resource of the subclass's ``kind``: settings from the stack config, one
    API client built on first use, and each hook's expected failures told in one line
    naming the kind (:func:`~bw_pulumi.resources.hook_errors.short_errors`).

    A create or update that did part of its work raises
    :class:`~bw_pulumi.resources.lifecycle.PartialFailure`. A dynamic provider cannot fail
    and return state in one call (its server aborts the call, and the engine then keeps
    nothing), so the failure is *returned*: the result carries the state to keep, whose
    outputs record what failed (a set's ``failures``), the engine saves it, and the
    resource class fails the ``up`` when that output is not empty
    (:class:`bw_pulumi.resource.SipCredentialSet`). The failure's one line also goes to
    the provider's log, so the diagnostics name it beside the resource's own error.

    A dynamic provider's diff answers only "changes" and "replaces" (its server drops any
    detailed diff), and ``pulumi.log`` does not reach the engine from its process
    (pulumi/pulumi#6065, #18253: its stdout and stderr do). So when a kind's plan can say
    what changes inside the resource (:meth:`~bw_pulumi.resources.lifecycle.Plan.summary`,
    e.g. the set's entries), :meth:`diff` writes that line to the provider's stderr, which
    the CLI shows among the preview's diagnostics.
    """

    kind: ClassVar[Kind]

    def __init__(self) -> None:
        super().__init__()
        self._config: ConfigLookup = _no_config
        self._client: BandwidthClient | None = None
        self._lock = threading.Lock()
        self._ops = self.kind.operations(shared_pieces(self._api, self._setting))

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

    def _setting(self, key: str) -> object:
        """The stack config as :meth:`configure` last set it."""
        return self._config(key)

    def _api(self) -> BandwidthClient:
        with self._lock:
            if self._client is None:
                self._client = BandwidthClient(
                    load_client_settings(self._config), policy=retry_policy(self._config)
                )
            return self._client

    @short_errors
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        checked = self._ops.check(olds, news)
        failures = [CheckFailure(f.property, f.reason) for f in checked.failures]
        if failures:
            return CheckResult(checked.inputs, failures)
        return CheckResult({**checked.inputs, **self.kind.outputs_of_inputs(checked.inputs)}, [])

    @short_errors
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        plan = self._ops.diff(olds, news)
        summary = plan.summary() if plan.changes else None
        if summary:
            notice(f"{describe(self.kind.label, [news], self.kind.name_of)}: {summary}")
        return DiffResult(
            changes=plan.changes,
            replaces=plan.replaces,
            delete_before_replace=plan.delete_before_replace,
        )

    @short_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        try:
            created = self._ops.create(props)
        except PartialFailure as partial:
            self._log_partial("create", partial, [props])
            return CreateResult(partial.id, partial.outputs)
        return CreateResult(created.id, created.outputs)

    @short_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        found = self._ops.read(id_, props)
        return ReadResult(found.id, found.outputs)

    @short_errors
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        try:
            return UpdateResult(self._ops.update(id_, olds, news))
        except PartialFailure as partial:
            self._log_partial("update", partial, [id_, news])
            return UpdateResult(partial.outputs)

    @short_errors
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self._ops.delete(id_, props)

    def _log_partial(self, hook: str, partial: PartialFailure, args: list[Any]) -> None:
        """The failure's one line (no secret: keys and scrubbed reasons), as a warning."""
        what = describe(self.kind.label, args, self.kind.name_of)
        logging.getLogger(LOGGER_NAME).warning("%s %s failed in part: %s", hook, what, partial)


class SipCredentialProvider(KindProvider):
    """CRUD for one SIP credential: account-level (keyed by composite username) or
    realm-scoped (``{realm_id}/{credential_id}``)."""

    kind = SIP_CREDENTIAL_KIND


class SipCredentialSetProvider(KindProvider):
    """CRUD for a set of SIP credentials of one realm, written in bulk; a partial write
    returns the state with ``failures`` (see :class:`KindProvider`)."""

    kind = SIP_CREDENTIAL_SET_KIND


class SipRealmProvider(KindProvider):
    """CRUD for one SIP realm, keyed by its id."""

    kind = SIP_REALM_KIND


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
