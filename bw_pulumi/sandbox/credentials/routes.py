"""HTTP routes of account-level SIP credentials, under
``/api/accounts/{account}/sipcredentials``. Authentication, the account check, the request
log and the fault queue are the API's (``api.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from ..core.errors import ApiError
from ..core.http import Reply, Request, xml_reply
from ..core.route_helpers import Paging, method_not_allowed, not_found_route, require_xml
from ..core.xml import BodyError, api_error_document, error_document
from . import xml
from .models import StoredCredential
from .rules import NONE_FOUND, NOT_FOUND
from .store import CredentialState

LIST_ROOT: Final = "SipCredentialsResponse"
ONE_ROOT: Final = "SipCredentialResponse"


def route(state: CredentialState, request: Request, account_id: str, rest: Sequence[str]) -> Reply:
    """``rest``: the path segments after ``/sipcredentials`` (the account is checked)."""
    if not rest:
        return collection_route(state, request, account_id)
    if len(rest) == 1 and rest[0]:
        return member_route(state, request, account_id, rest[0])
    return not_found_route()


def collection_route(state: CredentialState, request: Request, account_id: str) -> Reply:
    if request.method == "GET":
        return list_route(state, request, account_id)
    if request.method == "POST":
        return create_route(state, request, account_id)
    return method_not_allowed("GET, POST")


def member_route(
    state: CredentialState, request: Request, account_id: str, composite: str
) -> Reply:
    if request.method == "GET":
        return get_route(state, account_id, composite)
    if request.method == "PUT":
        return update_route(state, request, account_id, composite)
    if request.method == "DELETE":
        return delete_route(state, account_id, composite)
    return method_not_allowed("GET, PUT, DELETE")


# -- create -----------------------------------------------------------------------------


def create_route(state: CredentialState, request: Request, account_id: str) -> Reply:
    unsupported = require_xml(request, LIST_ROOT)
    if unsupported is not None:
        return unsupported
    try:
        entries = xml.parse_create_body(request.body)
    except BodyError as error:
        return xml_reply(400, error_document(LIST_ROOT, str(error)))
    status, body = xml.create_response(state.create_many(account_id, entries))
    return xml_reply(status, state.shapes.reshape(body))


# -- list -------------------------------------------------------------------------------


def list_route(state: CredentialState, request: Request, account_id: str) -> Reply:
    paging = Paging(request)
    redirect = paging.first_page_redirect()
    if redirect is not None:
        return redirect
    try:
        page, size = paging.page_and_size()
    except ValueError as error:
        return xml_reply(400, error_document(LIST_ROOT, str(error)))
    everything = state.list_credentials(account_id)
    if not everything:
        body = error_document(LIST_ROOT, "No SipCredentials found", NONE_FOUND)
        return xml_reply(404, body)
    matching = _filter(everything, paging.given)
    start = (page - 1) * size
    links = paging.links(page, size, len(matching))
    body = xml.list_response(matching[start : start + size], links)
    return xml_reply(200, state.shapes.reshape(body))


def _filter(credentials: list[StoredCredential], given: dict[str, str]) -> list[StoredCredential]:
    """``userNamefragment`` / ``domainfragment``: case-insensitive substring filters."""
    user_fragment = given.get("userNamefragment", "").lower()
    domain_fragment = given.get("domainfragment", "").lower()
    return [
        c
        for c in credentials
        if user_fragment in c.user_name.lower() and domain_fragment in (c.domain or "").lower()
    ]


# -- one credential -----------------------------------------------------------------------


def _error_reply(root_tag: str, error: ApiError) -> Reply:
    status = 404 if error.code == NOT_FOUND else 400
    return xml_reply(status, api_error_document(root_tag, error))


def get_route(state: CredentialState, account_id: str, composite: str) -> Reply:
    credential = state.get(account_id, composite)
    if credential is None:
        description = f"SipCredential with UserName {composite} not found"
        return _error_reply(ONE_ROOT, ApiError(NOT_FOUND, description))
    return xml_reply(200, state.shapes.reshape(xml.single_response(credential)))


def update_route(
    state: CredentialState, request: Request, account_id: str, composite: str
) -> Reply:
    unsupported = require_xml(request, ONE_ROOT)
    if unsupported is not None:
        return unsupported
    try:
        entry = xml.parse_update_body(request.body)
    except BodyError as error:
        return xml_reply(400, error_document(ONE_ROOT, str(error)))
    try:
        updated = state.update(account_id, composite, entry)
    except ApiError as error:
        return _error_reply(ONE_ROOT, error)
    return xml_reply(200, state.shapes.reshape(xml.single_response(updated)))


def delete_route(state: CredentialState, account_id: str, composite: str) -> Reply:
    try:
        state.delete(account_id, composite)
    except ApiError as error:
        return _error_reply(ONE_ROOT, error)
    return Reply(200)
