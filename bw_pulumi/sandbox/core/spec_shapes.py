"""Answers in the shapes Bandwidth's OpenAPI spec (``Bandwidth/api-docs``,
``site/specs/numbers.yml``) shows, where they differ from the sandbox's defaults. All
are off by default; ``reset()`` turns them off again.

* ``aggregated_usernames``: account-level credentials are answered (GET, list pages,
  ``ValidSipCredentials`` of a create, the PUT echo) with ``UserName`` aggregated as
  ``name@domain`` and no ``Domain`` element, as the spec's "With aggregated UserName and
  Domain" examples do. Credentials without a Domain look the same either way; entries
  echoed in ``Errors`` stay as submitted.
* ``omit_hash1b``: the same answers carry no ``Hash1b``, as those same examples (and
  some list entries) show.
* ``empty_list_not_found``: an empty realm list (``GET /realms``) and a realm without
  credentials (``GET /realms/{id}/sipcredentials``) answer 404 with 23008, as the
  spec's example for the realm-scoped list does, instead of 200 with an empty list.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Final
from xml.etree.ElementTree import Element, tostring

import defusedxml.ElementTree as SafeET

NO_CREDENTIALS: Final = 23008
#: Where an answer holds stored credentials (``Errors`` echo what was sent: untouched).
_STORED: Final = (
    "SipCredential",
    "SipCredentials/SipCredential",
    "ValidSipCredentials/SipCredential",
)


@dataclass(frozen=True)
class ResponseShapes:
    aggregated_usernames: bool = False
    omit_hash1b: bool = False
    empty_list_not_found: bool = False

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not isinstance(value, bool):
                raise ValueError(f"{name} must be true or false")

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    def patched(self, data: object) -> ResponseShapes:
        """These shapes with the fields of a JSON object changed; unknown fields fail."""
        if not isinstance(data, dict):
            raise ValueError("a JSON object is required")
        known = sorted(f.name for f in fields(self))
        unknown = sorted(str(key) for key in data if key not in known)
        if unknown:
            raise ValueError(f"unknown fields: {', '.join(unknown)}; known: {', '.join(known)}")
        return replace(self, **{str(key): value for key, value in data.items()})

    def reshape(self, document: bytes) -> bytes:
        """An account-level answer (built by ``credentials/xml.py``) in the shapes switched on."""
        if not (self.aggregated_usernames or self.omit_hash1b):
            return document
        root: Element = SafeET.fromstring(document)
        for path in _STORED:
            for credential in root.iterfind(path):
                self._reshape(credential)
        reshaped: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
        return reshaped

    def _reshape(self, credential: Element) -> None:
        hash1b = credential.find("Hash1b")
        if self.omit_hash1b and hash1b is not None:
            credential.remove(hash1b)
        domain, user_name = credential.find("Domain"), credential.find("UserName")
        if self.aggregated_usernames and domain is not None and user_name is not None:
            user_name.text = f"{user_name.text}@{domain.text}"
            credential.remove(domain)


def no_credentials(account_id: str) -> str:
    """The description of the spec's 404/23008 for an empty list (its example's words)."""
    return f"There are no Sip credentials associated with the account with ID = {account_id}"
