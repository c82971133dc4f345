"""Does a registrar accept this username and password? REGISTER, answer the digest
challenge, then unREGISTER the one contact we added.

The outcome is one of:

* ``authenticated``: a 2xx to the REGISTER that carried our digest answer;
* ``rejected``: the registrar answered the digest with 401/403 (or refused the REGISTER
  outright with another final status);
* ``no answer``: nothing usable came back within the timeout, or nothing listens there;
* ``error``: the registrar answered, but not in a way that tests the password (no
  challenge at all, or one we cannot answer, such as SHA-256 only).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from bw_pulumi.sip import digest
from bw_pulumi.sip.message import (
    MalformedMessageError,
    RegisterRequest,
    SipResponse,
    parse_response,
)
from bw_pulumi.sip.transport import Endpoint, Transport, UnreachableError, open_transport

#: RFC 3261 17.1.2.2 timers for non-INVITE transactions over UDP.
T1_SECONDS = 0.5
T2_SECONDS = 4.0
#: How many fresh challenges marked ``stale=true`` we answer before giving up.
MAX_STALE_RETRIES = 2
REGISTER_EXPIRES_SECONDS = 60
USER_AGENT = "bw-pulumi-verify"


class Outcome(str, Enum):
    AUTHENTICATED = "authenticated"
    REJECTED = "rejected"
    NO_ANSWER = "no answer"
    ERROR = "error"


@dataclass(frozen=True)
class Identity:
    """Who registers: the digest username and password, and the address of record."""

    digest_username: str
    password: str = field(repr=False)
    realm: str
    aor_user: str
    aor_host: str


@dataclass(frozen=True)
class CheckResult:
    outcome: Outcome
    detail: str
    status: int | None = None


class _Timeout(Exception):
    pass


class _Session:
    """One REGISTER dialog-like exchange: a Call-ID, a From tag and growing CSeq."""

    def __init__(
        self,
        transport: Transport,
        endpoint: Endpoint,
        identity: Identity,
        deadline: float,
        clock: Callable[[], float],
    ) -> None:
        self.transport = transport
        self.endpoint = endpoint
        self.identity = identity
        self.deadline = deadline
        self.clock = clock
        self.call_id = f"{secrets.token_hex(12)}@bw-pulumi"
        self.from_tag = secrets.token_hex(6)
        self.cseq = 0
        self.ignored: list[str] = []
        self.request_uri = f"sip:{identity.realm}"
        local_host = transport.local_host
        host = f"[{local_host}]" if ":" in local_host else local_host
        self.contact_uri = (
            f"sip:{identity.aor_user}@{host}:{transport.local_port};transport={endpoint.transport}"
        )

    def register(self, expires: int, authorization: str | None) -> SipResponse:
        self.cseq += 1
        request = RegisterRequest(
            request_uri=self.request_uri,
            aor=f"sip:{self.identity.aor_user}@{self.identity.aor_host}",
            contact_uri=self.contact_uri,
            call_id=self.call_id,
            from_tag=self.from_tag,
            cseq=self.cseq,
            branch=f"z9hG4bK{secrets.token_hex(10)}",
            transport=self.endpoint.transport,
            via_host=self.transport.local_host,
            via_port=self.transport.local_port,
            expires=expires,
            user_agent=USER_AGENT,
            authorization=authorization,
        )
        return self._transact(request)

    def _transact(self, request: RegisterRequest) -> SipResponse:
        """Send, retransmit over UDP (T1 doubling up to T2), return the final response."""
        data = request.encode()
        self.transport.send(data)
        interval = T1_SECONDS
        next_send = self.clock() + interval
        while True:
            now = self.clock()
            if now >= self.deadline:
                raise _Timeout
            wait = self.deadline - now
            if not self.transport.reliable:
                wait = min(wait, max(next_send - now, 0.0))
            received = self.transport.receive(wait)
            if received is None:
                if not self.transport.reliable and self.clock() >= next_send:
                    self.transport.send(data)
                    interval = min(interval * 2, T2_SECONDS)
                    next_send = self.clock() + interval
                continue
            response = self._match(received, request)
            if response is None:
                continue
            if response.status >= 200:
                return response
            interval = T2_SECONDS  # provisional: keep retransmitting, slower (17.1.2.2)

    def _match(self, received: bytes, request: RegisterRequest) -> SipResponse | None:
        try:
            response = parse_response(received)
        except MalformedMessageError as error:
            self.ignored.append(f"malformed message ignored ({error})")
            return None
        if response.branch != request.branch or response.cseq != (request.cseq, "REGISTER"):
            self.ignored.append(f"unrelated response ignored ({response.summary})")
            return None
        return response

    def authorization(self, challenge: digest.Challenge, nonce_count: int, cnonce: str) -> str:
        identity = self.identity
        return digest.answer(
            challenge,
            method="REGISTER",
            uri=self.request_uri,
            username=identity.digest_username,
            password=identity.password,
            nonce_count=nonce_count,
            cnonce=cnonce,
        ).header_value()


def check_registration(
    endpoint: Endpoint,
    identity: Identity,
    *,
    timeout: float,
    clock: Callable[[], float] = time.monotonic,
) -> CheckResult:
    """REGISTER ``identity`` at ``endpoint`` and unREGISTER it again; never raises for
    anything the network or the registrar does. ``timeout`` bounds the whole check."""
    deadline = clock() + timeout
    try:
        transport = open_transport(endpoint, timeout)
    except UnreachableError as error:
        return CheckResult(Outcome.NO_ANSWER, str(error))
    session = _Session(transport, endpoint, identity, deadline, clock)
    try:
        return _register_and_unregister(session)
    except _Timeout:
        return CheckResult(Outcome.NO_ANSWER, _silence(endpoint, timeout, session.ignored))
    except UnreachableError as error:
        return CheckResult(Outcome.NO_ANSWER, str(error))
    finally:
        transport.close()


def _register_and_unregister(session: _Session) -> CheckResult:
    first = session.register(REGISTER_EXPIRES_SECONDS, None)
    if 200 <= first.status < 300:
        _unregister(session, None, 1)  # take our contact away again, then say what happened
        return CheckResult(
            Outcome.ERROR,
            f"the registrar accepted the REGISTER without a challenge ({first.summary}):"
            " the password was not tested",
            first.status,
        )
    if first.status not in (401, 407):
        return CheckResult(Outcome.REJECTED, f"REGISTER refused: {first.summary}", first.status)
    try:
        challenge = _challenge_of(first)
    except digest.ChallengeError as error:
        return CheckResult(Outcome.ERROR, f"{first.summary}: {error}", first.status)

    answered, challenge, nonce_count = _answer_challenges(session, challenge)
    if not 200 <= answered.status < 300:
        return CheckResult(
            Outcome.REJECTED, _rejection(answered, challenge, session), answered.status
        )
    unregistered = _unregister(session, challenge, nonce_count + 1)
    return CheckResult(
        Outcome.AUTHENTICATED, f"{answered.summary}; {unregistered}", answered.status
    )


def _answer_challenges(
    session: _Session, challenge: digest.Challenge
) -> tuple[SipResponse, digest.Challenge, int]:
    """Answer the challenge; a ``stale=true`` re-challenge means the nonce expired, not that
    the password is wrong (RFC 7616 3.3), so answer the fresh one, a bounded number of times."""
    for _ in range(MAX_STALE_RETRIES + 1):
        authorization = session.authorization(challenge, 1, secrets.token_hex(8))
        response = session.register(REGISTER_EXPIRES_SECONDS, authorization)
        if response.status not in (401, 407):
            return response, challenge, 1
        try:
            fresh = _challenge_of(response)
        except digest.ChallengeError:
            return response, challenge, 1
        if not fresh.stale:
            return response, challenge, 1
        challenge = fresh
    return response, challenge, 1


def _unregister(session: _Session, challenge: digest.Challenge | None, nonce_count: int) -> str:
    """Expires: 0 for our contact. Reuse the nonce with the next nonce count (RFC 7616 3.4);
    answer a fresh challenge once if the registrar wants one."""
    try:
        authorization = (
            None
            if challenge is None
            else session.authorization(challenge, nonce_count, secrets.token_hex(8))
        )
        response = session.register(0, authorization)
        if response.status in (401, 407):
            fresh = _challenge_of(response)
            authorization = session.authorization(fresh, 1, secrets.token_hex(8))
            response = session.register(0, authorization)
    except _Timeout:
        return "the unREGISTER got no answer in time"
    except UnreachableError as error:
        return f"the unREGISTER failed: {error}"
    except digest.ChallengeError as error:
        return f"the unREGISTER's challenge could not be answered: {error}"
    if 200 <= response.status < 300:
        return "unregistered"
    return f"the unREGISTER was answered {response.summary}"


def _challenge_of(response: SipResponse) -> digest.Challenge:
    header = "www-authenticate" if response.status == 401 else "proxy-authenticate"
    return digest.choose_challenge(response.all(header))


def _rejection(response: SipResponse, challenge: digest.Challenge, session: _Session) -> str:
    detail = f"the digest answer was refused: {response.summary}"
    if challenge.realm != session.identity.realm:
        detail += (
            f" (the registrar challenged for realm {challenge.realm!r}, but the credential"
            f" is for {session.identity.realm!r})"
        )
    return detail


def _silence(endpoint: Endpoint, timeout: float, ignored: list[str]) -> str:
    detail = f"no response from {endpoint} within {timeout:g} s"
    if ignored:
        detail += f"; {len(ignored)} message(s) ignored, last: {ignored[-1]}"
    return detail
