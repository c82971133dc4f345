"""Kamailio as a registrar and sipp as a SIP client, for the SIP authentication tests.

Both run on 127.0.0.1 only, on free ports, with every file (config, db_text tables, sipp
scenarios holding the test password) generated into a temp dir, and are always stopped.
Kamailio reads the stored digests with ``calculate_ha1`` off: it never sees a password,
exactly like Bandwidth, which stores only Hash1 and Hash1b.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bw_pulumi.sandbox import StoredCredential

INSTALL_HINT = (
    "Kamailio and sipp are needed: on Debian/Ubuntu run `apt-get install kamailio sip-tester`"
    " (scripts/test does this itself when run as root where apt-get exists)"
)
START_TIMEOUT_SECONDS = 15
SIPP_TIMEOUT_SECONDS = 30
#: Debian installs kamailio in /usr/sbin, which a non-root PATH often leaves out.
_SBIN_DIRS = ("/usr/sbin", "/usr/local/sbin", "/sbin")


@dataclass(frozen=True)
class SipTools:
    kamailio: str
    sipp: str


def find_tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    return next((f"{d}/{name}" for d in _SBIN_DIRS if os.access(f"{d}/{name}", os.X_OK)), None)


def require_sip_tools() -> SipTools:
    """The tools, or a skip saying how to install them; under CI=true a failure instead."""
    kamailio, sipp = find_tool("kamailio"), find_tool("sipp")
    if kamailio and sipp:
        return SipTools(kamailio, sipp)
    missing = [name for name, path in (("kamailio", kamailio), ("sipp", sipp)) if not path]
    reason = f"missing {', '.join(missing)}. {INSTALL_HINT}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"SIP tests cannot run under CI=true: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    """A loopback port free for both UDP and TCP right now."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port: int = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    raise RuntimeError("no free loopback port for both UDP and TCP")


@dataclass(frozen=True)
class SubscriberRow:
    """One row of Kamailio's ``subscriber`` table (db_text)."""

    username: str
    domain: str
    ha1: str
    ha1b: str


def subscriber_rows(credentials: Iterable[StoredCredential]) -> list[SubscriberRow]:
    """Bandwidth's stored hashes as Kamailio auth_db rows (``use_domain`` on).

    Kamailio splits the digest username at its first ``@`` into a lookup user and domain
    (the realm when there is no ``@``) and reads ``ha1`` when there was no ``@``, ``ha1b``
    when there was one. So:

    * ``alice`` (Hash1) and ``alice@realm`` (Hash1b) share the row (alice, realm): Kamailio's
      HA1/HA1B convention is exactly Bandwidth's, hashes copied as they are.
    * a domain credential ``bob@corp.example.com`` always has an ``@``: its Hash1 answers the
      digest username ``bob@corp.example.com`` (looked up as bob / corp.example.com), and
      its Hash1b answers ``bob@corp.example.com@realm`` (bob / corp.example.com@realm).
      Both land in Kamailio's ``ha1b`` column, in two rows: that placement is ours, since
      Kamailio has no column for "HA1 of a username containing @".
    """
    rows = []
    for credential in credentials:
        if credential.domain is None:
            rows.append(
                SubscriberRow(
                    credential.user_name, credential.realm, credential.hash1, credential.hash1b
                )
            )
            continue
        rows += [
            SubscriberRow(
                credential.user_name, credential.domain, credential.hash1, credential.hash1
            ),
            SubscriberRow(
                credential.user_name,
                f"{credential.domain}@{credential.realm}",
                credential.hash1b,
                credential.hash1b,
            ),
        ]
    return rows


_CONFIG = """#!KAMAILIO
# Generated for one test run: a registrar on loopback that authenticates REGISTER with
# the stored HA1/HA1B digests (calculate_ha1 off) and keeps bindings in memory.
debug=2
log_stderror=yes
children=1
tcp_children=1
auto_aliases=no
listen=udp:127.0.0.1:{port}
listen=tcp:127.0.0.1:{port}

loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "db_text.so"
loadmodule "auth.so"
loadmodule "auth_db.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"

modparam("auth", "secret", "{secret}")
modparam("auth", "nonce_count", 1)
modparam("auth_db", "db_url", "text://{db_dir}")
modparam("auth_db", "calculate_ha1", 0)
modparam("auth_db", "use_domain", 1)
modparam("auth_db", "password_column", "ha1")
modparam("auth_db", "password_column_2", "ha1b")
modparam("auth_db", "load_credentials", "")
modparam("auth_db", "version_table", 0)
modparam("usrloc", "db_mode", 0)

request_route {{
    if (method == "OPTIONS") {{ sl_send_reply("200", "OK"); exit; }}
    if (method != "REGISTER") {{ sl_send_reply("405", "Method Not Allowed"); exit; }}
    if (!www_authorize("{realm}", "subscriber")) {{
        xlog("L_NOTICE", "auth failed for user=$au domain=$ad code=$rc\\n");
        www_challenge("{realm}", "1");
        exit;
    }}
    xlog("L_NOTICE", "auth ok for user=$au domain=$ad\\n");
    consume_credentials();
    if (!save("location")) {{ sl_reply_error(); }}
    exit;
}}
"""


@dataclass(frozen=True)
class Kamailio:
    port: int
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def running_kamailio(
    tools: SipTools, workdir: Path, realm: str, rows: Iterable[SubscriberRow]
) -> Iterator[Kamailio]:
    """Start Kamailio with ``rows`` loaded; stop it (its whole process group) on exit."""
    workdir.mkdir(parents=True, exist_ok=True)
    db_dir = workdir / "db"
    db_dir.mkdir()
    lines = ["id(int,auto) username(str) domain(str) ha1(str) ha1b(str)"]
    lines += [f"{i}:{r.username}:{r.domain}:{r.ha1}:{r.ha1b}" for i, r in enumerate(rows, 1)]
    (db_dir / "subscriber").write_text("\n".join(lines) + "\n")
    (db_dir / "version").write_text("table_name(str) table_version(int)\nsubscriber:7\n")
    port = free_port()
    config = workdir / "kamailio.cfg"
    config.write_text(
        _CONFIG.format(port=port, secret=secrets.token_hex(16), db_dir=db_dir, realm=realm)
    )
    log = workdir / "kamailio.log"
    command = [tools.kamailio, "-f", str(config), "-DD", "-E", "-m", "32", "-M", "8"]
    command += ["-Y", str(workdir), "-w", str(workdir)]
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    kamailio = Kamailio(port, log)
    try:
        _wait_until_answering(process, kamailio)
        yield kamailio
    finally:
        _stop(process)


def _wait_until_answering(process: subprocess.Popen[bytes], kamailio: Kamailio) -> None:
    """Poll with OPTIONS until Kamailio answers; fail with its log if it dies or hangs."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        probe.settimeout(0.2)
        local_port = probe.getsockname()[1]
        options = (
            f"OPTIONS sip:127.0.0.1:{kamailio.port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{local_port};branch=z9hG4bK{secrets.token_hex(6)}\r\n"
            "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=p\r\n"
            "To: <sip:probe@127.0.0.1>\r\nCall-ID: probe\r\nCSeq: 1 OPTIONS\r\n"
            "Content-Length: 0\r\n\r\n"
        ).encode()
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"kamailio exited {process.returncode}:\n{kamailio.log_text()}")
            try:
                probe.sendto(options, ("127.0.0.1", kamailio.port))
                if probe.recv(65_535).startswith(b"SIP/2.0 200"):
                    return
            except (TimeoutError, ConnectionRefusedError):
                time.sleep(0.05)
    raise RuntimeError(f"kamailio did not answer within {START_TIMEOUT_SECONDS} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


_SCENARIO = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="register with digest">
  <send retrans="500">
    <![CDATA[
REGISTER sip:{realm} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: <sip:{aor_user}@{realm}>;tag=[call_number]
To: <sip:{aor_user}@{realm}>
Call-ID: [call_id]
CSeq: 1 REGISTER
Contact: <sip:{aor_user}@[local_ip]:[local_port];transport=[transport]>
Expires: 60
Content-Length: 0

    ]]>
  </send>
  <recv response="401" auth="true"/>
  <send retrans="500">
    <![CDATA[
REGISTER sip:{realm} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: <sip:{aor_user}@{realm}>;tag=[call_number]
To: <sip:{aor_user}@{realm}>
Call-ID: [call_id]
CSeq: 2 REGISTER
Contact: <sip:{aor_user}@[local_ip]:[local_port];transport=[transport]>
[authentication username={digest_username} password={password}]
Expires: 60
Content-Length: 0

    ]]>
  </send>
  <recv response="200" optional="true" next="done"/>
  <recv response="401" optional="true" next="done"/>
  <recv response="403" next="done"/>
  <label id="done"/>
</scenario>
"""
_SAFE_IN_SCENARIO = re.compile(r"[A-Za-z0-9._\-!$&*+=~@]+")


@dataclass(frozen=True)
class SippRun:
    exit_code: int
    #: Status codes of every response sipp received, in order.
    statuses: list[int]
    messages: str


def sipp_register(
    tools: SipTools,
    workdir: Path,
    kamailio: Kamailio,
    *,
    realm: str,
    aor_user: str,
    digest_username: str,
    password: str,
) -> SippRun:
    """REGISTER once with sipp: unauthenticated, then answering the 401 with the password.

    The password goes into a scenario file (mode 600) in ``workdir``, never into argv.
    """
    for value in (aor_user, digest_username, password):
        assert _SAFE_IN_SCENARIO.fullmatch(value), "value would need escaping in the scenario"
    workdir.mkdir(parents=True, exist_ok=True)
    run_id = secrets.token_hex(4)
    scenario = workdir / f"register-{run_id}.xml"
    scenario.touch(mode=0o600)
    scenario.write_text(
        _SCENARIO.format(
            realm=realm, aor_user=aor_user, digest_username=digest_username, password=password
        )
    )
    messages = workdir / f"sipp-{run_id}-messages.log"
    command = [tools.sipp, "-sf", str(scenario), "-i", "127.0.0.1", "-p", str(free_port())]
    command += ["-m", "1", "-t", "u1", "-timeout", "10s", "-timeout_error", "-nostdin"]
    command += ["-trace_msg", "-message_file", str(messages), f"127.0.0.1:{kamailio.port}"]
    try:
        result = subprocess.run(
            command,
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=SIPP_TIMEOUT_SECONDS,
            check=False,
        )
    finally:
        scenario.unlink()
    text = messages.read_text(errors="replace") if messages.exists() else ""
    statuses = [int(code) for code in re.findall(r"^SIP/2\.0 (\d{3}) ", text, re.MULTILINE)]
    return SippRun(result.returncode, statuses, text + result.stderr.decode(errors="replace"))
