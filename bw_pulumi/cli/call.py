"""``bw-pulumi call``: place a Network Bridge call through Twilio with a Bandwidth credential.

The SIP credential comes from flags plus a password (``BW_SIP_PASSWORD``, standard input or
a no-echo prompt; never argv), or from a deployed stack's outputs (``--stack``), the password
then staying in this process's memory. Twilio's credentials come from the environment
variables Twilio's own tools read. Every input is checked before anything is sent.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bw_pulumi.api.errors import InvalidInputError
from bw_pulumi.cli.bridge import (
    TWILIO_API_URL,
    BridgeEndpoint,
    NetworkBridgeCall,
    TwilioCredentials,
    calls_url,
    endpoint_from_outputs,
    parse_port,
    twilio_credentials,
    validate_call_details,
    validate_endpoint,
    validate_http_url,
)
from bw_pulumi.cli.secret_input import read_secret
from bw_pulumi.cli.stack import StackReadError, stack_outputs
from bw_pulumi.cli.terminal import printable

if TYPE_CHECKING:
    from bw_pulumi.cli.twilio_call import PlacedCall

PASSWORD_ENV_VAR = "BW_SIP_PASSWORD"  # noqa: S105 - a variable name
INSTALL_HINT = "pip install 'bw-pulumi[twilio]'"
EXIT_FAILURE = 1
EXIT_USAGE = 2
_PROG = "bw-pulumi call"
_FLAGS_THE_STACK_GIVES = ("username", "realm", "port")


class _TwilioMissingError(Exception):
    """The optional ``twilio`` package is not installed."""


def add_parser(commands: Any) -> None:
    """Register ``call`` on the ``bw-pulumi`` subcommands (an argparse subparsers action)."""
    call = commands.add_parser(
        "call",
        help="place a Network Bridge call through Twilio with a Bandwidth SIP credential",
        description="Ask Twilio to call sip:{TO}@{realm}:{port}, answering Bandwidth's digest "
        "challenge with the SIP credential. Twilio credentials: TWILIO_ACCOUNT_SID with "
        "TWILIO_AUTH_TOKEN, or with TWILIO_API_KEY and TWILIO_API_SECRET. The SIP password: "
        f"${PASSWORD_ENV_VAR}, else standard input, else a no-echo prompt (never argv); "
        "with --stack, the stack's secret output.",
    )
    call.add_argument("--to", required=True, help="E.164 number to ring, e.g. +17778889999")
    call.add_argument(
        "--from",
        dest="from_number",
        metavar="FROM",
        required=True,
        help="E.164 caller id (a Twilio number)",
    )
    instructions = call.add_mutually_exclusive_group(required=True)
    instructions.add_argument("--twiml-url", help="URL Twilio fetches the call's TwiML from")
    instructions.add_argument("--twiml", help="inline TwiML, e.g. '<Response><Say>hi</Say>...'")
    call.add_argument("--username", help="SIP auth username: the composite user[@domain]")
    call.add_argument("--realm", help="realm FQDN, e.g. custxx.auth.bandwidth.com")
    call.add_argument("--port", help="SIP port from Bandwidth support, e.g. 5006")
    call.add_argument(
        "--stack",
        metavar="DIR",
        help="read username, password, realm and port from this Pulumi project's stack outputs",
    )
    call.add_argument("--stack-name", help="the stack in --stack DIR (default: the selected one)")
    call.add_argument(
        "--twilio-api-url",
        default=TWILIO_API_URL,
        help=f"base URL of Twilio's REST API (default {TWILIO_API_URL}; proxies, tests)",
    )
    call.add_argument(
        "--dry-run", action="store_true", help="print the request instead of sending it"
    )
    call.add_argument("--format", choices=("text", "json"), default="text")


def run(
    args: argparse.Namespace,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
    environ: Mapping[str, str] | None = None,
) -> int:
    env = os.environ if environ is None else environ
    try:
        _check_arguments(args)
        credentials = twilio_credentials(env)
        if not args.dry_run:
            _require_twilio()  # before any prompt: say first what to install
        call = NetworkBridgeCall(
            to_number=args.to,
            from_number=args.from_number,
            endpoint=_endpoint(args, stdin, env),
            twiml_url=args.twiml_url,
            twiml=args.twiml,
        )
    except InvalidInputError as error:
        return _fail(stderr, str(error), EXIT_USAGE)
    except StackReadError as error:
        return _fail(stderr, str(error), EXIT_FAILURE)
    except _TwilioMissingError:
        return _fail(stderr, f"the Twilio library is not installed: {INSTALL_HINT}", EXIT_FAILURE)
    if args.dry_run:
        _print_dry_run(call, credentials, args.twilio_api_url, args.format, stdout)
        print(f"{_PROG}: dry run, nothing was sent", file=stderr)
        return 0
    from bw_pulumi.cli.twilio_call import TwilioCallError, place_call

    try:
        placed = place_call(call, credentials, api_url=args.twilio_api_url)
    except TwilioCallError as error:
        return _fail(stderr, str(error), EXIT_FAILURE)
    _print_placed(placed, args.format, stdout)
    return 0


def _check_arguments(args: argparse.Namespace) -> None:
    """What needs no credential, checked first: the numbers, the TwiML, the URLs, the mode."""
    validate_call_details(args.to, args.from_number, args.twiml_url, args.twiml)
    validate_http_url(args.twilio_api_url, "twilio-api-url")
    if args.stack is None:
        if args.stack_name is not None:
            raise InvalidInputError("stack-name", "needs --stack")
        for flag in _FLAGS_THE_STACK_GIVES:
            if getattr(args, flag) is None:
                raise InvalidInputError(flag, "is required unless --stack gives it")
        parse_port(args.port)
    else:
        for flag in _FLAGS_THE_STACK_GIVES:
            if getattr(args, flag) is not None:
                raise InvalidInputError(flag, "not allowed with --stack (its outputs give it)")


def _endpoint(args: argparse.Namespace, stdin: TextIO, env: Mapping[str, str]) -> BridgeEndpoint:
    if args.stack is not None:
        return endpoint_from_outputs(stack_outputs(Path(args.stack), args.stack_name))
    # Check the flags before asking for the password, so a typo costs no prompt.
    port = parse_port(args.port)
    validate_endpoint(args.realm, port, args.username)
    password = read_secret(stdin, env_var=PASSWORD_ENV_VAR, environ=env)
    return BridgeEndpoint(args.realm, port, args.username, password)


def _require_twilio() -> None:
    """Load ``bw_pulumi.cli.twilio_call``, which needs the optional ``twilio`` package."""
    try:
        importlib.import_module("bw_pulumi.cli.twilio_call")
    except ModuleNotFoundError as error:
        if error.name == "twilio" or (error.name or "").startswith("twilio."):
            raise _TwilioMissingError from None
        raise


def _print_dry_run(
    call: NetworkBridgeCall,
    credentials: TwilioCredentials,
    api_url: str,
    output_format: str,
    stdout: TextIO,
) -> None:
    url = calls_url(api_url, credentials.account_sid)
    auth = f"{credentials.auth_username}:[secret]"
    fields = call.displayed_form_fields()
    if output_format == "json":
        payload = {"method": "POST", "url": url, "basic_auth": auth, "form": fields}
        print(json.dumps(payload), file=stdout)
        return
    print(f"POST {url}", file=stdout)
    print(f"Authorization: Basic {auth}", file=stdout)
    for name, value in fields.items():
        print(f"{name}={value}", file=stdout)


def _print_placed(placed: PlacedCall, output_format: str, stdout: TextIO) -> None:
    if output_format == "json":
        print(json.dumps({"sid": placed.sid, "status": placed.status}), file=stdout)
    else:
        print(printable(placed.sid), file=stdout)


def _fail(stderr: TextIO, message: str, code: int) -> int:
    print(printable(f"{_PROG}: {message}"), file=stderr)  # may hold Twilio's text
    return code
