"""A local Bandwidth-compatible API server ("the sandbox") for tests and demos.

It emulates the account-level SIP credentials API, OAuth2 client-credentials tokens and
legacy Basic auth, with fault injection and a JSON control endpoint (``/_sandbox/``).
It is written from the API reference alone and imports nothing else from ``bw_pulumi``.

Where the reference is silent, the sandbox chooses (and tests pin down):

* Create: Hash1 and Hash1b are both required (1003); a hash longer than 64 characters
  or containing whitespace is 23001. Element text is taken verbatim, never trimmed
  (Bandwidth's example responses pad values, but a submitted value is what the client
  meant): surrounding whitespace fails the field's rule, so UserName 23014, Domain
  23015, a hash 23001, Realm 23018, HttpVoiceV2AppId 23020. An empty
  ``Domain``/``Realm``/``HttpVoiceV2AppId`` counts as absent. Unknown elements are
  ignored, but any element whose name contains "password" fails the entry with the
  sandbox-only code 99001 (the password is never echoed). One error per entry.
  Domain: at most 32 of ``A-Z a-z 0-9 . - _``, no leading/trailing ``.``/``-``, no ``..``.
  Realms match case-insensitively and are stored in the known realm's spelling.
  HttpVoiceV2AppId must be a UUID (23020); any UUID is accepted (23019 not modelled).
* Responses: 201/400 bodies list ``Errors`` before ``ValidSipCredentials``. Auth (401),
  unknown account (403), unknown route (404), 405 and injected faults answer
  ``<ErrorResponse><ResponseStatus><Description/>`` (no ErrorCode); malformed or
  wrongly rooted XML answers 400 with ``ResponseStatus/Description`` under the route's
  root. POST/PUT bodies must be declared ``application/xml`` or ``text/xml`` (else 415).
* List: without ``page``, 303 to the same URL plus ``page=1&size=<given or 500>``;
  pages are 1-based, any positive ``size`` is honoured, links are ``first`` and (when
  more remain) ``next``. 404/23008 only when the account has no credentials at all; a
  filter matching nothing, or a page past the end, is 200 with an empty list.
* PUT: 200 with ``<SipCredentialResponse><SipCredential>`` echo. Hash1 required;
  absent Hash1b/Realm/HttpVoiceV2AppId keep their values; ``<HttpVoiceV2AppId/>``
  unlinks. Any ``UserName`` or ``Domain`` element (changed, unchanged or empty) is
  400/23004: the body is Hash1, Hash1b, Realm and HttpVoiceV2AppId only.
* ``writes`` counts every API request that committed a change: a create with at least
  one valid entry, every successful PUT (even one storing identical values, so
  idempotency tests catch redundant writes) and DELETE. Out-of-band changes don't count.
* ``reset()`` also drops realms added at run time (configured realms remain).
* ``requests`` keeps the most recent 10,000 records (older ones are dropped);
  ``drain_requests()`` returns the log and empties it, so a caller that drains around a
  piece of work counts it exactly. ``connections_accepted`` counts TCP connections.
* Latency (``latency_seconds``, ``set_latency``, ``GET|PUT /_sandbox/latency``): every
  ``/api`` request, the token endpoint included, waits that long before it is processed
  (before any fault); concurrent connections wait concurrently; ``reset()`` keeps it.
* Tokens: client credentials only in the Basic header (checked first: 401
  ``invalid_client``); the body must be declared ``application/x-www-form-urlencoded``
  and a missing ``grant_type`` is ``invalid_request`` (400); ``token_ttl_seconds=0``
  issues tokens that are already expired.
* Faults: an ``after_commit`` fault replaces only a 2xx reply; otherwise the real reply
  is sent and the fault stays queued.
* ``stop()`` closes open keep-alive connections too; an idle connection is closed by
  the server after 30 s.
* Realms API and realm-scoped credentials: see ``realms.py`` (choices and module map).
"""

from .faults import Fault, FaultKind
from .models import DEFAULT_REALM, AuthKind, RequestRecord, StoredCredential
from .realm_models import (
    RealmRecord,
    RealmSettings,
    RealmStatus,
    StoredRealmCredential,
    UsernameEchoCase,
)
from .rules import ApiError
from .server import Sandbox, serve
from .state import SandboxConfig

__all__ = [
    "DEFAULT_REALM",
    "ApiError",
    "AuthKind",
    "Fault",
    "FaultKind",
    "RealmRecord",
    "RealmSettings",
    "RealmStatus",
    "RequestRecord",
    "Sandbox",
    "SandboxConfig",
    "StoredCredential",
    "StoredRealmCredential",
    "UsernameEchoCase",
    "serve",
]
