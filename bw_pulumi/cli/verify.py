"""``bw-pulumi verify``: after ``pulumi up``, prove that a SIP client with the declared
username and password authenticates at a registrar.

It REGISTERs with digest authentication, then unREGISTERs the one contact it added, for one
credential (``--username``/``--domain``/``--realm``, the password from an environment
variable, stdin or a no-echo prompt, never argv) or for every credential of a deployed
stack (``--stack DIR``, passwords from the stack's secrets, decrypted in memory only).
Exit status: 0 when every check authenticated, 1 when any did not, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bw_pulumi.api.errors import InvalidInputError
from bw_pulumi.cli.secret_input import read_secret
from bw_pulumi.cli.stack import StackReadError, stack_credentials
from bw_pulumi.cli.terminal import printable
from bw_pulumi.resources.sip_credential.rules import (
    composite_username,
    validate_domain,
    validate_password,
    validate_realm,
    validate_username,
)
from bw_pulumi.sip import DEFAULT_PORT, Endpoint
from bw_pulumi.sip.register import CheckResult, Identity, Outcome, check_registration
from bw_pulumi.sip.transport import TRANSPORTS

PASSWORD_ENV = "BW_SIP_PASSWORD"  # noqa: S105 (the variable's name, not a password)
DEFAULT_TIMEOUT_SECONDS = 5.0
MIN_TIMEOUT_SECONDS = 0.1
MAX_TIMEOUT_SECONDS = 60.0
EXIT_NOT_ALL_AUTHENTICATED = 1
EXIT_USAGE = 2
DESCRIPTION = """\
REGISTER at a SIP registrar with digest authentication, then unREGISTER the one contact
added, to prove that a SIP client with the declared username and password authenticates.

One credential: --username [--domain] --realm, with the password from $BW_SIP_PASSWORD
(or --password-env VAR), else stdin, else a no-echo prompt; never from the command line.
Every credential of a deployed stack: --stack DIR [--stack-name NAME].

Exit status: 0 when every check authenticated, 1 when any did not, 2 for bad input."""


@dataclass(frozen=True)
class Target:
    """One check to run: which credential, and the identity that registers for it."""

    name: str
    composite_username: str
    identity: Identity


def add_parser(commands: Any) -> None:
    """Register the ``verify`` subcommand on ``bw-pulumi``'s subparsers."""
    verify = commands.add_parser(
        "verify",
        help="REGISTER at a SIP registrar to prove credentials authenticate",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        # Without this, `--password x` would be taken as `--password-env x`.
        allow_abbrev=False,
    )
    verify.add_argument(
        "--registrar",
        required=True,
        metavar="HOST[:PORT]",
        help=f"the registrar to REGISTER at (port {DEFAULT_PORT} by default; IPv6 as [addr]:port)",
    )
    verify.add_argument("--transport", choices=TRANSPORTS, default="udp")
    verify.add_argument("--username", help="SIP username (without domain)")
    verify.add_argument("--domain", help="optional domain: the composite becomes user@domain")
    verify.add_argument("--realm", help="realm FQDN the credential was hashed for")
    verify.add_argument(
        "--password-env",
        default=PASSWORD_ENV,
        metavar="VAR",
        help=f"environment variable holding the password (default {PASSWORD_ENV});"
        " when unset, the password is read from stdin or prompted for",
    )
    verify.add_argument(
        "--stack", type=Path, metavar="DIR", help="check every SIP credential of this stack"
    )
    verify.add_argument("--stack-name", help="with --stack: the stack (default: the selected one)")
    verify.add_argument(
        "--realm-form",
        action="store_true",
        help="also REGISTER as composite@realm, the digest username that Hash1b answers",
    )
    verify.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_SECONDS,
        help=f"seconds each check may take ({MIN_TIMEOUT_SECONDS:g}-{MAX_TIMEOUT_SECONDS:g},"
        f" default {DEFAULT_TIMEOUT_SECONDS:g})",
    )
    verify.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    try:
        endpoint = parse_registrar(args.registrar, args.transport)
        _check_timeout(args.timeout)
        targets = _targets(args, stdin)
    except (InvalidInputError, StackReadError) as error:
        print(printable(f"bw-pulumi verify: {error}"), file=stderr)
        return EXIT_USAGE
    results = [
        (target, check_registration(endpoint, target.identity, timeout=args.timeout))
        for target in targets
    ]
    if args.format == "json":
        print(json.dumps(_json_report(endpoint, results), indent=2), file=stdout)
    else:
        _print_text(endpoint, results, stdout)
    all_ok = all(result.outcome is Outcome.AUTHENTICATED for _, result in results)
    return 0 if all_ok else EXIT_NOT_ALL_AUTHENTICATED


def parse_registrar(text: str, transport: str) -> Endpoint:
    """``host``, ``host:port``, ``[v6]`` or ``[v6]:port``; checked before any network call."""
    rule = "must be HOST or HOST:PORT (IPv6 as [addr]:port), e.g. 'sip.example.com:5060'"
    host, port_text = text.strip(), ""
    if host.startswith("["):
        inside, bracket, rest = host[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise InvalidInputError("registrar", rule)
        host, port_text = inside, rest[1:]
    elif host.count(":") == 1:
        host, port_text = host.split(":")
    elif ":" in host:
        raise InvalidInputError("registrar", rule + "; put an IPv6 address in brackets")
    if not host or any(char.isspace() or char in "/@;?" for char in host):
        raise InvalidInputError("registrar", rule)
    if not port_text:
        return Endpoint(host, DEFAULT_PORT, transport)
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise InvalidInputError("registrar", f"port must be 1-65535 (got {port_text!r})")
    return Endpoint(host, int(port_text), transport)


def _check_timeout(timeout: float) -> None:
    if not MIN_TIMEOUT_SECONDS <= timeout <= MAX_TIMEOUT_SECONDS:
        raise InvalidInputError(
            "timeout",
            f"must be {MIN_TIMEOUT_SECONDS:g}-{MAX_TIMEOUT_SECONDS:g} seconds (got {timeout:g})",
        )


def _targets(args: argparse.Namespace, stdin: TextIO) -> list[Target]:
    if args.stack is not None:
        return _stack_targets(args)
    if args.stack_name is not None:
        raise InvalidInputError("stack-name", "needs --stack DIR")
    if args.username is None or args.realm is None:
        raise InvalidInputError("username", "give --username and --realm, or --stack DIR")
    validate_username(args.username)
    validate_domain(args.domain)
    validate_realm(args.realm)
    composite = composite_username(args.username, args.domain)
    password = read_secret(
        stdin, env_var=args.password_env, prompt=f"SIP password for {composite}: "
    )
    try:
        validate_password(password)
    except InvalidInputError as error:
        raise InvalidInputError(
            "password",
            f"{error.rule} (set {args.password_env}, pipe it on stdin, or type it at the prompt)",
        ) from None
    return _forms(composite, composite, args.username, args.domain, args.realm, password, args)


def _stack_targets(args: argparse.Namespace) -> list[Target]:
    for option in ("username", "domain", "realm"):
        if getattr(args, option) is not None:
            raise InvalidInputError(option, "cannot be combined with --stack (it names them)")
    credentials = stack_credentials(args.stack, args.stack_name)
    if not credentials:
        raise StackReadError(f"the stack in {args.stack} holds no SIP credentials")
    targets: list[Target] = []
    for credential in credentials:
        targets += _forms(
            credential.name,
            credential.composite_username,
            credential.username,
            credential.domain,
            credential.realm,
            credential.password,
            args,
        )
    return targets


def _forms(
    name: str,
    composite: str,
    username: str,
    domain: str | None,
    realm: str,
    password: str,
    args: argparse.Namespace,
) -> list[Target]:
    """The composite username (answered by Hash1), and with --realm-form also
    ``composite@realm`` (answered by Hash1b)."""
    digest_usernames = [composite] + ([f"{composite}@{realm}"] if args.realm_form else [])
    return [
        Target(name, composite, Identity(digest, password, realm, username, domain or realm))
        for digest in digest_usernames
    ]


def _json_report(endpoint: Endpoint, results: list[tuple[Target, CheckResult]]) -> dict[str, Any]:
    return {
        "registrar": f"{endpoint.host}:{endpoint.port}",
        "transport": endpoint.transport,
        "all_authenticated": all(r.outcome is Outcome.AUTHENTICATED for _, r in results),
        "results": [
            {
                "name": target.name,
                "composite_username": target.composite_username,
                "digest_username": target.identity.digest_username,
                "realm": target.identity.realm,
                "outcome": result.outcome.value,
                "status": result.status,
                "detail": result.detail,
            }
            for target, result in results
        ],
    }


def _print_text(
    endpoint: Endpoint, results: list[tuple[Target, CheckResult]], stdout: TextIO
) -> None:
    """One line per check. The detail holds the registrar's text (its reason phrase, its
    realm), so it is printed through :func:`printable`: no server forges our lines."""
    print(printable(f"REGISTER at {endpoint}:"), file=stdout)
    width = max(len(target.identity.digest_username) for target, _ in results)
    for target, result in results:
        label = target.identity.digest_username.ljust(width)
        print(printable(f"  {result.outcome.value:<13}  {label}  {result.detail}"), file=stdout)
    passed = sum(result.outcome is Outcome.AUTHENTICATED for _, result in results)
    print(f"{passed} of {len(results)} authenticated", file=stdout)
