"""Drive `python -m pulumi.dynamic` over gRPC the way the Pulumi engine does."""

from __future__ import annotations

import asyncio
import os
import select
import subprocess
import sys
from types import TracebackType
from typing import Any, TypeVar

import grpc
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import proto, rpc
from pulumi.runtime.proto import provider_pb2_grpc

from bw_pulumi import SipCredentialProvider, SipCredentialSetProvider, SipRealmProvider

TYPE_TOKEN = "pulumi-python:dynamic/bandwidth:SipCredential"
REALM = "realm"  # ``kind`` of a call served by SipRealmProvider
SET = "set"  # ``kind`` of a call served by SipCredentialSetProvider
CALL_TIMEOUT_SECONDS = 60
PROVIDER_KEY = "__provider"


def urn(name: str) -> str:
    return f"urn:pulumi:test::bw-pulumi::{TYPE_TOKEN}::{name}"


def encode(props: dict[str, Any]) -> Any:
    """On a loop of its own: ``asyncio.run`` would leave the thread with no current loop,
    which breaks a later test under ``pulumi.runtime.set_mocks``."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()


def decode(struct: Any) -> dict[str, Any]:
    return dict(rpc.deserialize_properties(struct, True))


Plugin = TypeVar("Plugin", bound="PluginProcess")


class PluginProcess:
    """A provider plugin process the engine would launch: started, its printed port
    dialled over gRPC, and stopped (terminated, then killed) on exit."""

    def __init__(self, command: list[str], env: dict[str, str], name: str) -> None:
        self._command = command
        self._env = env
        self._name = name
        self._process: subprocess.Popen[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self.stub: Any = None

    def __enter__(self: Plugin) -> Plugin:
        self._process = subprocess.Popen(
            self._command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=self._env
        )
        try:
            port = self._read_port()
            self._channel = grpc.insecure_channel(f"127.0.0.1:{port}")
            grpc.channel_ready_future(self._channel).result(timeout=30)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        return self

    def _read_port(self) -> int:
        """The plugin prints its port first; give up rather than wait for ever."""
        assert self._process is not None and self._process.stdout is not None
        ready, _, _ = select.select([self._process.stdout], [], [], 30)
        if not ready:
            raise TimeoutError(f"{self._name} printed no port within 30 s")
        return int(self._process.stdout.readline().decode().strip())

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._channel is not None:
            self._channel.close()
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.communicate()


class ProviderProcess(PluginProcess):
    """The dynamic provider plugin process, with one engine-like call per hook."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            {**os.environ, "PULUMI_PROJECT": "bw-pulumi", **(env or {})},
            "the dynamic provider process",
        )
        self.provider_blob = serialize_provider(SipCredentialProvider())
        self.realm_provider_blob = serialize_provider(SipRealmProvider())
        self.set_provider_blob = serialize_provider(SipCredentialSetProvider())

    def with_provider(self, props: dict[str, Any], kind: str = "") -> dict[str, Any]:
        blob = {REALM: self.realm_provider_blob, SET: self.set_provider_blob}.get(
            kind, self.provider_blob
        )
        return {**props, PROVIDER_KEY: blob}

    def configure(self, config: dict[str, str]) -> None:
        self.stub.Configure(
            proto.ConfigureRequest(args=encode(config), acceptSecrets=False),
            timeout=CALL_TIMEOUT_SECONDS,
        )

    def check(self, name: str, olds: dict[str, Any], news: dict[str, Any], kind: str = "") -> Any:
        return self.stub.Check(
            proto.CheckRequest(
                urn=urn(name),
                olds=encode(self.with_provider(olds, kind) if olds else {}),
                news=encode(self.with_provider(news, kind)),
            ),
            timeout=CALL_TIMEOUT_SECONDS,
        )

    def diff(
        self, name: str, id_: str, olds: dict[str, Any], news: dict[str, Any], kind: str = ""
    ) -> Any:
        return self.stub.Diff(
            proto.DiffRequest(
                id=id_,
                urn=urn(name),
                olds=encode(self.with_provider(olds, kind)),
                news=encode(self.with_provider(news, kind)),
            ),
            timeout=CALL_TIMEOUT_SECONDS,
        )

    def create(
        self, name: str, props: dict[str, Any], kind: str = ""
    ) -> tuple[str, dict[str, Any]]:
        reply = self.stub.Create(
            proto.CreateRequest(urn=urn(name), properties=encode(self.with_provider(props, kind))),
            timeout=CALL_TIMEOUT_SECONDS,
        )
        return reply.id, decode(reply.properties)

    def read(
        self, name: str, id_: str, props: dict[str, Any], kind: str = ""
    ) -> tuple[str, dict[str, Any]]:
        props = self.with_provider(props, kind)
        reply = self.stub.Read(
            proto.ReadRequest(id=id_, urn=urn(name), properties=encode(props)),
            timeout=CALL_TIMEOUT_SECONDS,
        )
        return reply.id, decode(reply.properties)

    def update(
        self, name: str, id_: str, olds: dict[str, Any], news: dict[str, Any], kind: str = ""
    ) -> dict[str, Any]:
        reply = self.stub.Update(
            proto.UpdateRequest(
                id=id_,
                urn=urn(name),
                olds=encode(self.with_provider(olds, kind)),
                news=encode(self.with_provider(news, kind)),
            ),
            timeout=CALL_TIMEOUT_SECONDS,
        )
        return decode(reply.properties)

    def delete(self, name: str, id_: str, props: dict[str, Any], kind: str = "") -> None:
        self.stub.Delete(
            proto.DeleteRequest(
                id=id_, urn=urn(name), properties=encode(self.with_provider(props, kind))
            ),
            timeout=CALL_TIMEOUT_SECONDS,
        )
