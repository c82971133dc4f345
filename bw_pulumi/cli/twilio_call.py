"""Placing the Network Bridge call through Twilio's REST API, with Twilio's own library.

``twilio`` is an optional extra (``pip install 'bw-pulumi[twilio]'``): this module imports it
at the top, and only ``bw-pulumi call`` imports this module, when it really places a call.

Twilio's errors reach the user with Twilio's code, message and more-info link. No message
this module produces holds the SIP password or the Twilio secret: Twilio's error text is
scrubbed of both, and the library's own log lines carry neither (it leaves the form body
and the Authorization header out).
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bw_pulumi.api.errors import basic_credentials, scrub
from bw_pulumi.cli.bridge import TWILIO_API_URL, NetworkBridgeCall, TwilioCredentials

REQUEST_TIMEOUT_SECONDS = 30.0
#: Where Twilio documents each error code (the link its own library prints).
MORE_INFO_URL = "https://www.twilio.com/docs/errors/{code}"
#: What the library puts before Twilio's message; the message alone is what users need.
_LIBRARY_PREFIX = "Unable to create record: "


@dataclass(frozen=True)
class PlacedCall:
    """What Twilio answered: the new call's SID and its first status (usually ``queued``)."""

    sid: str
    status: str


class TwilioCallError(Exception):
    """Twilio refused the call, failed, or could not be reached. One line; holds no secret."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | None = None,
        more_info: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.more_info = more_info


def place_call(
    call: NetworkBridgeCall,
    credentials: TwilioCredentials,
    *,
    api_url: str = TWILIO_API_URL,
    timeout: float = REQUEST_TIMEOUT_SECONDS,
) -> PlacedCall:
    """POST the call to Twilio's Calls endpoint under ``api_url``; no retry.

    A call is not idempotent: a retry after a lost answer or a 5xx could ring twice. So a
    failure is reported (saying when the call may have been placed) and not repeated.
    """
    client = _client(credentials, api_url, timeout)
    secrets = (
        call.endpoint.sip_auth_password,
        credentials.auth_secret,
        *basic_credentials(credentials.auth_username, credentials.auth_secret),
    )
    try:
        created = client.calls.create(
            to=call.to_uri,
            from_=call.from_number,
            url=call.twiml_url,
            twiml=call.twiml,
            sip_auth_username=call.endpoint.sip_auth_username,
            sip_auth_password=call.endpoint.sip_auth_password,
        )
    except TwilioRestException as error:
        raise _rest_error(error, secrets) from None
    except TwilioServiceException as error:
        raise _service_error(error, secrets) from None
    except requests.RequestException as error:
        reason = scrub(f"{type(error).__name__}: {error}", secrets)
        raise TwilioCallError(
            f"could not reach Twilio at {api_url} ({reason}); the call may have been placed"
            " if the request got through: check Twilio's call log before trying again"
        ) from None
    except TwilioException as error:
        raise TwilioCallError(f"Twilio library error: {scrub(str(error), secrets)}") from None
    return PlacedCall(sid=str(created.sid), status=str(created.status))


def _client(credentials: TwilioCredentials, api_url: str, timeout: float) -> Client:
    client = Client(
        username=credentials.auth_username,
        password=credentials.auth_secret,
        account_sid=credentials.account_sid,
        http_client=TwilioHttpClient(timeout=timeout),
    )
    if api_url.rstrip("/") != TWILIO_API_URL:
        # The library's own setting for where the `api` domain lives. TWILIO_EDGE and
        # TWILIO_REGION (read from the environment) would rewrite that host into a Twilio
        # one, so they apply to Twilio's URL only.
        client.api.base_url = api_url.rstrip("/")
        client.edge = None
        client.region = None
    return client


def _rest_error(error: TwilioRestException, secrets: tuple[str, ...]) -> TwilioCallError:
    status = int(error.status)
    # Without a JSON body the library sets the code to the HTTP status: no Twilio code then.
    code = int(error.code) if error.code is not None and error.code != status else None
    message = str(error.msg or "")
    # The library's prefix alone means the body held no Twilio message (a proxy's page, say).
    if message in ("", _LIBRARY_PREFIX.rstrip(": ")):
        message = "no error details in the response"
    message = message.removeprefix(_LIBRARY_PREFIX)
    return _error(status, code, scrub(message, secrets))


def _service_error(error: TwilioServiceException, secrets: tuple[str, ...]) -> TwilioCallError:
    status = int(error.status)
    detail = " - ".join(str(part) for part in (error.title, error.detail) if part)
    return _error(status, int(error.code), scrub(detail or "no message", secrets))


def _error(status: int, code: int | None, message: str) -> TwilioCallError:
    more_info = MORE_INFO_URL.format(code=code) if code is not None else None
    verdict = "Twilio refused the call" if status < 500 else "Twilio failed"
    text = f"{verdict}: HTTP {status}"
    if code is not None:
        text += f", error {code}"
    text += f": {' '.join(message.split())}"
    if status >= 500:
        text += " (the call may or may not have been placed: check Twilio's call log before"
        text += " trying again)"
    if more_info:
        text += f" - more info: {more_info}"
    return TwilioCallError(text, status=status, code=code, more_info=more_info)
