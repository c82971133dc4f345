"""The sandbox's ``/_sandbox/`` controls answer local tools only: a loopback Host, no foreign
Origin, and JSON for anything but a GET. A web page can neither forge a control request
(CSRF) nor read the sandbox's state through a rebound DNS name."""

from __future__ import annotations

import pytest

from tests.support.sandbox_http import BASIC, JSON, creds_url, web

from bw_pulumi.sandbox import Sandbox, StoredCredential


def control(sb: Sandbox, route: str) -> str:
    return sb.base_url.removesuffix("/api") + "/_sandbox/" + route


def port(sb: Sandbox) -> int:
    return int(sb.base_url.rsplit(":", 1)[1].split("/")[0])


@pytest.fixture
def held(sandbox: Sandbox) -> Sandbox:
    sandbox.put_credential(StoredCredential("bob", None, "a" * 32, "b" * 32, sandbox.realms[0]))
    return sandbox


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "10.0.0.1:{port}"])
def test_a_foreign_host_is_refused_for_reads_and_writes(held: Sandbox, host: str) -> None:
    headers = {"Host": host.format(port=port(held))}
    read = web("GET", control(held, "state"), headers=headers)
    assert read.status_code == 403 and "loopback Host" in read.json()["error"]
    assert "credentials" not in read.json()  # a rebound page reads no hashes
    reset = web("POST", control(held, "reset"), headers={**headers, **JSON})
    assert reset.status_code == 403
    assert [c.composite_username for c in held.credentials()] == ["bob"]


@pytest.mark.parametrize(
    "host", ["localhost:{port}", "127.0.0.1:{port}", "[::1]:{port}", "127.0.0.2"]
)
def test_loopback_hosts_are_served(sandbox: Sandbox, host: str) -> None:
    headers = {"Host": host.format(port=port(sandbox))}
    assert web("GET", control(sandbox, "state"), headers=headers).status_code == 200


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://evil.example:80"])
def test_a_foreign_origin_is_refused(held: Sandbox, origin: str) -> None:
    reply = web("POST", control(held, "reset"), headers={**JSON, "Origin": origin})
    assert reply.status_code == 403 and "web origin" in reply.json()["error"]
    assert [c.composite_username for c in held.credentials()] == ["bob"]


def test_a_loopback_origin_is_served(held: Sandbox) -> None:
    origin = f"http://localhost:{port(held)}"
    reply = web("POST", control(held, "reset"), headers={**JSON, "Origin": origin})
    assert reply.status_code == 200 and held.credentials() == []


@pytest.mark.parametrize(
    ("method", "route", "body", "content_type"),
    [
        ("POST", "reset", None, None),  # what a cross-site form or fetch() can send
        ("POST", "reset", b"x", "text/plain"),
        ("POST", "faults", b'{"kind": "status"}', "application/x-www-form-urlencoded"),
        ("POST", "faults", b'{"kind": "status"}', "text/plain"),
        ("DELETE", "credentials/bob", None, None),
        ("POST", "revoke-tokens", None, "multipart/form-data; boundary=x"),
        ("GET", "state", b"{}", "text/plain"),
    ],
)
def test_anything_but_a_bodiless_get_must_be_json(
    held: Sandbox, method: str, route: str, body: bytes | None, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    reply = web(method, control(held, route), data=body, headers=headers)
    assert reply.status_code == 415
    assert "Content-Type: application/json" in reply.json()["error"]
    assert [c.composite_username for c in held.credentials()] == ["bob"]
    assert held.pending_faults == []


def test_json_control_requests_and_plain_gets_are_served(held: Sandbox) -> None:
    assert web("GET", control(held, "state")).status_code == 200
    charset = {"Content-Type": "application/json; charset=utf-8"}
    assert web("DELETE", control(held, "credentials/bob"), headers=charset).status_code == 200
    assert web("POST", control(held, "faults"), json={"kind": "status"}).status_code == 201


def test_the_api_itself_does_not_depend_on_the_host(held: Sandbox) -> None:
    """The guard is the controls' own: the API answers whatever name reaches it."""
    reply = web("GET", creds_url(held, "bob"), auth=BASIC, headers={"Host": "api.example"})
    assert reply.status_code == 200
