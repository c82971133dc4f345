"""HTTP routes of the realms API and of realm-scoped credentials, under
``/api/accounts/{account}/realms``. Authentication, the account check, the request log
and the fault queue are the API's (``api.py``).

Where the reference is silent, the sandbox chooses:

* ``/realms/{realm}`` takes the id or the short name (case-insensitive; an id wins over
  a realm whose name is the same digits). Credential paths
  ``/realms/{realmId}/sipcredentials[/{credentialId}]`` take the realm id only.
* An account switched off for SIP credentials answers every route here with **403**
  and ``ResponseStatus/ErrorCode`` 33004 (after authentication; an unknown method is
  still 405, an unknown path 404).
* A realm or credential that does not exist: 404 with ``ResponseStatus/Description``
  and no ``ErrorCode`` (GET, DELETE, and every credential route whose realm is
  missing); a PUT of a missing credential in an existing realm: 404 with 23025.
* DELETE of a realm: 202, empty body, no Content-Type; of a credential: 200, empty.
* Realm list: every realm that still exists (DELETE_PENDING and CREATE_FAILED
  included), no paging. Credential list: the realm is looked up first (404 when
  missing), then a request without ``page`` is 303 to ``?page=1&size=500`` (other
  parameters kept, any given ``size`` honoured); a realm without credentials, or a page
  past the end, is 200 with an empty ``<SipCredentials/>`` (unlike the account-level
  list's 404/23008: a realm is an object that exists, so its empty list is not an error).
  With ``empty_list_not_found`` (``core/spec_shapes.py``) an empty realm list and a realm
  without credentials answer 404/23008 instead, as Bandwidth's spec shows.
* Create of credentials: the body is checked before the realm (a malformed body is 400
  even for a missing realm); an inactive realm is 400 with 23022 for the whole request.
* PUT answers 200 with the stored credential (never lagged); the realm PUT answers 200
  ``RealmResponse``; the realm create 201 ``RealmResponse`` with CREATE_PENDING.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..core import spec_shapes
from ..core.errors import ApiError
from ..core.http import Reply, Request, xml_reply
from ..core.route_helpers import Paging, method_not_allowed, not_found_route, require_xml
from ..core.spec_shapes import ResponseShapes
from ..core.xml import BodyError, api_error_document, error_document
from . import xml
from .rules import RealmApiError
from .store import RealmState, RealmStore
from .xml import CREDENTIAL_ROOT, CREDENTIALS_ROOT, REALM_ROOT, REALMS_ROOT

Handler = Callable[[], Reply]
#: Per method: the root element of its error bodies, and the handler.
Routes = dict[str, tuple[str, Handler]]


def route(state: RealmState, request: Request, account_id: str, rest: Sequence[str]) -> Reply:
    """``rest``: the path segments after ``/realms`` (the account is already checked:
    the sandbox serves one account, the store's)."""
    store = state.realm_api
    routes = _routes(store, request, list(rest), state.shapes)
    if routes is None:
        return not_found_route()
    if request.method not in routes:
        return method_not_allowed(", ".join(routes))
    root, handler = routes[request.method]
    try:
        store.require_enabled()
        return handler()
    except RealmApiError as error:
        return xml_reply(error.status, error_document(root, error.description, error.code))
    except ApiError as error:
        return xml_reply(400, api_error_document(root, error))
    except BodyError as error:
        return xml_reply(400, error_document(root, str(error)))


def _routes(
    store: RealmStore, request: Request, rest: list[str], shapes: ResponseShapes
) -> Routes | None:
    if not rest:
        return {
            "GET": (REALMS_ROOT, lambda: list_realms(store, shapes)),
            "POST": (REALM_ROOT, lambda: create_realm(store, request)),
        }
    if not all(rest):
        return None
    if len(rest) == 1:
        realm = rest[0]
        return {
            "GET": (REALM_ROOT, lambda: get_realm(store, realm)),
            "PUT": (REALM_ROOT, lambda: update_realm(store, request, realm)),
            "DELETE": (REALM_ROOT, lambda: delete_realm(store, realm)),
        }
    if len(rest) == 2 and rest[1] == "sipcredentials":
        realm_id = rest[0]
        return {
            "GET": (
                CREDENTIALS_ROOT,
                lambda: list_credentials(store, request, realm_id, shapes),
            ),
            "POST": (CREDENTIALS_ROOT, lambda: create_credentials(store, request, realm_id)),
        }
    if len(rest) == 3 and rest[1] == "sipcredentials":
        realm_id, credential_id = rest[0], rest[2]
        return {
            "GET": (CREDENTIAL_ROOT, lambda: get_credential(store, realm_id, credential_id)),
            "PUT": (
                CREDENTIAL_ROOT,
                lambda: update_credential(store, request, realm_id, credential_id),
            ),
            "DELETE": (CREDENTIAL_ROOT, lambda: delete_credential(store, realm_id, credential_id)),
        }
    return None


# -- realms ----------------------------------------------------------------------------


def list_realms(store: RealmStore, shapes: ResponseShapes) -> Reply:
    realms = store.list_realms()
    if not realms and shapes.empty_list_not_found:
        return _no_credentials(store, REALMS_ROOT)
    return xml_reply(200, xml.realms_response(realms))


def create_realm(store: RealmStore, request: Request) -> Reply:
    unsupported = require_xml(request, REALM_ROOT)
    if unsupported is not None:
        return unsupported
    created = store.create_realm(xml.parse_realm_body(request.body))
    return xml_reply(201, xml.realm_response(created))


def get_realm(store: RealmStore, realm: str) -> Reply:
    return xml_reply(200, xml.realm_response(store.get_realm(realm)))


def update_realm(store: RealmStore, request: Request, realm: str) -> Reply:
    unsupported = require_xml(request, REALM_ROOT)
    if unsupported is not None:
        return unsupported
    updated = store.update_realm(realm, xml.parse_realm_body(request.body))
    return xml_reply(200, xml.realm_response(updated))


def delete_realm(store: RealmStore, realm: str) -> Reply:
    store.delete_realm(realm)
    return Reply(202)


# -- realm-scoped credentials --------------------------------------------------------------


def list_credentials(
    store: RealmStore, request: Request, realm_id: str, shapes: ResponseShapes
) -> Reply:
    visible = store.visible_credentials(realm_id)
    paging = Paging(request)
    redirect = paging.first_page_redirect()
    if redirect is not None:
        return redirect
    try:
        page, size = paging.page_and_size()
    except ValueError as error:
        return xml_reply(400, error_document(CREDENTIALS_ROOT, str(error)))
    if not visible and shapes.empty_list_not_found:
        return _no_credentials(store, CREDENTIALS_ROOT)
    start = (page - 1) * size
    links = paging.links(page, size, len(visible))
    return xml_reply(200, xml.list_response(visible[start : start + size], links))


def _no_credentials(store: RealmStore, root: str) -> Reply:
    """The spec's answer to an empty list (``empty_list_not_found``)."""
    description = spec_shapes.no_credentials(store.account_id)
    return xml_reply(404, error_document(root, description, spec_shapes.NO_CREDENTIALS))


def create_credentials(store: RealmStore, request: Request, realm_id: str) -> Reply:
    unsupported = require_xml(request, CREDENTIALS_ROOT)
    if unsupported is not None:
        return unsupported
    entries = xml.parse_create_body(request.body)
    status, body = xml.create_response(store.create_credentials(realm_id, entries))
    return xml_reply(status, body)


def get_credential(store: RealmStore, realm_id: str, credential_id: str) -> Reply:
    credential = store.visible_credential(realm_id, credential_id)
    return xml_reply(200, xml.single_response(credential))


def update_credential(
    store: RealmStore, request: Request, realm_id: str, credential_id: str
) -> Reply:
    unsupported = require_xml(request, CREDENTIAL_ROOT)
    if unsupported is not None:
        return unsupported
    entry = xml.parse_update_body(request.body)
    updated = store.update_credential(realm_id, credential_id, entry)
    return xml_reply(200, xml.single_response(updated))


def delete_credential(store: RealmStore, realm_id: str, credential_id: str) -> Reply:
    store.delete_credential(realm_id, credential_id)
    return Reply(200)
