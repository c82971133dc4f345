"""Deploy examples/basic (via the root Pulumi.yaml) to an in-process Bandwidth sandbox.

State lives in .pulumi-demo/ (a local file backend) and is started afresh on every run,
because the sandbox starts empty. The sandbox stops when this script ends.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / ".pulumi-demo"
STACK = "demo"
PULUMI_TIMEOUT_SECONDS = 600


def pulumi(env: dict[str, str], *args: str, stdin: str | None = None, quiet: bool = False) -> str:
    result = subprocess.run(
        ["pulumi", *args, "--non-interactive"],
        cwd=REPO,
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


def configure(env: dict[str, str], sandbox: Sandbox, passwords: dict[str, str]) -> None:
    plain = {
        "bandwidth:accountId": sandbox.account_id,
        "bandwidth:clientId": sandbox.config.client_id,
        "bandwidth:apiUrl": sandbox.base_url,
        "bandwidth:oauthUrl": sandbox.token_url,
        "realm": DEFAULT_REALM,
        "sipPort": "5006",
    }
    # As the README tells users: plain settings as arguments, with no --plaintext.
    for key, value in plain.items():
        pulumi(env, "config", "set", "--stack", STACK, key, value, quiet=True)
    # Secrets go through stdin, never the command line.
    hidden = {"bandwidth:clientSecret": sandbox.config.client_secret, **passwords}
    for key, value in hidden.items():
        pulumi(env, "config", "set", "--secret", "--stack", STACK, key, stdin=value, quiet=True)


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


def main() -> None:
    if shutil.which("pulumi") is None:
        raise SystemExit("demo: no `pulumi` on PATH; run scripts/demo, which installs it")
    env = fresh_environment()
    passwords = {name: secrets.token_urlsafe(18) for name in ("bridgePassword", "pbxPassword")}
    sandbox = Sandbox()
    with sandbox.running(host="127.0.0.1", port=0):
        print(f"Bandwidth sandbox on {sandbox.base_url} (account {sandbox.account_id})")
        pulumi(env, "stack", "init", STACK, quiet=True)
        configure(env, sandbox, passwords)
        pulumi(env, "up", "--stack", STACK, "--yes")
        report(env, sandbox, passwords)
    print(
        f"\nThe sandbox has stopped; nothing is left running. State: {WORK.relative_to(REPO)}/"
        " (replaced on the next run)."
    )


if __name__ == "__main__":
    main()
