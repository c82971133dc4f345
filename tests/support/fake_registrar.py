"""A tiny scripted UDP "registrar" for the protocol corners a real Kamailio will not show
on demand: stale nonces, garbage datagrams, lost packets, silence."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bw_pulumi.sip.digest import parse_auth_params


@dataclass(frozen=True)
class Received:
    text: str

    def header(self, name: str) -> str | None:
        match = re.search(rf"^{re.escape(name)}:\s*(.*)$", self.text, re.IGNORECASE | re.MULTILINE)
        return match.group(1).strip() if match else None

    @property
    def auth(self) -> dict[str, str]:
        value = self.header("Authorization")
        return parse_auth_params(value.partition(" ")[2]) if value else {}

    def reply(self, status_line: str, *extra: str) -> bytes:
        """A response echoing Via, From, To, Call-ID and CSeq, as a registrar would."""
        lines = [f"SIP/2.0 {status_line}"]
        for name in ("Via", "From", "To", "Call-ID", "CSeq"):
            value = self.header(name)
            if value is not None:
                suffix = ";tag=srv" if name == "To" else ""
                lines.append(f"{name}: {value}{suffix}")
        lines += [*extra, "Content-Length: 0"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()


#: Given the request and how many came before it, the datagrams to send back.
Script = Callable[[Received, int], list[bytes]]


class FakeRegistrar:
    def __init__(self, script: Script) -> None:
        self.script = script
        self.received: list[Received] = []
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.settimeout(0.05)
        self.port: int = self._socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self._socket.recvfrom(65_535)
            except TimeoutError:
                continue
            request = Received(data.decode())
            index = len(self.received)
            self.received.append(request)
            for datagram in self.script(request, index):
                self._socket.sendto(datagram, peer)

    @contextmanager
    def running(self) -> Iterator[FakeRegistrar]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join(timeout=5)
            self._socket.close()
