"""The ``bandwidth`` package provider: the provider protocol mapped onto the operations.

One plugin process serves one provider (the default one, configured from stack config, or
one explicit ``pulumi:providers:bandwidth`` resource), so one Bandwidth account. The engine
calls it for many resources at once: the blocking operations run on a thread pool large
enough that the engine's ``--parallel`` is the only limit.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    PropertyDiff,
    PropertyDiffKind,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from bw_pulumi.api.errors import ConfigurationError
from bw_pulumi.config.check import check_settings, unknown_key_warnings
from bw_pulumi.config.logs import LOGGER_NAME, configure_logging
from bw_pulumi.config.properties import PROVIDER_CONFIG
from bw_pulumi.config.settings import (
    load_api_urls,
    load_client_settings,
    load_log_level,
    retry_policy,
)
from bw_pulumi.config.shared import shared_pieces
from bw_pulumi.native import schema
from bw_pulumi.native.names import camel_path, camel_text, to_camel
from bw_pulumi.native.values import plain_value, secret_keys, to_plain, to_wire
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.hook_errors import EXPECTED_FAILURES, ProviderOperationError, describe
from bw_pulumi.resources.kind import Kind, Operations, Previews
from bw_pulumi.resources.lifecycle import UNKNOWN, PartialFailure, Plan, Props
from bw_pulumi.resources.properties import ResourceDefinition
from bw_pulumi.resources.registry import KINDS

#: Threads for API calls. The engine decides how many operations run at once (``--parallel``);
#: idle threads cost nothing, and they are started only when needed.
MAX_THREADS = 256
CONFIG_PREFIX = f"{schema.PACKAGE}:"
T = TypeVar("T")

#: How a change inside a property (a plan's :meth:`~Plan.paths`) shows in a detailed diff.
#: An entry replaced inside a resource is an update of that resource: only the properties
#: a plan ``replaces`` replace it.
PATH_DIFF_KINDS = {
    "create": PropertyDiffKind.ADD,
    "update": PropertyDiffKind.UPDATE,
    "replace": PropertyDiffKind.UPDATE,
    "delete": PropertyDiffKind.DELETE,
}


class InitializationFailed(Exception):
    """A create or update that did part of its work (a :class:`PartialFailure`), as the
    engine must hear it: Pulumi's ``ErrorResourceInitFailed`` detail, carrying the id and
    the state to save (``properties``, as sent on the wire), and one reason per failed
    part, which the CLI prints one per line. The server answers it
    (:mod:`bw_pulumi.native.server`); ``message`` holds no secret."""

    def __init__(
        self, message: str, id_: str, properties: dict[str, PropertyValue], reasons: list[str]
    ) -> None:
        super().__init__(message)
        self.id = id_
        self.properties = properties
        self.reasons = reasons

    def __repr__(self) -> str:  # the properties hold secrets
        return f"InitializationFailed({str(self)!r}, reasons={len(self.reasons)})"


@dataclass(frozen=True)
class Served:
    """A kind of resource as this provider serves it: its record and its operations."""

    kind: Kind
    ops: Operations

    @property
    def definition(self) -> ResourceDefinition:
        return self.kind.definition

    def wire(
        self, props: Mapping[str, Any], also_secret: Collection[str] = ()
    ) -> dict[str, PropertyValue]:
        return to_wire(props, {*self.definition.secrets, *also_secret}, self.definition)

    def plain(self, values: Mapping[str, PropertyValue]) -> Props:
        return to_plain(values, self.definition)

    def preview(self, news: Props, olds: Props | None = None) -> Props:
        """A preview's outputs: the operations' own (:class:`Previews`), or the default."""
        if isinstance(self.ops, Previews):
            return self.ops.preview(olds or {}, news)
        return _previewed(self, news, olds)

    def initialization_failed(
        self, failure: ProviderOperationError, also_secret: Collection[str]
    ) -> Exception:
        """A partial create or update as the engine must hear it, with the state to keep;
        any other failure as it is."""
        partial = failure.cause
        if not isinstance(partial, PartialFailure):
            return failure
        reasons = [self.message(reason) for reason in partial.reasons]
        properties = self.wire(partial.outputs, also_secret)
        return InitializationFailed(str(failure), partial.id, properties, reasons)

    def message(self, text: str) -> str:
        return camel_text(text, schema.property_names(self.definition))

    def call(self, hook: str, operation: Callable[..., T], *args: Any) -> T:
        """``operation(*args)``; an expected failure is told as the dynamic provider tells
        it (:mod:`bw_pulumi.resources.hook_errors`): "create SIP credential 'bob' failed: ..."."""
        try:
            return operation(*args)
        except EXPECTED_FAILURES as error:
            what = describe(self.kind.label, args, self.kind.name_of)
            failure = ProviderOperationError(f"{hook} {what} failed: {error}", error)
        raise failure


class BandwidthProvider(Provider):
    """Every kind of :mod:`bw_pulumi.resources.registry` (``bandwidth:index:SipCredential``,
    ...) for one Bandwidth account.

    ``environ`` replaces ``os.environ`` for the settings' fallbacks (for tests)."""

    def __init__(self, version: str, *, environ: Mapping[str, str] | None = None) -> None:
        self._version = version
        self._environ = environ
        self._config: dict[str, object] = {}
        self._client: BandwidthClient | None = None
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(MAX_THREADS, thread_name_prefix="bandwidth")
        self._kinds = self._new_kinds()
        #: Where a warning goes (message, URN): the server points it at the engine's Log,
        #: because the engine shows a plugin's stderr only with ``--logtostderr``.
        self.warn: Callable[[str, str], None] = _log_warning

    def _new_kinds(self) -> dict[str, Served]:
        """Fresh operations: their caches (list pages, realm FQDNs) belong to one account
        and one configuration, so a second Configure must not inherit them."""
        shared = shared_pieces(self._api, self._lookup, self._environ)
        return {
            schema.type_token(kind.definition): Served(kind, kind.operations(shared))
            for kind in KINDS
        }

    # -- configuration ----------------------------------------------------------------------

    def _lookup(self, key: str) -> object:
        return self._config.get(key)

    def _api(self) -> BandwidthClient:
        with self._lock:
            if self._client is None:
                self._client = BandwidthClient(
                    load_client_settings(self._lookup, self._environ),
                    policy=retry_policy(self._lookup, self._environ),
                )
            return self._client

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(schema.render(self._version))

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        """Keep the provider's secrets secret in its state, whoever declared them; check
        the settings as ``pulumi preview`` runs, before any request
        (:mod:`bw_pulumi.config.check`): a missing or bad one fails, an unknown key warns."""
        secrets = {item.name for item in PROVIDER_CONFIG if item.secret}
        inputs = {
            key: value.with_secret(value.is_secret or key in secrets)
            for key, value in request.new_inputs.items()
        }
        return CheckResponse(inputs=inputs, failures=self._settings_failures(request))

    def _settings_failures(self, request: CheckRequest) -> list[CheckFailure]:
        config = {CONFIG_PREFIX + key: plain_value(v) for key, v in request.new_inputs.items()}
        configure_logging(load_log_level(config.get, self._environ))
        for message in unknown_key_warnings(config):
            self.warn(message, request.urn)
        if UNKNOWN in config.values():
            return []  # an explicit provider's setting computed by another resource
        try:
            check_settings(config.get, self._environ)
        except ConfigurationError as error:
            return [CheckFailure("", str(error))]
        return []

    async def diff_config(self, request: DiffRequest) -> DiffResponse:
        """A changed setting updates the provider in place; it never replaces resources."""
        olds, news = to_plain(request.old_state), to_plain(request.new_inputs)
        changed = sorted(
            to_camel(key) for key in {*olds, *news} - {"version"} if olds.get(key) != news.get(key)
        )
        return DiffResponse(
            changes=bool(changed),
            diffs=changed,
            detailed_diff={key: PropertyDiff(PropertyDiffKind.UPDATE, True) for key in changed},
        )

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        """Settings come as properties (``accountId``); for the default provider the engine
        also sends the stack config (``bandwidth:accountId``). Read either through
        :mod:`bw_pulumi.config.settings`, which adds the environment fallbacks."""
        config: dict[str, object] = {
            key: value for key, value in request.variables.items() if key.startswith(CONFIG_PREFIX)
        }
        for key, value in request.args.items():
            if value.value is not None:
                config[CONFIG_PREFIX + key] = plain_value(value)
        load_api_urls(config.get, self._environ)  # a bad URL fails here, before any request
        with self._lock:
            self._config, self._client, self._kinds = config, None, self._new_kinds()
        configure_logging(load_log_level(self._lookup, self._environ))
        return ConfigureResponse(accept_secrets=True, supports_preview=True)

    # -- resources ----------------------------------------------------------------------------

    def _kind(self, urn_type: str) -> Served:
        kind = self._kinds.get(urn_type)
        if kind is None:
            raise ValueError(f"the bandwidth provider has no resource type {urn_type!r}")
        return kind

    async def check(self, request: CheckRequest) -> CheckResponse:
        kind = self._kind(request.type)
        olds, news = kind.plain(request.old_inputs), kind.plain(request.new_inputs)
        checked = kind.call("check", kind.ops.check, olds, news)
        failures = [
            f for f in checked.failures if not _unreadable_at_import(kind, olds, news, f.property)
        ]
        return CheckResponse(
            inputs=kind.wire(checked.inputs, secret_keys(request.new_inputs)),
            failures=[CheckFailure(to_camel(f.property), kind.message(f.reason)) for f in failures],
        )

    async def diff(self, request: DiffRequest) -> DiffResponse:
        kind = self._kind(request.type)
        olds, news = kind.plain(request.old_state), kind.plain(request.new_inputs)
        plan = kind.call("diff", kind.ops.diff, olds, news)
        return DiffResponse(
            changes=plan.changes,
            replaces=[to_camel(key) for key in plan.replaces],
            delete_before_replace=plan.delete_before_replace,
            diffs=[to_camel(key) for key in plan.changed],
            detailed_diff=_detailed_diff(kind, plan, olds, news),
        )

    async def create(self, request: CreateRequest) -> CreateResponse:
        kind = self._kind(request.type)
        props = kind.plain(request.properties)
        secrets = secret_keys(request.properties)
        if request.preview:
            return CreateResponse(None, kind.wire(kind.preview(props), secrets))
        try:
            created = await self._run(kind.call, "create", kind.ops.create, props)
        except ProviderOperationError as failure:
            raise kind.initialization_failed(failure, secrets) from failure
        return CreateResponse(created.id, kind.wire(created.outputs, secrets))

    async def read(self, request: ReadRequest) -> ReadResponse:
        kind = self._kind(request.type)
        props = kind.plain(request.properties)
        found = await self._run(kind.call, "read", kind.ops.read, request.resource_id, props)
        if found.id is None:
            return ReadResponse(None, {}, {})
        secrets = secret_keys(request.properties)
        properties = kind.wire(found.outputs, secrets)
        inputs = request.inputs or _inputs_of(kind, properties)  # none: `pulumi import`
        return ReadResponse(found.id, properties, inputs)

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        kind = self._kind(request.type)
        olds, news = kind.plain(request.olds), kind.plain(request.news)
        secrets = secret_keys(request.news)
        if request.preview:
            return UpdateResponse(kind.wire(kind.preview(news, olds), secrets))
        try:
            outputs = await self._run(
                kind.call, "update", kind.ops.update, request.resource_id, olds, news
            )
        except ProviderOperationError as failure:
            raise kind.initialization_failed(failure, secrets) from failure
        return UpdateResponse(kind.wire(outputs, secrets))

    async def delete(self, request: DeleteRequest) -> None:
        kind = self._kind(request.type)
        props = kind.plain(request.properties)
        await self._run(kind.call, "delete", kind.ops.delete, request.resource_id, props)

    async def _run(self, call: Callable[..., T], *args: Any) -> T:
        """A blocking operation on the pool, so the event loop serves other calls meanwhile."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, call, *args)


def _log_warning(message: str, _urn: str) -> None:
    logging.getLogger(LOGGER_NAME).warning("%s", message)


def _unreadable_at_import(kind: Served, olds: Props, news: Props, name: str) -> bool:
    """``pulumi import`` checks the inputs a read found; a secret input Bandwidth never
    returns (the password) is missing from them by nature, not by a provider bug. (An
    import is the one check whose old and new inputs are the same non-empty set.)"""
    prop = next((p for p in kind.definition.inputs if p.name == name), None)
    return prop is not None and prop.secret and name not in news and bool(olds) and olds == news


def _inputs_of(kind: Served, properties: Mapping[str, PropertyValue]) -> dict[str, PropertyValue]:
    names = {to_camel(p.name) for p in kind.definition.inputs}
    return {key: value for key, value in properties.items() if key in names}


def _previewed(kind: Served, news: Props, olds: Props | None = None) -> Props:
    """A preview's outputs: the inputs, the outputs an update keeps, unknown for the rest."""
    olds = olds or {}
    inputs = {p.name for p in kind.definition.inputs}
    outputs = {**{k: v for k, v in olds.items() if k not in inputs}, **news}
    for prop in kind.definition.computed:
        unchanged = all(olds.get(name) == news.get(name) for name in prop.derived_from)
        if prop.name not in olds or not unchanged:
            outputs[prop.name] = UNKNOWN
    return outputs


def _detailed_diff(kind: Served, plan: Plan, olds: Props, news: Props) -> dict[str, PropertyDiff]:
    """Each changed property, or, where the plan says what changes inside one (an entry
    of a map: ``credentials["k"]``), each of those paths instead, so the CLI names them."""
    paths = {camel_path(path): PATH_DIFF_KINDS[action] for path, action in plan.paths().items()}
    inside = {_root(path) for path in paths}
    keys = [*plan.changed, *(k for k in plan.replaces if k not in plan.changed)]
    return {
        **{
            to_camel(key): _property_diff(kind, key, olds, news, key in plan.replaces)
            for key in keys
            if to_camel(key) not in inside or key in plan.replaces
        },
        **{path: PropertyDiff(change, True) for path, change in paths.items()},
    }


def _root(path: str) -> str:
    return path.split("[", 1)[0].split(".", 1)[0]


def _property_diff(
    kind: Served, key: str, olds: Props, news: Props, replaces: bool
) -> PropertyDiff:
    is_input = any(p.name == key for p in kind.definition.inputs)
    if olds.get(key) is None:
        change = PropertyDiffKind.ADD_REPLACE if replaces else PropertyDiffKind.ADD
    elif is_input and news.get(key) is None:
        change = PropertyDiffKind.DELETE_REPLACE if replaces else PropertyDiffKind.DELETE
    else:
        change = PropertyDiffKind.UPDATE_REPLACE if replaces else PropertyDiffKind.UPDATE
    return PropertyDiff(change, is_input)
