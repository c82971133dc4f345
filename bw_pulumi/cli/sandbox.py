"""``bw-pulumi sandbox``: the local Bandwidth-compatible API, as a user first runs it.

It starts with one realm, the account's default, as a real Registrar account has: the
realms API makes an account's first realm its default, and a default realm cannot be
deleted (33006), so on an empty sandbox the README's Registrar flow could deploy but
never destroy. ``--no-default-realm`` starts empty, as ``Sandbox()`` does in the tests.
A port that is taken or invalid is one line on stderr, not a traceback.
"""

from __future__ import annotations

import argparse
import errno
import socket
from typing import Any, TextIO

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: The name of the realm a fresh sandbox account starts with.
DEFAULT_REALM_NAME = "default"
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 1

DESCRIPTION = (
    "Serve a local Bandwidth-compatible API for demos and tests on http://HOST:PORT/api"
    f" (default http://{DEFAULT_HOST}:{DEFAULT_PORT}/api): the account-level SIP credentials"
    " API, the realms API with realm-scoped credentials, the OAuth2 token endpoint"
    " (/api/v1/oauth2/token) and Basic auth, for one account, in Bandwidth's XML shapes and"
    " error codes; and a JSON control endpoint under /_sandbox/ (loopback only) that inspects"
    " it and injects faults. It starts with one realm, the account's default, as a real"
    " account has. State is in memory; Ctrl-C stops it."
)


def add_parser(commands: Any) -> None:
    """The ``sandbox`` subcommand on ``commands`` (argparse's subparsers action)."""
    sandbox_cmd = commands.add_parser(
        "sandbox",
        help=f"run a local Bandwidth-compatible API (default port {DEFAULT_PORT})",
        description=DESCRIPTION,
    )
    sandbox_cmd.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})"
    )
    sandbox_cmd.add_argument(
        "--port",
        default=str(DEFAULT_PORT),
        help=f"TCP port (default {DEFAULT_PORT}; 0 picks a free port)",
    )
    sandbox_cmd.add_argument(
        "--no-default-realm",
        action="store_true",
        help=f"start with no realm (default: one realm, {DEFAULT_REALM_NAME!r}, the account's"
        " default; without it the first realm created becomes the default and cannot be"
        " deleted)",
    )


def parse_port(raw: str) -> int | None:
    """The port, or None unless it is a whole number from 0 to 65535."""
    text = raw.strip()
    if not text.isascii() or not text.isdigit():
        return None
    port = int(text)
    return port if port <= 65_535 else None


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from bw_pulumi.sandbox import Sandbox
    from bw_pulumi.sandbox.server import serve

    port = parse_port(args.port)
    if port is None:
        print(
            f"bw-pulumi sandbox: --port must be a whole number from 0 to 65535 (got"
            f" {args.port!r}); 0 picks a free port",
            file=stderr,
        )
        return EXIT_USAGE
    sandbox = Sandbox()
    if not args.no_default_realm:
        sandbox.add_realm_out_of_band(
            DEFAULT_REALM_NAME, description="the account's default realm", default=True
        )
    listening = False

    def announce(base_url: str) -> None:
        nonlocal listening
        listening = True
        _announce(sandbox, base_url, stdout)

    try:
        serve(args.host, port, sandbox=sandbox, ready=announce)
    except OSError as error:
        if listening:
            raise
        reason = error.strerror or str(error)
        print(
            f"bw-pulumi sandbox: cannot listen on {args.host}:{port}: {reason}; {_hint(error)}",
            file=stderr,
        )
        return EXIT_UNAVAILABLE
    return 0


def _hint(error: OSError) -> str:
    if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
        return "give --host an address of this machine (default 127.0.0.1)"
    if error.errno == errno.EACCES:
        return "ports below 1024 need privileges: choose another with --port"
    return "stop what uses that port or choose another with --port (0 picks a free one)"


def _announce(sandbox: Any, base_url: str, out: TextIO) -> None:
    config = sandbox.config
    lines = [
        f"Bandwidth sandbox listening on {base_url}",
        f"  account id:     {sandbox.account_id}",
        f"  OAuth2 client:  {config.client_id} / {config.client_secret}",
        f"  token URL:      {base_url}/v1/oauth2/token",
        f"  Basic auth:     {config.basic_username} / {config.basic_password}",
    ]
    for realm in sandbox.api_realms():
        if realm.default:
            lines.append(f"  default realm:  {realm.name} (id {realm.id}, {realm.fqdn})")
    lines.append("  (sandbox-only credentials; Ctrl-C stops it)")
    for line in lines:
        print(line, file=out, flush=True)
