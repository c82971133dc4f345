"""The few SIP messages ``bw-pulumi verify`` needs (RFC 3261): REGISTER out, responses in.

Pure functions: building request bytes, parsing response bytes. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: RFC 3261 7.3.3 compact header names, expanded so lookups need one spelling.
_COMPACT = {
    "v": "via",
    "i": "call-id",
    "f": "from",
    "t": "to",
    "m": "contact",
    "l": "content-length",
    "c": "content-type",
}
MAX_MESSAGE_BYTES = 65_535


class MalformedMessageError(ValueError):
    """Bytes that are not a SIP response we can use; the message says what is wrong."""


@dataclass(frozen=True)
class SipResponse:
    status: int
    reason: str
    #: (lowercase full name, value) in the order received; a name may repeat.
    headers: tuple[tuple[str, str], ...] = field(default=())

    def all(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.headers if key == wanted]

    def first(self, name: str) -> str | None:
        values = self.all(name)
        return values[0] if values else None

    @property
    def cseq(self) -> tuple[int, str] | None:
        """(number, method) from the CSeq header, or None when it is missing or garbled."""
        number, _, method = (self.first("cseq") or "").strip().partition(" ")
        if not number.isdigit() or not method.strip():
            return None
        return int(number), method.strip().upper()

    @property
    def branch(self) -> str | None:
        """The ``branch`` parameter of the top Via: it names the transaction answered."""
        via = self.first("via")
        if via is None:
            return None
        top = via.split(",", 1)[0]
        for param in top.split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "branch":
                return value.strip()
        return None

    @property
    def summary(self) -> str:
        return f"{self.status} {self.reason}".strip()


def parse_response(data: bytes) -> SipResponse:
    """Parse one SIP response; raise MalformedMessageError for anything else."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise MalformedMessageError("the message is larger than 64 KiB")
    head, separator, _ = data.partition(b"\r\n\r\n")
    if not separator:
        raise MalformedMessageError("no blank line ends the headers")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedMessageError("the headers are not UTF-8") from None
    start_line, *header_lines = text.split("\r\n")
    return SipResponse(*_status_line(start_line), headers=tuple(_headers(header_lines)))


def _status_line(line: str) -> tuple[int, str]:
    version, _, rest = line.partition(" ")
    code, _, reason = rest.partition(" ")
    if version.upper() != "SIP/2.0" or len(code) != 3 or not code.isdigit():
        raise MalformedMessageError(f"not a SIP/2.0 status line: {line[:60]!r}")
    status = int(code)
    if not 100 <= status <= 699:
        raise MalformedMessageError(f"status code {status} is outside 100-699")
    return status, reason.strip()


def _headers(lines: list[str]) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    for line in lines:
        if line[:1] in (" ", "\t"):  # folded continuation of the previous header
            if not headers:
                raise MalformedMessageError("a continuation line comes before any header")
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
            continue
        name, colon, value = line.partition(":")
        name = name.strip().lower()
        if not colon or not name or " " in name:
            raise MalformedMessageError(f"not a header line: {line[:60]!r}")
        headers.append((_COMPACT.get(name, name), value.strip()))
    return headers


@dataclass(frozen=True)
class RegisterRequest:
    """A REGISTER (RFC 3261 10.2). ``expires=0`` removes this one contact again (10.2.2).

    A ``Contact: *`` would remove every binding of the address of record, including real
    phones' ones, so it is never used.
    """

    request_uri: str
    aor: str
    contact_uri: str
    call_id: str
    from_tag: str
    cseq: int
    branch: str
    transport: str
    via_host: str
    via_port: int
    expires: int
    user_agent: str
    authorization: str | None = None

    def encode(self) -> bytes:
        lines = [
            f"REGISTER {self.request_uri} SIP/2.0",
            f"Via: SIP/2.0/{self.transport.upper()} {_host(self.via_host)}:{self.via_port}"
            f";branch={self.branch};rport",
            "Max-Forwards: 70",
            f"From: <{self.aor}>;tag={self.from_tag}",
            f"To: <{self.aor}>",
            f"Call-ID: {self.call_id}",
            f"CSeq: {self.cseq} REGISTER",
            f"Contact: <{self.contact_uri}>",
            f"Expires: {self.expires}",
            f"User-Agent: {self.user_agent}",
        ]
        if self.authorization is not None:
            lines.append(f"Authorization: {self.authorization}")
        lines.append("Content-Length: 0")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def _host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
