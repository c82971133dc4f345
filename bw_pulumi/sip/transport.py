"""Sending SIP messages over UDP or TCP (RFC 3261 18), one connected socket per check."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Protocol

from bw_pulumi.sip.message import MAX_MESSAGE_BYTES

DEFAULT_PORT = 5060
TRANSPORTS = ("udp", "tcp")


class UnreachableError(OSError):
    """The registrar's host refused or could not be reached; the message says how."""


@dataclass(frozen=True)
class Endpoint:
    """Where the registrar listens: a host name or IP literal, a port, a transport."""

    host: str
    port: int = DEFAULT_PORT
    transport: str = "udp"

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}/{self.transport}"


class Transport(Protocol):
    reliable: bool
    local_host: str
    local_port: int

    def send(self, data: bytes) -> None: ...

    def receive(self, timeout: float) -> bytes | None:
        """One message, or None when nothing arrived within ``timeout`` seconds."""

    def close(self) -> None: ...


def open_transport(endpoint: Endpoint, timeout: float) -> Transport:
    """Resolve the registrar (A/AAAA only, no NAPTR/SRV) and open a socket to it."""
    kind = socket.SOCK_STREAM if endpoint.transport == "tcp" else socket.SOCK_DGRAM
    try:
        family, _, _, _, address = socket.getaddrinfo(endpoint.host, endpoint.port, type=kind)[0]
    except socket.gaierror as error:
        raise UnreachableError(f"cannot resolve {endpoint.host!r}: {error.strerror}") from None
    if endpoint.transport == "tcp":
        return TcpTransport(family, address, timeout)
    return UdpTransport(family, address)


class UdpTransport:
    reliable = False

    def __init__(self, family: int, address: tuple[object, ...]) -> None:
        self._socket = socket.socket(family, socket.SOCK_DGRAM)
        try:
            self._socket.connect(address)  # only fixes the peer: nothing is sent yet
        except OSError as error:
            self._socket.close()
            raise UnreachableError(f"cannot reach the registrar: {error.strerror}") from None
        self.local_host, self.local_port = self._socket.getsockname()[:2]

    def send(self, data: bytes) -> None:
        try:
            self._socket.send(data)
        except OSError as error:
            raise UnreachableError(f"sending failed: {error.strerror}") from None

    def receive(self, timeout: float) -> bytes | None:
        self._socket.settimeout(max(timeout, 0.001))
        try:
            return self._socket.recv(MAX_MESSAGE_BYTES + 1)
        except TimeoutError:
            return None
        except ConnectionRefusedError:
            # ICMP port unreachable for an earlier datagram: nothing listens there.
            raise UnreachableError("the registrar's port refused the request (ICMP)") from None

    def close(self) -> None:
        self._socket.close()


class TcpTransport:
    """A TCP connection; messages are framed by their Content-Length (RFC 3261 18.3)."""

    reliable = True

    def __init__(self, family: int, address: tuple[object, ...], timeout: float) -> None:
        self._socket = socket.socket(family, socket.SOCK_STREAM)
        self._socket.settimeout(timeout)
        try:
            self._socket.connect(address)
        except TimeoutError:
            self._socket.close()
            raise UnreachableError(f"no TCP connection within {timeout:g} s") from None
        except OSError as error:
            self._socket.close()
            raise UnreachableError(f"TCP connection failed: {error.strerror}") from None
        self.local_host, self.local_port = self._socket.getsockname()[:2]
        self._buffer = b""

    def send(self, data: bytes) -> None:
        try:
            self._socket.sendall(data)
        except OSError as error:
            raise UnreachableError(f"sending failed: {error.strerror}") from None

    def receive(self, timeout: float) -> bytes | None:
        self._socket.settimeout(max(timeout, 0.001))
        while (message := self._take_message()) is None:
            try:
                chunk = self._socket.recv(65_536)
            except TimeoutError:
                return None
            except OSError as error:
                raise UnreachableError(f"the TCP connection failed: {error.strerror}") from None
            if not chunk:
                raise UnreachableError("the registrar closed the TCP connection")
            self._buffer += chunk
            if len(self._buffer) > 2 * MAX_MESSAGE_BYTES:
                raise UnreachableError("the registrar sent more than 128 KiB without a message")
        return message

    def _take_message(self) -> bytes | None:
        self._buffer = self._buffer.lstrip(b"\r\n")  # RFC 5626 keep-alives
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        total = end + 4 + _content_length(self._buffer[:end])
        if len(self._buffer) < total:
            return None
        message, self._buffer = self._buffer[:total], self._buffer[total:]
        return message

    def close(self) -> None:
        self._socket.close()


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() in (b"content-length", b"l"):
            text = value.strip()
            return int(text) if text.isdigit() else 0
    return 0
