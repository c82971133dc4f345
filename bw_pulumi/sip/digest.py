"""SIP digest authentication (RFC 3261 section 22, RFC 7616 with RFC 2617's MD5 forms).

Pure functions only: parsing a ``WWW-Authenticate``/``Proxy-Authenticate`` challenge and
computing the ``Authorization`` answer. Only MD5 (and MD5-sess) are supported on purpose:
Bandwidth stores MD5 digests (Hash1, Hash1b), so a registrar that would use SHA-256 could
not be checking those hashes at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

SUPPORTED_ALGORITHMS = ("MD5", "MD5-SESS")


class ChallengeError(ValueError):
    """A challenge we cannot answer; the message says why (it never holds a secret)."""


@dataclass(frozen=True)
class Challenge:
    """One ``Digest`` challenge as the server sent it."""

    realm: str
    nonce: str
    algorithm: str = "MD5"
    qop_options: tuple[str, ...] = ()
    opaque: str | None = None
    stale: bool = False

    @property
    def qop(self) -> str | None:
        """The protection we answer with: ``auth`` when offered (RFC 7616 3.4), else none.

        ``auth-int`` alone is accepted too: a REGISTER has an empty body, so it costs nothing.
        """
        for choice in ("auth", "auth-int"):
            if choice in self.qop_options:
                return choice
        return None


def parse_challenge(header_value: str) -> Challenge:
    """Parse one ``Digest ...`` challenge; raise ChallengeError when it is unusable."""
    scheme, _, rest = header_value.strip().partition(" ")
    if scheme.lower() != "digest":
        raise ChallengeError(f"the challenge scheme is {scheme or 'empty'!r}, not Digest")
    params = parse_auth_params(rest)
    realm, nonce = params.get("realm"), params.get("nonce")
    if realm is None or not nonce:
        raise ChallengeError("the Digest challenge has no realm or no nonce")
    algorithm = params.get("algorithm", "MD5").upper()
    if algorithm not in SUPPORTED_ALGORITHMS:
        raise ChallengeError(
            f"the challenge asks for algorithm {algorithm}; Bandwidth credentials are MD5"
        )
    qop_options = tuple(
        option.strip().lower() for option in params.get("qop", "").split(",") if option.strip()
    )
    if qop_options and not {"auth", "auth-int"} & set(qop_options):
        raise ChallengeError(f"the challenge offers only qop {','.join(qop_options)}")
    if algorithm == "MD5-SESS" and not qop_options:
        raise ChallengeError("the challenge asks for MD5-sess without qop (RFC 2617 needs one)")
    return Challenge(
        realm=realm,
        nonce=nonce,
        algorithm=algorithm,
        qop_options=qop_options,
        opaque=params.get("opaque"),
        stale=params.get("stale", "").lower() == "true",
    )


def choose_challenge(header_values: Sequence[str]) -> Challenge:
    """The first answerable challenge among several (RFC 7616 3.7: the client picks)."""
    reasons = []
    for value in header_values:
        try:
            return parse_challenge(value)
        except ChallengeError as error:
            reasons.append(str(error))
    if not reasons:
        raise ChallengeError("the 401/407 response carries no authentication challenge")
    raise ChallengeError("; ".join(reasons))


def parse_auth_params(text: str) -> dict[str, str]:
    """``a=b, c="d, e"`` into ``{"a": "b", "c": "d, e"}`` (names lowercased, quotes removed).

    Quoted strings may hold commas and backslash escapes (RFC 3261 25.1 quoted-pair).
    """
    params: dict[str, str] = {}
    position, length = 0, len(text)
    while position < length:
        while position < length and text[position] in " \t,":
            position += 1
        equals = text.find("=", position)
        if equals < 0:
            break
        name = text[position:equals].strip().lower()
        position = equals + 1
        while position < length and text[position] in " \t":
            position += 1
        if position < length and text[position] == '"':
            value, position = _quoted(text, position + 1)
        else:
            end = text.find(",", position)
            end = length if end < 0 else end
            value, position = text[position:end].strip(), end
        if name:
            params[name] = value
    return params


def _quoted(text: str, position: int) -> tuple[str, int]:
    chars = []
    while position < len(text):
        char = text[position]
        if char == "\\" and position + 1 < len(text):
            chars.append(text[position + 1])
            position += 2
            continue
        if char == '"':
            return "".join(chars), position + 1
        chars.append(char)
        position += 1
    return "".join(chars), position


def md5_hex(text: str) -> str:
    """MD5 as digest authentication mandates it (a protocol requirement, not our choice)."""
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def ha1(username: str, realm: str, password: str) -> str:
    """H(A1) for algorithm MD5: exactly what Bandwidth stores as Hash1 (or Hash1b when the
    username is ``composite@realm``)."""
    return md5_hex(f"{username}:{realm}:{password}")


def session_ha1(ha1_value: str, nonce: str, cnonce: str) -> str:
    """H(A1) for MD5-sess (RFC 2617 3.2.2.2), from the stored H(A1)."""
    return md5_hex(f"{ha1_value}:{nonce}:{cnonce}")


def ha2(method: str, uri: str, qop: str | None = None, body: bytes = b"") -> str:
    if qop == "auth-int":
        body_hash = hashlib.md5(body, usedforsecurity=False).hexdigest()
        return md5_hex(f"{method}:{uri}:{body_hash}")
    return md5_hex(f"{method}:{uri}")


def response(
    ha1_value: str,
    nonce: str,
    ha2_value: str,
    *,
    qop: str | None = None,
    nonce_count: int = 1,
    cnonce: str = "",
) -> str:
    """request-digest: with qop, KD(H(A1), nonce:nc:cnonce:qop:H(A2)); without, RFC 2069's
    KD(H(A1), nonce:H(A2))."""
    if qop is None:
        return md5_hex(f"{ha1_value}:{nonce}:{ha2_value}")
    nc = format_nonce_count(nonce_count)
    return md5_hex(f"{ha1_value}:{nonce}:{nc}:{cnonce}:{qop}:{ha2_value}")


def format_nonce_count(nonce_count: int) -> str:
    """``nc`` is 8 lowercase hex digits (RFC 7616 3.4)."""
    if not 0 < nonce_count <= 0xFFFFFFFF:
        raise ValueError("nonce count must be 1..0xffffffff")
    return f"{nonce_count:08x}"


@dataclass(frozen=True)
class DigestAnswer:
    """Everything needed for an ``Authorization`` header, secrets excluded."""

    username: str
    uri: str
    challenge: Challenge
    response: str
    nonce_count: int
    cnonce: str

    def header_value(self) -> str:
        challenge = self.challenge
        parts = [
            f'username="{_escape(self.username)}"',
            f'realm="{_escape(challenge.realm)}"',
            f'nonce="{_escape(challenge.nonce)}"',
            f'uri="{_escape(self.uri)}"',
            f'response="{self.response}"',
            f"algorithm={'MD5-sess' if challenge.algorithm == 'MD5-SESS' else 'MD5'}",
        ]
        if challenge.opaque is not None:
            parts.append(f'opaque="{_escape(challenge.opaque)}"')
        if challenge.qop is not None:
            parts += [
                f"qop={challenge.qop}",
                f"nc={format_nonce_count(self.nonce_count)}",
                f'cnonce="{_escape(self.cnonce)}"',
            ]
        return "Digest " + ", ".join(parts)


def answer(
    challenge: Challenge,
    *,
    method: str,
    uri: str,
    username: str,
    password: str,
    nonce_count: int,
    cnonce: str,
    body: bytes = b"",
) -> DigestAnswer:
    """Answer ``challenge`` for one request. The realm is the challenge's, as RFC 7616 says:
    if it differs from the credential's realm, the registrar will refuse, as it should."""
    base = ha1(username, challenge.realm, password)
    if challenge.algorithm == "MD5-SESS":
        base = session_ha1(base, challenge.nonce, cnonce)
    digest = response(
        base,
        challenge.nonce,
        ha2(method, uri, challenge.qop, body),
        qop=challenge.qop,
        nonce_count=nonce_count,
        cnonce=cnonce,
    )
    return DigestAnswer(username, uri, challenge, digest, nonce_count, cnonce)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')
