"""``bw-pulumi``: compute digest hashes, check credentials at a registrar, place a Network
Bridge call through Twilio, or run the local Bandwidth sandbox.

The SIP password is read from standard input (or a no-echo prompt on a terminal), never from
the command line, where any user of the machine could read it in the process list.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from bw_pulumi import about
from bw_pulumi.api.errors import InvalidInputError
from bw_pulumi.cli import call, sandbox, verify
from bw_pulumi.cli.secret_input import read_secret
from bw_pulumi.resources.sip_credential.rules import compute_hashes

EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "hash":
        return _hash(args, sys.stdin, sys.stdout, sys.stderr)
    if args.command == "verify":
        return verify.run(args, sys.stdin, sys.stdout, sys.stderr)
    if args.command == "call":
        return call.run(args, sys.stdin, sys.stdout, sys.stderr)
    return sandbox.run(args, sys.stdout, sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bw-pulumi", description=__doc__)
    parser.add_argument("--version", action="version", version=f"bw-pulumi {about.version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    hash_cmd = commands.add_parser(
        "hash",
        help="compute Hash1 and Hash1b for a SIP credential",
        description="Compute Hash1/Hash1b. The password is read from stdin "
        "(one trailing newline stripped) or prompted for without echo on a terminal.",
    )
    hash_cmd.add_argument("--username", required=True, help="SIP username (without domain)")
    hash_cmd.add_argument(
        "--realm", required=True, help="realm FQDN, e.g. custxx.auth.bandwidth.com"
    )
    hash_cmd.add_argument("--domain", help="optional domain: the composite becomes user@domain")
    hash_cmd.add_argument("--format", choices=("json", "text"), default="json")

    sandbox.add_parser(commands)
    verify.add_parser(commands)
    call.add_parser(commands)
    return parser


def _hash(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    try:
        password = read_secret(stdin)
        hashes = compute_hashes(args.username, password, args.realm, args.domain)
    except InvalidInputError as error:
        print(f"bw-pulumi hash: {error}", file=stderr)
        return EXIT_USAGE
    if args.format == "text":
        print(f"composite username: {hashes.composite_username}", file=stdout)
        print(f"Hash1:  {hashes.hash1}", file=stdout)
        print(f"Hash1b: {hashes.hash1b}", file=stdout)
    else:
        payload = {
            "composite_username": hashes.composite_username,
            "hash1": hashes.hash1,
            "hash1b": hashes.hash1b,
        }
        print(json.dumps(payload), file=stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
