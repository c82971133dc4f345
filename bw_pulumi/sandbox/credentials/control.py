"""Control routes of account-level credentials (JSON, no auth, under ``/_sandbox/``):

* ``PUT credentials``: create or overwrite one as a human in the dashboard would
  (``StoredCredential`` JSON fields; validated by the API's rules, not counted);
* ``DELETE credentials/{composite username}``: delete one out of band (404 if absent);
* ``GET|POST realms``: the configured realms (Network Bridge FQDNs) a credential's
  ``<Realm>`` may name; POST ``{"realm": "..."}`` adds one.
"""

from __future__ import annotations

from urllib.parse import unquote

from ..core.http import Reply, Request, json_body, json_object, json_reply
from .models import StoredCredential
from .store import CredentialState


def handle(state: CredentialState, request: Request, route: str) -> Reply | None:
    """None when ``route`` (the path after ``/_sandbox/``) is not one of these."""
    method = request.method
    if (method, route) == ("PUT", "credentials"):
        return _put_credential(state, request)
    if method == "DELETE" and route.startswith("credentials/"):
        return _delete_credential(state, unquote(route[len("credentials/") :]))
    if route == "realms" and method in ("GET", "POST"):
        return _realms(state, request)
    return None


def _put_credential(state: CredentialState, request: Request) -> Reply:
    data = json_object(json_body(request))
    credential = StoredCredential.from_json(data, default_realm=state.realms[0])
    return json_reply(200, state.put_out_of_band(credential).to_json())


def _delete_credential(state: CredentialState, composite: str) -> Reply:
    if state.delete_out_of_band(composite):
        return json_reply(200, {"deleted": composite})
    return json_reply(404, {"error": f"no credential {composite}"})


def _realms(state: CredentialState, request: Request) -> Reply:
    if request.method == "POST":
        realm = json_object(json_body(request)).get("realm")
        if not isinstance(realm, str):
            raise ValueError("realm must be a string")
        state.add_realm(realm)
    return json_reply(200, {"realms": list(state.realms)})
