"""The REGISTER/unREGISTER flow against a scripted UDP registrar: the corners a real
Kamailio does not produce on demand (tests/e2e/test_sip_kamailio.py covers the real one)."""

from __future__ import annotations

import socket
import time

from tests.support.fake_registrar import FakeRegistrar, Received

from bw_pulumi.sip import Endpoint
from bw_pulumi.sip.register import CheckResult, Identity, Outcome, check_registration

REALM = "custxx.auth.bandwidth.com"
ALICE = Identity("alice", "s3cret-pw", REALM, "alice", REALM)


def challenge(nonce: str, *, stale: bool = False, realm: str = REALM) -> str:
    flag = ", stale=true" if stale else ""
    return f'WWW-Authenticate: Digest realm="{realm}", nonce="{nonce}", qop="auth"{flag}'


def check(
    registrar: FakeRegistrar, identity: Identity = ALICE, timeout: float = 5.0
) -> CheckResult:
    return check_registration(Endpoint("127.0.0.1", registrar.port), identity, timeout=timeout)


def test_a_stale_nonce_is_answered_again_and_the_unregister_reuses_the_nonce() -> None:
    def script(request: Received, index: int) -> list[bytes]:
        replies = [
            request.reply("401 Unauthorized", challenge("n1")),
            request.reply("401 Unauthorized", challenge("n2", stale=True)),
            request.reply("200 OK", "Contact: <sip:x>;expires=60"),
            request.reply("200 OK"),
        ]
        return [replies[index]]

    with FakeRegistrar(script).running() as registrar:
        result = check(registrar)
    assert result.outcome is Outcome.AUTHENTICATED, result
    assert result.detail == "200 OK; unregistered"
    auths = [r.auth for r in registrar.received]
    assert auths[0] == {}
    assert [(a["nonce"], a["nc"]) for a in auths[1:]] == [
        ("n1", "00000001"),
        ("n2", "00000001"),
        ("n2", "00000002"),
    ]
    assert all(a["username"] == "alice" and a["qop"] == "auth" for a in auths[1:])
    assert len({a["cnonce"] for a in auths[1:]}) == 3
    assert [r.header("Expires") for r in registrar.received] == ["60", "60", "60", "0"]
    assert [r.header("CSeq") for r in registrar.received] == [
        "1 REGISTER",
        "2 REGISTER",
        "3 REGISTER",
        "4 REGISTER",
    ]
    assert len({r.header("Call-ID") for r in registrar.received}) == 1
    assert all("s3cret-pw" not in r.text for r in registrar.received)


def test_a_second_plain_401_is_a_rejection_without_retrying() -> None:
    def script(request: Received, index: int) -> list[bytes]:
        return [request.reply("401 Unauthorized", challenge(f"n{index}"))]

    with FakeRegistrar(script).running() as registrar:
        result = check(registrar)
    assert result.outcome is Outcome.REJECTED
    assert result.status == 401
    assert result.detail == "the digest answer was refused: 401 Unauthorized"
    assert len(registrar.received) == 2


def test_endless_stale_challenges_are_bounded() -> None:
    def script(request: Received, index: int) -> list[bytes]:
        return [request.reply("401 Unauthorized", challenge(f"n{index}", stale=index > 0))]

    with FakeRegistrar(script).running() as registrar:
        result = check(registrar)
    assert result.outcome is Outcome.REJECTED
    assert len(registrar.received) == 4  # first, answer, then two stale retries


def test_a_403_after_the_answer_is_a_rejection() -> None:
    def script(request: Received, index: int) -> list[bytes]:
        if index == 0:
            return [request.reply("401 Unauthorized", challenge("n"))]
        return [request.reply("403 Forbidden")]

    with FakeRegistrar(script).running() as registrar:
        result = check(registrar)
    assert (result.outcome, result.status) == (Outcome.REJECTED, 403)


def test_a_realm_mismatch_is_explained_when_refused() -> None:
    def script(request: Received, index: int) -> list[bytes]:
        return [request.reply("401 Unauthorized", challenge(f"n{index}", realm="other.example"))]

    with FakeRegistrar(script).running() as registrar:
        result = check(registrar)
    assert result.outcome is Outcome.REJECTED
    assert "challenged for realm 'other.example'" in result.detail
    assert registrar.received[1].auth["realm"] == "other.example"


def test_garbage_only_is_no_answer_within_the_timeout() -> None:
    def script(request: Received, index: int) -> list[bytes]:
        return [b"\x00\x01 definitely not SIP", b"SIP/2.0 OK\r\n\r\n"]

    started = time.monotonic()
    with FakeRegistrar(script).running() as registrar:
        result = check(registrar, timeout=1.2)
    assert time.monotonic() - started < 4
    assert result.outcome is Outcome.NO_ANSWER
    assert "no response from 127.0.0.1:" in result.detail
    assert "within 1.2 s" in result.detail
    assert "malformed message ignored (not a SIP/2.0 status line" in result.detail
    assert len(registrar.received) >= 2  # retransmitted while waiting


def test_garbage_and_unrelated_responses_before_the_real_one_are_skipped() -> None:
    def script(request: Received, index: int) -> list[bytes]:
        stray = request.reply("200 OK").replace(b"branch=", b"branch=other")
        if index == 0:
            return [b"garbage", stray, request.reply("401 Unauthorized", challenge("n"))]
        return [request.reply("200 OK")]

    with FakeRegistrar(script).running() as registrar:
        result = check(registrar)
    assert result.outcome is Outcome.AUTHENTICATED


def test_a_lost_datagram_is_retransmitted_with_the_same_branch() -> None:
    def script(request: Received, index: int) -> list[bytes]:
        if index == 0:
            return []  # "lost"
        if index == 1:
            return [request.reply("100 Trying"), request.reply("401 Unauthorized", challenge("n"))]
        return [request.reply("200 OK")]

    with FakeRegistrar(script).running() as registrar:
        result = check(registrar)
    assert result.outcome is Outcome.AUTHENTICATED
    assert registrar.received[0].text == registrar.received[1].text


def test_a_challenge_we_cannot_answer_is_an_error_not_a_rejection() -> None:
    def script(request: Received, index: int) -> list[bytes]:
        sha = 'WWW-Authenticate: Digest realm="r", nonce="n", algorithm=SHA-256'
        return [request.reply("401 Unauthorized", sha)]

    with FakeRegistrar(script).running() as registrar:
        result = check(registrar)
    assert result.outcome is Outcome.ERROR
    assert "SHA-256; Bandwidth credentials are MD5" in result.detail
    assert len(registrar.received) == 1


def test_a_401_without_any_challenge_is_an_error() -> None:
    with FakeRegistrar(lambda request, _: [request.reply("401 Unauthorized")]).running() as r:
        result = check(r)
    assert result.outcome is Outcome.ERROR
    assert "carries no authentication challenge" in result.detail


def test_acceptance_without_a_challenge_proves_nothing_and_is_undone() -> None:
    with FakeRegistrar(lambda request, _: [request.reply("200 OK")]).running() as registrar:
        result = check(registrar)
    assert result.outcome is Outcome.ERROR
    assert "the password was not tested" in result.detail
    assert [r.header("Expires") for r in registrar.received] == ["60", "0"]


def test_an_outright_refusal_is_a_rejection() -> None:
    with FakeRegistrar(lambda request, _: [request.reply("404 Not Found")]).running() as r:
        result = check(r)
    assert (result.outcome, result.status) == (Outcome.REJECTED, 404)
    assert result.detail == "REGISTER refused: 404 Not Found"


def test_a_closed_port_is_no_answer() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = check_registration(Endpoint("127.0.0.1", port), ALICE, timeout=5)
    assert result.outcome is Outcome.NO_ANSWER
    assert "refused" in result.detail


def test_an_unresolvable_host_is_no_answer() -> None:
    result = check_registration(Endpoint("no-such-host.invalid"), ALICE, timeout=2)
    assert result.outcome is Outcome.NO_ANSWER
    assert "cannot resolve 'no-such-host.invalid'" in result.detail
