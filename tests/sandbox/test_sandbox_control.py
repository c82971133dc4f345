"""The sandbox's Python API, its JSON control endpoint and its lifecycle."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.support.sandbox_http import (
    ACCOUNT,
    BASIC,
    CLIENT,
    H1,
    H1B,
    JSON,
    TIMEOUT,
    XML,
    creds_url,
    web,
)

from bw_pulumi.sandbox import DEFAULT_REALM, Fault, Sandbox, StoredCredential
from bw_pulumi.sandbox.http_server import SandboxRequestHandler
from bw_pulumi.sandbox.server import serve

REPO = Path(__file__).resolve().parents[2]


def control(sb: Sandbox, route: str) -> str:
    return sb.base_url.removesuffix("/api") + "/_sandbox/" + route


def create(sb: Sandbox, user: str) -> requests.Response:
    body = (
        f"<SipCredentials><SipCredential><UserName>{user}</UserName><Hash1>{H1}</Hash1>"
        f"<Hash1b>{H1B}</Hash1b></SipCredential></SipCredentials>"
    )
    return web("POST", creds_url(sb), data=body, headers=XML, auth=BASIC)


# -- Python API -------------------------------------------------------------------------


def test_defaults_and_urls(sandbox: Sandbox) -> None:
    assert DEFAULT_REALM == "custxx.auth.bandwidth.com"
    assert sandbox.base_url.startswith("http://127.0.0.1:")
    assert sandbox.base_url.endswith("/api")
    assert sandbox.token_url == sandbox.base_url + "/v1/oauth2/token"
    assert sandbox.realms == (DEFAULT_REALM,)


def test_base_url_needs_a_running_server() -> None:
    sb = Sandbox()
    with pytest.raises(RuntimeError):
        _ = sb.base_url
    with sb.running() as base_url:
        assert base_url == sb.base_url
    with pytest.raises(RuntimeError):
        _ = sb.base_url
    with sb.running():  # restartable
        assert web("GET", control(sb, "state")).status_code == 200


def test_out_of_band_writes(sandbox: Sandbox) -> None:
    sandbox.put_credential(StoredCredential("zed", None, H1, H1B))
    sandbox.put_credential(StoredCredential("Bob", "somewhere.com", H1, H1B))
    assert [c.composite_username for c in sandbox.credentials()] == ["Bob@somewhere.com", "zed"]
    found = sandbox.get_credential("bob@SOMEWHERE.com")
    assert found is not None
    assert found.user_name == "Bob"
    sandbox.put_credential(StoredCredential("bob", "somewhere.com", "1" * 32, H1B))  # overwrite
    assert [c.hash1 for c in sandbox.credentials()] == ["1" * 32, H1]
    assert sandbox.delete_credential("BOB@somewhere.com") is True
    assert sandbox.delete_credential("BOB@somewhere.com") is False
    assert sandbox.writes == 0  # out-of-band changes are not API writes
    response = web("GET", creds_url(sandbox, "zed"), auth=BASIC)
    assert response.status_code == 200


def test_out_of_band_writes_follow_the_rules(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match="23018"):
        sandbox.put_credential(StoredCredential("bob", None, H1, H1B, "other.example.com"))
    sandbox.add_realm("other.example.com")
    stored = sandbox.put_credential(StoredCredential("bob", None, H1, H1B, "OTHER.example.com"))
    assert stored.realm == "other.example.com"
    with pytest.raises(ValueError, match="23014"):
        sandbox.put_credential(StoredCredential("a:b", None, H1, H1B))


def test_reset_keeps_config(sandbox: Sandbox) -> None:
    create(sandbox, "bob")
    sandbox.add_realm("extra.auth.bandwidth.com")
    token = web(
        "POST", sandbox.token_url, auth=CLIENT, data={"grant_type": "client_credentials"}
    ).json()["access_token"]
    sandbox.inject(Fault(kind="status", status=503))
    sandbox.reset()
    assert sandbox.credentials() == []
    assert sandbox.requests == []
    assert sandbox.writes == 0
    assert sandbox.token_requests == 0
    assert sandbox.pending_faults == []
    assert sandbox.realms == (DEFAULT_REALM,)
    headers = {"Authorization": f"Bearer {token}"}
    assert web("GET", creds_url(sandbox, "bob"), headers=headers).status_code == 401
    assert web("GET", creds_url(sandbox, "bob"), auth=BASIC).status_code == 404


# -- control endpoint over HTTP -------------------------------------------------------------


def test_control_state(sandbox: Sandbox) -> None:
    create(sandbox, "bob")
    state = web("GET", control(sandbox, "state")).json()
    assert state["accounts"] == {
        ACCOUNT: {
            "credentials": [
                {
                    "user_name": "bob",
                    "domain": None,
                    "hash1": H1,
                    "hash1b": H1B,
                    "realm": DEFAULT_REALM,
                    "http_voice_v2_app_id": None,
                }
            ]
        }
    }
    assert state["writes"] == 1
    assert state["requests"] == [
        {
            "method": "POST",
            "path": f"/api/accounts/{ACCOUNT}/sipcredentials",
            "status": 201,
            "auth": "basic",
            "entries": 1,
        }
    ]
    assert len(sandbox.requests) == 1  # control requests are not logged


def test_control_faults(sandbox: Sandbox) -> None:
    queued = web(
        "POST",
        control(sandbox, "faults"),
        json={"kind": "status", "status": 429, "retry_after": "7"},
    )
    assert queued.status_code == 201
    assert web("GET", control(sandbox, "faults")).json()["faults"][0]["status"] == 429
    response = web("GET", creds_url(sandbox, "bob"), auth=BASIC)
    assert (response.status_code, response.headers["Retry-After"]) == (429, "7")
    batch = [{"kind": "after_commit"}, {"kind": "delay", "seconds": 0.01}]
    assert web("POST", control(sandbox, "faults"), json=batch).json()["queued"] == 2
    assert create(sandbox, "bob").status_code == 500
    assert sandbox.get_credential("bob") is not None


@pytest.mark.parametrize(
    "body",
    [b"{", b"[1]", b'{"kind": "nope"}', b'{"kind": "status", "status": "503"}'],
)
def test_control_bad_fault_is_400(sandbox: Sandbox, body: bytes) -> None:
    response = web("POST", control(sandbox, "faults"), data=body, headers=JSON)
    assert response.status_code == 400
    assert response.json()["error"]
    assert sandbox.pending_faults == []


def test_control_credentials(sandbox: Sandbox) -> None:
    put = web(
        "PUT",
        control(sandbox, "credentials"),
        json={"user_name": "bob", "domain": "somewhere.com", "hash1": H1, "hash1b": H1B},
    )
    assert put.status_code == 200
    assert put.json()["realm"] == DEFAULT_REALM
    assert web("GET", creds_url(sandbox, "bob@somewhere.com"), auth=BASIC).status_code == 200
    assert sandbox.writes == 0
    deleted = web("DELETE", control(sandbox, "credentials/bob%40somewhere.com"), headers=JSON)
    assert deleted.status_code == 200
    assert sandbox.credentials() == []
    assert web("DELETE", control(sandbox, "credentials/bob"), headers=JSON).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"user_name": "bob", "hash1": H1},
        {"user_name": "bob", "hash1": H1, "hash1b": H1B, "password": "hunter2"},
        {"user_name": "bob", "hash1": H1, "hash1b": H1B, "realm": "unknown.example"},
        {"user_name": "bob", "hash1": H1, "hash1b": H1B, "http_voice_v2_app_id": "x"},
    ],
)
def test_control_credentials_validation(sandbox: Sandbox, body: dict[str, str]) -> None:
    response = web("PUT", control(sandbox, "credentials"), json=body)
    assert response.status_code == 400
    assert "hunter2" not in response.text
    assert sandbox.credentials() == []


def test_control_revoke_tokens_and_realms(sandbox: Sandbox) -> None:
    token = web(
        "POST", sandbox.token_url, auth=CLIENT, data={"grant_type": "client_credentials"}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert web("GET", creds_url(sandbox, "x"), headers=headers).status_code == 404
    assert web("POST", control(sandbox, "revoke-tokens"), headers=JSON).status_code == 200
    assert web("GET", creds_url(sandbox, "x"), headers=headers).status_code == 401
    added = web("POST", control(sandbox, "realms"), json={"realm": "r2.auth.bandwidth.com"})
    assert added.json()["realms"] == [DEFAULT_REALM, "r2.auth.bandwidth.com"]


def test_control_reset(sandbox: Sandbox) -> None:
    create(sandbox, "bob")
    sandbox.inject(Fault(kind="status"))
    assert web("POST", control(sandbox, "reset"), headers=JSON).status_code == 200
    state = web("GET", control(sandbox, "state")).json()
    assert state["accounts"] == {ACCOUNT: {"credentials": []}}
    assert (state["writes"], state["requests"], state["faults"]) == (0, [], [])


def test_control_unknown_route(sandbox: Sandbox) -> None:
    assert web("GET", control(sandbox, "nothing")).status_code == 404


# -- foreground serve() -----------------------------------------------------------------------


def serve_in_thread(sb: Sandbox) -> tuple[threading.Thread, str]:
    """Run the blocking serve() in a thread; returns it with the URL passed to ready()."""
    urls: list[str] = []
    listening = threading.Event()

    def ready(url: str) -> None:
        urls.append(url)
        listening.set()

    thread = threading.Thread(
        target=serve, args=("127.0.0.1", 0), kwargs={"sandbox": sb, "ready": ready}
    )
    thread.start()
    assert listening.wait(5)
    return thread, urls[0]


def test_serve_calls_ready_and_stops() -> None:
    sb = Sandbox()
    thread, base_url = serve_in_thread(sb)
    assert (
        web("GET", f"{base_url}/accounts/{ACCOUNT}/sipcredentials/x", auth=BASIC).status_code == 404
    )
    sb.stop()
    thread.join(5)
    assert not thread.is_alive()
    assert not sb.is_running


# -- stopping ends every connection ---------------------------------------------------------


def test_stop_ends_pooled_keep_alive_connections() -> None:
    sb = Sandbox()
    sb.start()
    url = creds_url(sb, "bob")
    with requests.Session() as session:
        session.auth = BASIC
        assert session.get(url, timeout=TIMEOUT).status_code == 404
        sb.stop()
        with pytest.raises(requests.ConnectionError):
            session.get(url, timeout=TIMEOUT)


def test_stop_closes_an_open_connection_from_the_server_side() -> None:
    sb = Sandbox()
    sb.start()
    address = urlsplit(sb.base_url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=TIMEOUT)
    try:
        connection.request("GET", f"/api/accounts/{ACCOUNT}/sipcredentials/bob")
        response = connection.getresponse()
        assert response.status == 401
        response.read()  # the whole response: the connection stays open (keep-alive)
        assert connection.sock is not None
        sb.stop()
        assert _eof(connection.sock)  # not a timeout: the server hung up
    finally:
        connection.close()


def test_stopping_foreground_serve_ends_pooled_connections() -> None:
    sb = Sandbox()
    thread, base_url = serve_in_thread(sb)
    url = f"{base_url}/accounts/{ACCOUNT}/sipcredentials/x"
    with requests.Session() as session:
        session.auth = BASIC
        assert session.get(url, timeout=TIMEOUT).status_code == 404
        sb.stop()
        thread.join(5)
        assert not thread.is_alive()
        with pytest.raises(requests.ConnectionError):
            session.get(url, timeout=TIMEOUT)


def test_idle_connections_time_out(monkeypatch: pytest.MonkeyPatch) -> None:
    assert SandboxRequestHandler.timeout == 30
    monkeypatch.setattr(SandboxRequestHandler, "timeout", 0.2)
    sb = Sandbox()
    with sb.running():
        address = urlsplit(sb.base_url)
        with socket.create_connection((address.hostname, address.port), TIMEOUT) as connection:
            assert _eof(connection)


def _eof(connection: socket.socket) -> bool:
    """True when the peer closed the connection (EOF or reset) before TIMEOUT."""
    try:
        return connection.recv(1) == b""
    except ConnectionResetError:
        return True


def test_serve_exits_cleanly_on_sigterm() -> None:
    code = (
        "from bw_pulumi.sandbox.server import serve\n"
        "serve('127.0.0.1', 0, ready=lambda url: print(url, flush=True))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env
    ) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:") and url.endswith("/api")
            response = web("GET", f"{url}/accounts/{ACCOUNT}/sipcredentials/x", auth=BASIC)
            assert response.status_code == 404
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
        finally:
            if process.poll() is None:
                process.kill()
