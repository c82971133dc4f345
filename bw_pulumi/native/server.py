"""``pulumi-resource-bandwidth``: the plugin's entry point, a gRPC server for the engine.

It serves :class:`~bw_pulumi.native.provider.BandwidthProvider` through the SDK's
``pulumi.provider.experimental`` servicer, with one change: the SDK turns every exception
into its message plus a traceback, which the CLI prints in full. A failure the user can
act on (Bandwidth refused, a setting is missing, a realm never became ACTIVE) is instead
answered with the message alone; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import grpc.aio
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import DiffRequest
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime import proto
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2_grpc, status_pb2

from bw_pulumi.native.names import camel_text
from bw_pulumi.native.provider import BandwidthProvider, InitializationFailed
from bw_pulumi.native.schema import plugin_version, property_names
from bw_pulumi.resources.hook_errors import EXPECTED_FAILURES, ProviderOperationError
from bw_pulumi.resources.registry import RESOURCES

#: Failures whose message says everything the user needs: no traceback.
EXPECTED_ERRORS: tuple[type[Exception], ...] = (ProviderOperationError, *EXPECTED_FAILURES)
_ALL_NAMES = tuple(name for d in RESOURCES for name in property_names(d))

#: The trailing metadata key of a gRPC status's details (a serialized google.rpc.Status).
GRPC_STATUS_DETAILS = "grpc-status-details-bin"

Handler = Callable[[Any, Any, Any], Awaitable[Any]]


def expected_error(
    error: BaseException, expected: tuple[type[BaseException], ...] = EXPECTED_ERRORS
) -> BaseException | None:
    """The expected failure behind ``error``: itself, or the exception the SDK's wrapper
    (``raise Exception(f"{e}:\\n{traceback}")`` inside ``except``) was raised from."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, expected):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def initialization_failure(failure: InitializationFailed) -> tuple[tuple[str, bytes], ...]:
    """The trailing metadata of a gRPC status carrying Pulumi's ``ErrorResourceInitFailed``
    detail (what Go providers send with ``rpcerror.WithDetails``): the engine saves the id
    and properties as the resource's state, then fails the step with the reasons."""
    status = status_pb2.Status(code=grpc.StatusCode.UNKNOWN.value[0], message=str(failure))
    status.details.add().Pack(
        proto.ErrorResourceInitFailed(
            id=failure.id,
            properties=PropertyValue.marshal_map(failure.properties),
            reasons=failure.reasons,
        )
    )
    return ((GRPC_STATUS_DETAILS, status.SerializeToString()),)


def _short_errors(handler: Handler) -> Handler:
    async def serve(self: Any, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        try:
            return await handler(self, request, context)
        except Exception as error:
            partial = expected_error(error, (InitializationFailed,))
            if isinstance(partial, InitializationFailed):
                message = camel_text(str(partial), _ALL_NAMES)
                metadata = initialization_failure(partial)
                await context.abort(grpc.StatusCode.UNKNOWN, message, trailing_metadata=metadata)
            expected = expected_error(error)
            if expected is None:
                raise
            await context.abort(grpc.StatusCode.UNKNOWN, camel_text(str(expected), _ALL_NAMES))

    return serve


async def _diff_config(self: BandwidthServicer, request: Any, context: Any) -> Any:
    """The SDK's DiffConfig (3.272) reads ``v.inputDiff`` and passes the kind enum as is:
    any changed setting fails. This is its Diff's conversion, for the provider's config."""
    response = await self.provider.diff_config(
        DiffRequest(
            request.urn,
            request.id,
            PropertyValue.unmarshal_map(request.olds),
            PropertyValue.unmarshal_map(request.news),
            list(request.ignoreChanges),
        )
    )
    changes = proto.DiffResponse.DIFF_SOME if response.changes else proto.DiffResponse.DIFF_NONE
    return proto.DiffResponse(
        changes=changes,
        replaces=response.replaces,
        diffs=response.diffs,
        detailedDiff={
            key: proto.PropertyDiff(
                kind=proto.PropertyDiff.Kind.Value(diff.kind.name), inputDiff=diff.input_diff
            )
            for key, diff in response.detailed_diff.items()
        },
        hasDetailedDiff=True,
    )


class BandwidthServicer(ProviderServicer):
    """The SDK's servicer, answering expected failures with their message alone."""

    def __init__(
        self, args: list[str], version: str, provider: BandwidthProvider, engine_address: str
    ) -> None:
        super().__init__(args, version, provider, engine_address)
        self.provider = provider

    CheckConfig = _short_errors(ProviderServicer.CheckConfig)
    DiffConfig = _short_errors(_diff_config)
    Configure = _short_errors(ProviderServicer.Configure)
    Check = _short_errors(ProviderServicer.Check)
    Diff = _short_errors(ProviderServicer.Diff)
    Create = _short_errors(ProviderServicer.Create)
    Read = _short_errors(ProviderServicer.Read)
    Update = _short_errors(ProviderServicer.Update)
    Delete = _short_errors(ProviderServicer.Delete)


async def serve(args: list[str], version: str, provider: BandwidthProvider) -> None:
    """What ``pulumi.provider.experimental.server.main`` does, with our servicer: listen
    on a free local port and print it (the engine reads it from stdout)."""
    parser = argparse.ArgumentParser(prog="pulumi-resource-bandwidth")
    parser.add_argument("engine", help="the Pulumi engine's address")
    known, _ = parser.parse_known_args(args)
    server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
    servicer = BandwidthServicer(args, version, provider, known.engine)
    provider.warn = engine_warning(known.engine)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    await server.wait_for_termination()


#: How long a warning may take to reach the engine before it goes to stderr instead.
LOG_TIMEOUT_SECONDS = 5.0


def engine_warning(address: str) -> Callable[[str, str], None]:
    """A warning shown by the CLI for the resource ``urn``, through the engine's Log call
    (what ``pulumi.log.warn`` does in a program); on stderr if the engine cannot be told."""
    stub = engine_pb2_grpc.EngineStub(grpc.insecure_channel(address, _GRPC_CHANNEL_OPTIONS))

    def warn(message: str, urn: str) -> None:
        try:
            stub.Log(
                engine_pb2.LogRequest(severity=engine_pb2.WARNING, message=message, urn=urn),
                timeout=LOG_TIMEOUT_SECONDS,
            )
        except grpc.RpcError:
            print(f"bw-pulumi: {message}", file=sys.stderr, flush=True)

    return warn


def main() -> None:
    version = plugin_version()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(sys.argv[1:], version, BandwidthProvider(version)))


if __name__ == "__main__":
    main()
