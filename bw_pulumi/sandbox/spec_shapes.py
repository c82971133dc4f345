"""Answers in the shapes Bandwidth's OpenAPI spec (``Bandwidth/api-docs``,
``site/specs/numbers.yml``) shows, where they differ from the sandbox's defaults. Both
are off by default; ``reset()`` turns them off again.

* ``aggregated_usernames``: account-level credentials are answered (GET, list pages,
  ``ValidSipCredentials`` of a create, the PUT echo) with ``UserName`` aggregated as
  ``name@domain`` and no ``Domain`` element, as the spec's "With aggregated UserName and
  Domain" examples do. Credentials without a Domain look the same either way; entries
  echoed in ``Errors`` stay as submitted.
* ``empty_list_not_found``: an empty realm list (``GET /realms``) and a realm without
  credentials (``GET /realms/{id}/sipcredentials``) answer 404 with 23008, as the
  spec's example for the realm-scoped list does, instead of 200 with an empty list.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Final

from .models import StoredCredential

NO_CREDENTIALS: Final = 23008


@dataclass(frozen=True)
class ResponseShapes:
    aggregated_usernames: bool = False
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

    def shown(self, credential: StoredCredential) -> StoredCredential:
        """``credential`` as an account-level answer shows it."""
        if not self.aggregated_usernames or not credential.domain:
            return credential
        return replace(credential, user_name=credential.composite_username, domain=None)


def no_credentials(account_id: str) -> str:
    """The description of the spec's 404/23008 for an empty list (its example's words)."""
    return f"There are no Sip credentials associated with the account with ID = {account_id}"
