"""Control routes for the realms API (JSON, no auth, under ``/_sandbox/``):

* ``GET|PATCH realm-settings``: the settings (``RealmSettings`` fields:
  ``activation_seconds``, ``deletion_seconds``, ``read_lag_seconds``,
  ``sip_credentials_enabled``, ``username_echo_case``, ``failing_realm_creations``);
  PATCH changes the fields given.
* ``GET|POST api-realms``: list realms / add an ACTIVE realm out of band
  (``{"name", "description"?, "default"?}``).
* ``GET|PATCH|DELETE api-realms/{realm}`` (id or name): PATCH takes any of
  ``"description"`` (string or null), ``"default": true``, ``"pinned_status"`` (a
  status or null); DELETE removes it with its credentials, whatever the API rules say.
* ``GET|POST api-realms/{realm}/credentials``: list with hashes / add one
  (``{"user_name", "hash1", "hash1b", "http_voice_v2_app_id"?}``).
* ``PUT|DELETE api-realms/{realm}/credentials/{id}``: tamper with fields given
  (``user_name``, ``hash1``, ``hash1b``, ``http_voice_v2_app_id``) / delete.

Unknown realm or credential: 404; a bad body or a rule violation: 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Final, cast
from urllib.parse import unquote

from ..core.http import Reply, Request, json_body, json_reply
from .models import RealmSettings, RealmStatus
from .out_of_band import OutOfBandRealms
from .store import RealmState, RealmStore

ROUTE_PREFIXES: Final = ("realm-settings", "api-realms")
_SETTINGS: Final = frozenset(f.name for f in fields(RealmSettings))
_CREDENTIAL_FIELDS: Final = frozenset({"user_name", "hash1", "hash1b", "http_voice_v2_app_id"})


def handle(state: RealmState, request: Request, route: str) -> Reply | None:
    """``route`` is the path after ``/_sandbox/``; None when it is not a realms route."""
    if not route.startswith(ROUTE_PREFIXES):
        return None
    body = json_body(request)
    parts = [unquote(part) for part in route.split("/")]
    try:
        reply = _dispatch(state.realm_api, request.method, parts, body)
    except KeyError as error:
        return json_reply(404, {"error": str(error.args[0] if error.args else error)})
    if reply is None:
        return json_reply(404, {"error": f"no control route {request.method} {request.path}"})
    return reply


def _dispatch(store: RealmStore, method: str, parts: list[str], body: object) -> Reply | None:
    oob = store.out_of_band
    if parts == ["realm-settings"]:
        return _settings(store, method, body)
    if parts[0] != "api-realms" or not all(parts):
        return None
    if len(parts) == 1:
        return _realms(oob, method, body)
    if len(parts) == 2:
        return _realm(oob, method, parts[1], body)
    if len(parts) == 3 and parts[2] == "credentials":
        return _credentials(oob, method, parts[1], body)
    if len(parts) == 4 and parts[2] == "credentials":
        return _credential(oob, method, parts[1], parts[3], body)
    return None


def _object(body: object, allowed: frozenset[str]) -> dict[str, object]:
    if not isinstance(body, dict):
        raise ValueError("a JSON object is required")
    data = {str(key): value for key, value in body.items()}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValueError(
            f"unknown fields: {', '.join(unknown)}; known: {', '.join(sorted(allowed))}"
        )
    return data


def _str(data: Mapping[str, object], name: str, *, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string")
    return value


def _description(data: Mapping[str, object]) -> str | None:
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        raise ValueError("description must be a string or null")
    return description


def _settings(store: RealmStore, method: str, body: object) -> Reply | None:
    if method == "PATCH":
        store.configure(**_object(body, _SETTINGS))
    elif method != "GET":
        return None
    return json_reply(200, store.settings.to_json())


def _realms(oob: OutOfBandRealms, method: str, body: object) -> Reply | None:
    if method == "GET":
        return json_reply(200, {"realms": [realm.to_json() for realm in oob.realms()]})
    if method != "POST":
        return None
    data = _object(body, frozenset({"name", "description", "default"}))
    default = data.get("default", False)
    if not isinstance(default, bool):
        raise ValueError("default must be true or false")
    name = cast(str, _str(data, "name", required=True))
    added = oob.add_realm(name, _description(data), default)
    return json_reply(201, added.to_json())


def _realm(oob: OutOfBandRealms, method: str, reference: str, body: object) -> Reply | None:
    if method == "DELETE":
        if not oob.delete_realm(reference):
            raise KeyError(f"no realm {reference!r}")
        return json_reply(200, {"deleted": reference})
    if method == "PATCH":
        _patch_realm(
            oob, reference, _object(body, frozenset({"description", "default", "pinned_status"}))
        )
    elif method != "GET":
        return None
    realm = oob.realm(reference)
    if realm is None:
        raise KeyError(f"no realm {reference!r}")
    return json_reply(200, realm.to_json())


def _patch_realm(oob: OutOfBandRealms, reference: str, data: dict[str, object]) -> None:
    if data.get("default", True) is not True:
        raise ValueError("default can only be set to true (make another realm the default)")
    if "pinned_status" in data:
        status = data["pinned_status"]
        if status is not None and not isinstance(status, str):
            raise ValueError("pinned_status must be a status or null")
        oob.pin_status(reference, cast(RealmStatus | None, status))
    if "description" in data:
        oob.set_description(reference, _description(data))
    if "default" in data:
        oob.make_default(reference)


def _credentials(oob: OutOfBandRealms, method: str, realm: str, body: object) -> Reply | None:
    if method == "GET":
        return json_reply(200, {"credentials": [c.to_json() for c in oob.credentials(realm)]})
    if method != "POST":
        return None
    data = _object(body, _CREDENTIAL_FIELDS)
    added = oob.add_credential(
        realm,
        cast(str, _str(data, "user_name", required=True)),
        cast(str, _str(data, "hash1", required=True)),
        cast(str, _str(data, "hash1b", required=True)),
        _str(data, "http_voice_v2_app_id"),
    )
    return json_reply(201, added.to_json())


def _credential(
    oob: OutOfBandRealms, method: str, realm: str, credential_id: str, body: object
) -> Reply | None:
    if method == "DELETE":
        if not oob.delete_credential(realm, credential_id):
            raise KeyError(f"no credential {credential_id!r} in realm {realm!r}")
        return json_reply(200, {"deleted": credential_id})
    if method != "PUT":
        return None
    data = _object(body, _CREDENTIAL_FIELDS)
    existing = next((c for c in oob.credentials(realm) if c.id == credential_id), None)
    if existing is None:
        raise KeyError(f"no credential {credential_id!r} in realm {realm!r}")

    def given(name: str, current: str) -> str:
        return cast(str, _str(data, name, required=True)) if name in data else current

    app_id = existing.http_voice_v2_app_id
    if "http_voice_v2_app_id" in data:
        app_id = _str(data, "http_voice_v2_app_id")
    tampered = replace(
        existing,
        user_name=given("user_name", existing.user_name),
        hash1=given("hash1", existing.hash1),
        hash1b=given("hash1b", existing.hash1b),
        http_voice_v2_app_id=app_id,
    )
    return json_reply(200, oob.put_credential(tampered).to_json())
