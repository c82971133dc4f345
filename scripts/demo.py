"""Both flows of bw-pulumi, end to end, against an in-process Bandwidth sandbox.

1. Network Bridge: deploy examples/basic (via the root Pulumi.yaml), check the hashes the
   sandbox holds, then build the Twilio call from the stack with `bw-pulumi call --dry-run`.
2. SIP Registrar: deploy examples/registrar (a realm and three phones), then REGISTER each
   phone with `bw-pulumi verify --stack` at a local Kamailio loaded with the hashes the
   sandbox holds (where Kamailio is installed; otherwise one line says so), then destroy.

The sandbox starts as `bw-pulumi sandbox` does: with the account's default realm. State
lives in .pulumi-demo/ (a local file backend) and is started afresh on every run. The
sandbox and Kamailio stop when this script ends.
"""

from __future__ import annotations

import importlib
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from bw_pulumi import compute_hashes
from bw_pulumi.cli.sandbox import DEFAULT_REALM_NAME
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / ".pulumi-demo"
REGISTRAR = WORK / "registrar"
STACK = "demo"
PULUMI_TIMEOUT_SECONDS = 600
#: Placeholders for `bw-pulumi call --dry-run`, which sends nothing (both are masked).
DEMO_TWILIO = {"TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "demo-token"}


def pulumi(
    env: dict[str, str],
    *args: str,
    stdin: str | None = None,
    quiet: bool = False,
    cwd: Path = REPO,
) -> str:
    result = subprocess.run(
        ["pulumi", *args, "--non-interactive"],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=quiet,
        text=True,
        timeout=PULUMI_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        if quiet:
            sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"demo: `pulumi {args[0]}` failed (exit {result.returncode})")
    return result.stdout if quiet else ""


def fresh_environment() -> dict[str, str]:
    shutil.rmtree(WORK, ignore_errors=True)
    (REPO / f"Pulumi.{STACK}.yaml").unlink(missing_ok=True)
    (WORK / "state").mkdir(parents=True)
    return {
        **os.environ,
        "PULUMI_BACKEND_URL": f"file://{WORK / 'state'}",
        "PULUMI_HOME": str(WORK / "home"),
        "PULUMI_CONFIG_PASSPHRASE": "bw-pulumi-demo",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        # The activated-virtualenv convention: Pulumi runs the program with this Python.
        "VIRTUAL_ENV": str(REPO / ".venv"),
        "PATH": f"{REPO / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def configure(
    env: dict[str, str],
    sandbox: Sandbox,
    plain: dict[str, str],
    hidden: dict[str, str],
    cwd: Path = REPO,
) -> None:
    """The provider settings for ``sandbox``, plus the program's own config."""
    plain = {
        "bandwidth:accountId": sandbox.account_id,
        "bandwidth:clientId": sandbox.config.client_id,
        "bandwidth:apiUrl": sandbox.base_url,
        "bandwidth:oauthUrl": sandbox.token_url,
        **plain,
    }
    # As the README tells users: plain settings as arguments, with no --plaintext.
    for key, value in plain.items():
        pulumi(env, "config", "set", "--stack", STACK, key, value, quiet=True, cwd=cwd)
    # Secrets go through stdin, never the command line.
    hidden = {"bandwidth:clientSecret": sandbox.config.client_secret, **hidden}
    for key, value in hidden.items():
        pulumi(
            env,
            "config",
            "set",
            "--secret",
            "--stack",
            STACK,
            key,
            stdin=value,
            quiet=True,
            cwd=cwd,
        )


def report(env: dict[str, str], sandbox: Sandbox, passwords: dict[str, str]) -> None:
    owners = {"twilio-bridge": "bridgePassword"}
    print("\nCredentials held by the sandbox (hashes checked, not shown):")
    for held in sandbox.credentials():
        password = passwords[owners.get(held.user_name, "pbxPassword")]
        wanted = compute_hashes(held.user_name, password, held.realm, held.domain)
        ok = (held.hash1, held.hash1b) == (wanted.hash1, wanted.hash1b)
        verdict = "hashes match" if ok else "HASH MISMATCH"
        print(f"  {held.composite_username:<32} realm {held.realm:<28} {verdict}")
        if not ok:
            raise SystemExit("demo: a credential does not hold the expected hashes")
    print("\nStack outputs (`pulumi stack output`):")
    print(pulumi(env, "stack", "output", "--stack", STACK, quiet=True), end="")
    to = pulumi(env, "stack", "output", "--stack", STACK, "network_bridge_to", quiet=True)
    user = pulumi(
        env, "stack", "output", "--stack", STACK, "network_bridge_sip_auth_username", quiet=True
    )
    print("\nA Twilio Network Bridge call would use:")
    print(f"  To              = {to.strip()}")
    print(f"  SipAuthUsername = {user.strip()}")
    print("  SipAuthPassword = [secret]  (pulumi stack output --show-secrets reveals it)")


def bw_pulumi(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`bw-pulumi ...` as a user runs it, from this checkout's virtualenv."""
    return subprocess.run(
        [str(REPO / ".venv" / "bin" / "bw-pulumi"), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=PULUMI_TIMEOUT_SECONDS,
        check=False,
    )


def network_bridge(env: dict[str, str], sandbox: Sandbox) -> None:
    print("\n== 1. Network Bridge: a credential Twilio authenticates with ==")
    passwords = {name: secrets.token_urlsafe(18) for name in ("bridgePassword", "pbxPassword")}
    pulumi(env, "stack", "init", STACK, quiet=True)
    configure(env, sandbox, {"realm": DEFAULT_REALM, "sipPort": "5006"}, passwords)
    pulumi(env, "up", "--stack", STACK, "--yes")
    report(env, sandbox, passwords)
    print("\n$ bw-pulumi call --stack . --to +17778889999 --from +15550001111 \\")
    print("    --twiml '<Response><Say>hello</Say></Response>' --dry-run")
    call = bw_pulumi(
        {**env, **DEMO_TWILIO, "PULUMI_STACK": STACK},
        "call",
        "--stack",
        str(REPO),
        "--stack-name",
        STACK,
        "--to",
        "+17778889999",
        "--from",
        "+15550001111",
        "--twiml",
        "<Response><Say>hello</Say></Response>",
        "--dry-run",
    )
    print(call.stdout + call.stderr, end="")
    if call.returncode != 0:
        raise SystemExit("demo: `bw-pulumi call --dry-run` failed")


def registrar(env: dict[str, str], sandbox: Sandbox) -> None:
    print("\n== 2. SIP Registrar: a realm and the phones that register in it ==")
    REGISTRAR.mkdir(parents=True)
    shutil.copy(REPO / "examples" / "registrar" / "__main__.py", REGISTRAR)
    (REGISTRAR / "Pulumi.yaml").write_text(
        "name: bw-pulumi-registrar\n"
        f"runtime:\n  name: python\n  options:\n    virtualenv: {REPO / '.venv'}\n"
    )
    password = secrets.token_urlsafe(18)
    pulumi(env, "stack", "init", STACK, quiet=True, cwd=REGISTRAR)
    configure(env, sandbox, {"realmName": "office"}, {"phonePassword": password}, REGISTRAR)
    pulumi(env, "up", "--stack", STACK, "--yes", "--skip-preview", cwd=REGISTRAR)
    office = next(r for r in sandbox.api_realms() if r.name == "office")
    phones = sandbox.realm_credentials(office.id)
    print(f"\nThe sandbox holds realm {office.fqdn} (id {office.id}) with {len(phones)} phones.")
    verify_phones(env, office.fqdn, phones)
    print("\n$ pulumi destroy")
    pulumi(env, "destroy", "--stack", STACK, "--yes", "--skip-preview", quiet=True, cwd=REGISTRAR)
    left = [r.name for r in sandbox.api_realms()]
    print(f"Destroyed: the account's realms are now {left} (the default realm stays).")


def verify_phones(env: dict[str, str], realm: str, phones: list[Any]) -> None:
    """`bw-pulumi verify --stack` at a Kamailio loaded with the hashes the sandbox holds,
    as the tests set it up (tests/support/sip_stack.py); one line instead where there is none."""
    sys.path.insert(0, str(REPO))
    sip_stack: Any = importlib.import_module("tests.support.sip_stack")

    kamailio = sip_stack.find_tool("kamailio")
    if kamailio is None:
        print(
            "Kamailio is not installed: skipping `bw-pulumi verify` (on Debian/Ubuntu:"
            " `apt-get install kamailio`, or scripts/install-sip-tools as root)"
        )
        return
    tools = sip_stack.SipTools(kamailio, sip_stack.find_tool("sipp") or "sipp")
    rows = [sip_stack.SubscriberRow(p.user_name, realm, p.hash1, p.hash1b) for p in phones]
    with sip_stack.running_kamailio(tools, WORK / "kamailio", realm, rows) as registrar:
        where = f"127.0.0.1:{registrar.port}"
        print(f"\n$ bw-pulumi verify --registrar {where} --stack .   # a local Kamailio")
        result = bw_pulumi(
            {**env, "PULUMI_STACK": STACK},
            "verify",
            "--registrar",
            where,
            "--stack",
            str(REGISTRAR),
            "--stack-name",
            STACK,
        )
    print(result.stdout + result.stderr, end="")
    if result.returncode != 0:
        raise SystemExit("demo: `bw-pulumi verify` did not authenticate every phone")


def main() -> None:
    if shutil.which("pulumi") is None:
        raise SystemExit("demo: no `pulumi` on PATH; run scripts/demo, which installs it")
    env = fresh_environment()
    sandbox = Sandbox()
    sandbox.add_realm_out_of_band(
        DEFAULT_REALM_NAME, description="the account's default realm", default=True
    )
    with sandbox.running(host="127.0.0.1", port=0):
        print(f"Bandwidth sandbox on {sandbox.base_url} (account {sandbox.account_id})")
        network_bridge(env, sandbox)
        registrar(env, sandbox)
    print(
        f"\nThe sandbox has stopped; nothing is left running. State: {WORK.relative_to(REPO)}/"
        " (replaced on the next run)."
    )


if __name__ == "__main__":
    main()
