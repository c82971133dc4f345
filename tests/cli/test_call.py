"""`bw-pulumi call` as a user runs it (a real subprocess), against a local fake of Twilio.

The Twilio library really sends its request: to the fake, through ``--twilio-api-url``.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.fake_twilio import FakeTwilio, running_fake_twilio

from bw_pulumi.cli.bridge import BridgeEndpoint, NetworkBridgeCall, TwilioCredentials
from bw_pulumi.cli.twilio_call import TwilioCallError, place_call

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "auth-token-0f1e2d3c4b5a69788796a5b4"
API_KEY = "SK" + "fedcba9876543210" * 2
API_SECRET = "api-secret-value-42"
PASSWORD = "sip-Password-9731"
SECRETS = (AUTH_TOKEN, API_SECRET, PASSWORD)
REALM = "custxx.auth.bandwidth.com"
TO_URI = f"sip:+17778889999@{REALM}:5006"
TWIML_URL = "https://example.com/twiml.xml"
BASE = {
    "--to": "+17778889999",
    "--from": "+15550001111",
    "--twiml-url": TWIML_URL,
    "--username": "twilio-bridge",
    "--realm": REALM,
    "--port": "5006",
}
INSTALL_HINT = "pip install 'bw-pulumi[twilio]'"


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with running_fake_twilio() as twilio:
        yield twilio


def call_args(**changes: str | None) -> list[str]:
    """BASE's flags with changes (``twiml_url="..."`` sets --twiml-url; None drops a flag)."""
    flags: dict[str, str | None] = dict(BASE)
    flags.update({"--" + name.replace("_", "-"): value for name, value in changes.items()})
    return [part for flag, value in flags.items() if value is not None for part in (flag, value)]


def run_call(
    fake: FakeTwilio,
    args: list[str],
    *,
    stdin: str = PASSWORD + "\n",
    env: dict[str, str] | None = None,
    python_prelude: str = "",
) -> subprocess.CompletedProcess[str]:
    """``bw-pulumi call --twilio-api-url FAKE ARGS``, Twilio's token in the environment."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TWILIO_") and k != "BW_SIP_PASSWORD"
    }
    base_env = {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
    code = f"{python_prelude}import sys; from bw_pulumi.cli.main import main; sys.exit(main())"
    result = subprocess.run(
        [sys.executable, "-c", code, "call", "--twilio-api-url", fake.url, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**clean, **base_env, **(env or {})},
        timeout=60,
        check=False,
    )
    for secret in SECRETS:
        assert secret not in result.stdout + result.stderr
    return result


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_call_sends_exactly_the_network_bridge_fields(fake: FakeTwilio) -> None:
    result = run_call(fake, call_args())
    assert result.returncode == 0, result.stderr
    [request] = fake.requests
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.basic_auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert sorted(request.form) == sorted(
        [
            ("To", TO_URI),
            ("From", "+15550001111"),
            ("Url", TWIML_URL),
            ("SipAuthUsername", "twilio-bridge"),
            ("SipAuthPassword", PASSWORD),
        ]
    )
    assert result.stdout == f"CA{1:032x}\n"


def test_json_format_gives_sid_and_status(fake: FakeTwilio) -> None:
    result = run_call(fake, [*call_args(), "--format", "json"])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"sid": f"CA{1:032x}", "status": "queued"}


def test_inline_twiml_is_sent_instead_of_a_url(fake: FakeTwilio) -> None:
    twiml = "<Response><Say>Bridge test</Say></Response>"
    result = run_call(fake, call_args(twiml_url=None, twiml=twiml))
    assert result.returncode == 0, result.stderr
    form = dict(fake.requests[0].form)
    assert form["Twiml"] == twiml
    assert "Url" not in form


def test_composite_username_and_password_from_the_environment(fake: FakeTwilio) -> None:
    env = {"BW_SIP_PASSWORD": "from-env-pw"}
    result = run_call(fake, call_args(username="bob@somewhere.com"), stdin="", env=env)
    assert result.returncode == 0, result.stderr
    form = dict(fake.requests[0].form)
    assert form["SipAuthUsername"] == "bob@somewhere.com"
    assert form["SipAuthPassword"] == "from-env-pw"


def test_an_api_key_pair_authenticates_for_the_account(fake: FakeTwilio) -> None:
    env = {"TWILIO_API_KEY": API_KEY, "TWILIO_API_SECRET": API_SECRET}
    result = run_call(fake, call_args(), env=env)
    assert result.returncode == 0, result.stderr
    [request] = fake.requests
    assert request.basic_auth == (API_KEY, API_SECRET)
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"


def test_twilio_region_and_edge_do_not_redirect_a_given_api_url(fake: FakeTwilio) -> None:
    env = {"TWILIO_REGION": "ie1", "TWILIO_EDGE": "dublin"}
    result = run_call(fake, call_args(), env=env)
    assert result.returncode == 0, result.stderr
    assert len(fake.requests) == 1


def test_a_twilio_4xx_shows_code_message_and_link(fake: FakeTwilio) -> None:
    unverified = "The source phone number provided, +15550001111, is not yet verified"
    fake.answer_error(400, 21210, f"{unverified} for your account.")
    result = run_call(fake, call_args())
    assert result.returncode == 1
    line = one_error_line(result)
    assert line == (
        "bw-pulumi call: Twilio refused the call: HTTP 400, error 21210: The source phone number"
        " provided, +15550001111, is not yet verified for your account."
        " - more info: https://www.twilio.com/docs/errors/21210"
    )


def test_secrets_echoed_by_twilio_are_scrubbed(fake: FakeTwilio) -> None:
    fake.answer_error(401, 20003, f"Authenticate: token {AUTH_TOKEN}, sip {PASSWORD}")
    result = run_call(fake, call_args())  # run_call asserts no secret in any output
    assert result.returncode == 1
    assert "error 20003: Authenticate: token ***, sip ***" in one_error_line(result)


def test_a_twilio_5xx_says_the_call_may_have_been_placed(fake: FakeTwilio) -> None:
    fake.answer_error(500, 20500, "Internal Server Error")
    result = run_call(fake, call_args())
    assert result.returncode == 1
    line = one_error_line(result)
    assert line.startswith("bw-pulumi call: Twilio failed: HTTP 500, error 20500: Internal")
    assert "may or may not have been placed" in line
    assert line.endswith("more info: https://www.twilio.com/docs/errors/20500")
    assert len(fake.requests) == 1  # not retried: a retry could ring twice


def test_a_5xx_without_a_twilio_body_has_no_error_code(fake: FakeTwilio) -> None:
    fake.answer_next(503, "<html><body>Service Unavailable</body></html>")
    result = run_call(fake, call_args())
    assert result.returncode == 1
    line = one_error_line(result)
    assert line.startswith(
        "bw-pulumi call: Twilio failed: HTTP 503: no error details in the response (the call"
    )
    assert "error 503" not in line
    assert "more info" not in line


def test_an_unreachable_twilio_is_reported(fake: FakeTwilio) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    args = [*call_args(), "--twilio-api-url", f"http://127.0.0.1:{closed_port}"]
    result = run_call(fake, args)
    assert result.returncode == 1
    assert "could not reach Twilio at http://127.0.0.1:" in one_error_line(result)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"to": "17778889999"}, "to"),
        ({"to": "+1 777 888 9999"}, "to"),
        ({"from": "5550001111"}, "from"),
        ({"port": "0"}, "port"),
        ({"port": "70000"}, "port"),
        ({"port": "five"}, "port"),
        ({"realm": ""}, "realm"),
        ({"realm": "not a host"}, "realm"),
        ({"username": "bob:x"}, "username"),
        ({"username": None}, "username"),
        ({"twiml_url": "javascript:alert(1)"}, "twiml-url"),
        ({"twilio_api_url": "not-a-url"}, "twilio-api-url"),
        ({"stack_name": "dev"}, "stack-name"),
    ],
)
def test_bad_input_exits_2_naming_the_field_before_any_request(
    fake: FakeTwilio, changes: dict[str, str | None], field: str
) -> None:
    result = run_call(fake, call_args(**changes))
    assert result.returncode == 2
    assert one_error_line(result).startswith(f"bw-pulumi call: {field}: ")
    assert fake.requests == []


def test_an_empty_password_is_refused_before_any_request(fake: FakeTwilio) -> None:
    result = run_call(fake, call_args(), stdin="\n")
    assert result.returncode == 2
    assert one_error_line(result) == "bw-pulumi call: password: must not be empty"
    assert fake.requests == []


def test_flags_the_stack_gives_are_refused_with_stack(fake: FakeTwilio, tmp_path: Path) -> None:
    args = [*call_args(username=None, port=None), "--stack", str(tmp_path)]
    result = run_call(fake, args)
    assert result.returncode == 2
    assert one_error_line(result).startswith("bw-pulumi call: realm: not allowed with --stack")


def test_a_directory_without_a_stack_fails_with_one_line(fake: FakeTwilio, tmp_path: Path) -> None:
    args = [*call_args(username=None, port=None, realm=None), "--stack", str(tmp_path)]
    pulumi_env = {
        "PULUMI_HOME": str(tmp_path / "home"),
        "PULUMI_BACKEND_URL": f"file://{tmp_path}",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
    }
    result = run_call(fake, args, env=pulumi_env)
    assert result.returncode == 1
    assert one_error_line(result).startswith("bw-pulumi call: ")
    assert fake.requests == []


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"TWILIO_ACCOUNT_SID": ""}, "TWILIO_ACCOUNT_SID"),
        ({"TWILIO_AUTH_TOKEN": ""}, "TWILIO_AUTH_TOKEN"),
        ({"TWILIO_API_KEY": API_KEY}, "TWILIO_API_SECRET"),
    ],
)
def test_missing_twilio_credentials_are_named(
    fake: FakeTwilio, env: dict[str, str], variable: str
) -> None:
    result = run_call(fake, call_args(), env=env)
    assert result.returncode == 2
    assert one_error_line(result).startswith(f"bw-pulumi call: {variable}: must be set")
    assert fake.requests == []


def test_dry_run_prints_the_request_and_sends_nothing(fake: FakeTwilio) -> None:
    result = run_call(fake, [*call_args(), "--dry-run"])
    assert result.returncode == 0, result.stderr
    assert fake.requests == []
    assert result.stdout.splitlines() == [
        f"POST {fake.url}/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json",
        f"Authorization: Basic {ACCOUNT_SID}:[secret]",
        f"To={TO_URI}",
        "From=+15550001111",
        f"Url={TWIML_URL}",
        "SipAuthUsername=twilio-bridge",
        "SipAuthPassword=[secret]",
    ]
    assert result.stderr == "bw-pulumi call: dry run, nothing was sent\n"


def test_dry_run_as_json(fake: FakeTwilio) -> None:
    result = run_call(fake, [*call_args(), "--dry-run", "--format", "json"])
    printed = json.loads(result.stdout)
    assert printed["form"]["SipAuthPassword"] == "[secret]"
    assert printed["basic_auth"] == f"{ACCOUNT_SID}:[secret]"
    assert fake.requests == []


BLOCK_TWILIO = "import sys; sys.modules['twilio'] = None; "


def test_without_the_twilio_library_it_says_what_to_install(fake: FakeTwilio) -> None:
    result = run_call(fake, call_args(), python_prelude=BLOCK_TWILIO)
    assert result.returncode == 1
    assert one_error_line(result) == (
        f"bw-pulumi call: the Twilio library is not installed: {INSTALL_HINT}"
    )
    assert fake.requests == []


def test_dry_run_needs_no_twilio_library(fake: FakeTwilio) -> None:
    result = run_call(fake, [*call_args(), "--dry-run"], python_prelude=BLOCK_TWILIO)
    assert result.returncode == 0, result.stderr
    assert "SipAuthPassword=[secret]" in result.stdout


def test_the_password_is_not_accepted_as_an_argument(fake: FakeTwilio) -> None:
    result = run_call(fake, [*call_args(), "--password", PASSWORD.upper()])
    assert result.returncode == 2
    assert "unrecognized arguments" in result.stderr


def test_no_secret_in_debug_logs_or_exception_text(
    fake: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    endpoint = BridgeEndpoint(REALM, 5006, "twilio-bridge", PASSWORD)
    call = NetworkBridgeCall("+17778889999", "+15550001111", endpoint, twiml_url=TWIML_URL)
    credentials = TwilioCredentials(ACCOUNT_SID, ACCOUNT_SID, AUTH_TOKEN)
    placed = place_call(call, credentials, api_url=fake.url)
    assert (placed.sid, placed.status) == (f"CA{1:032x}", "queued")
    fake.answer_error(400, 21212, f"Invalid From: echoing {PASSWORD} and {AUTH_TOKEN}")
    with pytest.raises(TwilioCallError) as caught:
        place_call(call, credentials, api_url=fake.url)
    assert (caught.value.status, caught.value.code) == (400, 21212)
    assert caught.value.more_info == "https://www.twilio.com/docs/errors/21212"
    assert "twilio.http_client" in {record.name for record in caplog.records}
    for secret in (PASSWORD, AUTH_TOKEN):
        assert secret not in caplog.text
        assert secret not in str(caught.value)
