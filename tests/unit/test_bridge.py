"""The Network Bridge To URI, the Calls request and their rules (bw_pulumi.cli.bridge)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bw_pulumi import InvalidInputError
from bw_pulumi.cli.bridge import (
    OUTPUT_PORT,
    OUTPUT_REALM,
    OUTPUT_SIP_AUTH_PASSWORD,
    OUTPUT_SIP_AUTH_USERNAME,
    BridgeEndpoint,
    NetworkBridgeCall,
    calls_url,
    endpoint_from_outputs,
    network_bridge_to,
    parse_port,
    to_uri_template,
    twilio_credentials,
)

REALM = "custxx.auth.bandwidth.com"
ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
API_KEY = "SK" + "fedcba9876543210" * 2
ENDPOINT = BridgeEndpoint(REALM, 5006, "twilio-bridge", "s3cret-pw")


def rule_for(field: str, call: Callable[..., object], *args: object) -> str:
    with pytest.raises(InvalidInputError) as caught:
        call(*args)
    assert caught.value.field == field
    return caught.value.rule


def test_to_uri_matches_the_reference_example() -> None:
    assert network_bridge_to("+17778889999", REALM, 5006) == (
        "sip:+17778889999@custxx.auth.bandwidth.com:5006"
    )


def test_template_names_the_placeholder() -> None:
    assert to_uri_template(REALM, 5006) == "sip:{E.164 number}@custxx.auth.bandwidth.com:5006"


@pytest.mark.parametrize(
    "number", ["17778889999", "+0123456", "+1", "+1777888999912345", "+1 777 888 9999", ""]
)
def test_numbers_that_are_not_e164_are_refused(number: str) -> None:
    rule = rule_for("to", network_bridge_to, number, REALM, 5006)
    assert "E.164" in rule


@pytest.mark.parametrize("number", ["+12", "+447911123456", "+177788899991234"])
def test_e164_numbers_from_2_to_15_digits_pass(number: str) -> None:
    assert network_bridge_to(number, REALM, 5006).startswith(f"sip:{number}@")


@pytest.mark.parametrize(("value", "expected"), [(1, 1), ("5006", 5006), (" 65535 ", 65535)])
def test_ports_in_range_parse(value: object, expected: int) -> None:
    assert parse_port(value) == expected


@pytest.mark.parametrize("value", [0, 70000, 65536, "0", "70000", "-1", "5o06", "", True, None])
def test_ports_out_of_range_or_not_numbers_are_refused(value: object) -> None:
    rule = rule_for("port", parse_port, value)
    assert "1 to 65535" in rule


@pytest.mark.parametrize(("realm", "rule"), [("", "must not be empty"), ("nodots", "hostname")])
def test_realm_must_be_a_hostname(realm: str, rule: str) -> None:
    assert rule in rule_for("realm", network_bridge_to, "+17778889999", realm, 5006)


def test_composite_usernames_are_checked_in_both_parts() -> None:
    assert BridgeEndpoint(REALM, 5006, "bob@somewhere.com", "pw").sip_auth_username
    assert "':' or '@'" in rule_for("username", BridgeEndpoint, REALM, 5006, "bo:b", "pw")
    assert "no domain" in rule_for("username", BridgeEndpoint, REALM, 5006, "bob@", "pw")
    assert "domain part" in rule_for("username", BridgeEndpoint, REALM, 5006, "bob@a b", "pw")
    assert "empty" in rule_for("password", BridgeEndpoint, REALM, 5006, "bob", "")


def test_the_password_stays_out_of_reprs_and_displayed_fields() -> None:
    call = NetworkBridgeCall("+17778889999", "+15550001111", ENDPOINT, twiml_url="https://x.io/t")
    assert "s3cret-pw" not in repr(call)
    assert call.displayed_form_fields() == {
        "To": "sip:+17778889999@custxx.auth.bandwidth.com:5006",
        "From": "+15550001111",
        "Url": "https://x.io/t",
        "SipAuthUsername": "twilio-bridge",
        "SipAuthPassword": "[secret]",
    }


def test_inline_twiml_is_sent_as_twiml() -> None:
    call = NetworkBridgeCall("+17778889999", "+15550001111", ENDPOINT, twiml="<Response/>")
    assert call.displayed_form_fields()["Twiml"] == "<Response/>"
    assert "Url" not in call.displayed_form_fields()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"from_number": "5550001111", "twiml_url": "https://x.io/t"}, "from"),
        ({"twiml_url": "ftp://x.io/t"}, "twiml-url"),
        ({"twiml_url": "/relative"}, "twiml-url"),
        ({}, "twiml-url"),
        ({"twiml_url": "https://x.io/t", "twiml": "<Response/>"}, "twiml-url"),
        ({"twiml": "  "}, "twiml"),
        ({"twiml": "x" * 4001}, "twiml"),
    ],
)
def test_call_details_are_checked(kwargs: dict[str, str], field: str) -> None:
    arguments = {"to_number": "+17778889999", "from_number": "+15550001111", **kwargs}
    with pytest.raises(InvalidInputError) as caught:
        NetworkBridgeCall(endpoint=ENDPOINT, **arguments)
    assert caught.value.field == field


def test_endpoint_from_stack_outputs() -> None:
    outputs = {
        OUTPUT_SIP_AUTH_USERNAME: "twilio-bridge-blue",
        OUTPUT_SIP_AUTH_PASSWORD: "pw-from-stack",
        OUTPUT_REALM: REALM,
        OUTPUT_PORT: 5080,
        "network_bridge_to": "sip:{E.164 number}@custxx.auth.bandwidth.com:5080",
    }
    endpoint = endpoint_from_outputs(outputs)
    assert endpoint == BridgeEndpoint(REALM, 5080, "twilio-bridge-blue", "pw-from-stack")


def test_missing_stack_outputs_are_named() -> None:
    rule = rule_for("stack", endpoint_from_outputs, {OUTPUT_REALM: REALM, OUTPUT_PORT: 5006})
    assert OUTPUT_SIP_AUTH_USERNAME in rule
    assert OUTPUT_SIP_AUTH_PASSWORD in rule
    assert OUTPUT_REALM not in rule


def test_a_bad_port_output_names_the_output() -> None:
    outputs = {
        OUTPUT_SIP_AUTH_USERNAME: "u",
        OUTPUT_SIP_AUTH_PASSWORD: "pw",
        OUTPUT_REALM: REALM,
        OUTPUT_PORT: 0,
    }
    rule_for(f"stack output {OUTPUT_PORT}", endpoint_from_outputs, outputs)


def test_auth_token_credentials() -> None:
    env = {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": "tok"}
    credentials = twilio_credentials(env)
    assert (credentials.account_sid, credentials.auth_username) == (ACCOUNT_SID, ACCOUNT_SID)
    assert credentials.auth_secret == "tok"
    assert "tok" not in repr(credentials)


def test_an_api_key_pair_is_preferred_to_the_auth_token() -> None:
    env = {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": "tok",
        "TWILIO_API_KEY": API_KEY,
        "TWILIO_API_SECRET": "key-secret",
    }
    credentials = twilio_credentials(env)
    assert (credentials.account_sid, credentials.auth_username) == (ACCOUNT_SID, API_KEY)
    assert credentials.auth_secret == "key-secret"


@pytest.mark.parametrize(
    ("env", "field"),
    [
        ({}, "TWILIO_ACCOUNT_SID"),
        ({"TWILIO_ACCOUNT_SID": "AC123", "TWILIO_AUTH_TOKEN": "t"}, "TWILIO_ACCOUNT_SID"),
        ({"TWILIO_ACCOUNT_SID": ACCOUNT_SID}, "TWILIO_AUTH_TOKEN"),
        ({"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_API_KEY": API_KEY}, "TWILIO_API_SECRET"),
        ({"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_API_SECRET": "s"}, "TWILIO_API_KEY"),
        (
            {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_API_KEY": "K", "TWILIO_API_SECRET": "s"},
            "TWILIO_API_KEY",
        ),
    ],
)
def test_incomplete_twilio_credentials_name_the_variable(env: dict[str, str], field: str) -> None:
    rule_for(field, twilio_credentials, env)


def test_calls_url_joins_without_double_slashes() -> None:
    assert calls_url("http://127.0.0.1:9/", ACCOUNT_SID) == (
        f"http://127.0.0.1:9/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"
    )
