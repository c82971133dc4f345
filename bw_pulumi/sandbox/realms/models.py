"""Value types of the realms API: realms, realm-scoped credentials and the run-time
settings that shape their behaviour (timing, failures, lag, the 33004 switch)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Final, Literal, get_args

RealmStatus = Literal[
    "CREATE_PENDING", "ACTIVE", "CREATE_FAILED", "DELETE_PENDING", "DELETE_FAILED"
]
REALM_STATUSES: Final = frozenset(get_args(RealmStatus))

#: How the API spells a created UserName in its echo (and stores it): ``as_sent`` is
#: the normal case; the others make it differ from what the client hashed.
UsernameEchoCase = Literal["as_sent", "upper", "lower", "swapcase"]
USERNAME_ECHO_CASES: Final = frozenset(get_args(UsernameEchoCase))


@dataclass(frozen=True)
class RealmRecord:
    """A realm as a read answers it now (``status`` computed from the clock)."""

    id: str
    name: str
    fqdn: str
    description: str | None
    default: bool
    status: RealmStatus
    sip_credential_count: int

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class StoredRealmCredential:
    """A realm-scoped SIP credential (hashes only; they stay out of ``repr``).

    ``realm`` is the realm's FQDN, as the API answers it in ``<Realm>``."""

    id: str
    realm_id: str
    user_name: str
    hash1: str = field(repr=False)
    hash1b: str = field(repr=False)
    realm: str
    http_voice_v2_app_id: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return asdict(self)


@dataclass(frozen=True)
class RealmSettings:
    """Run-time knobs of the realms API; :meth:`SandboxState.reset` restores these
    defaults. Delays are seconds of the injectable clock."""

    activation_seconds: float = 0.0
    deletion_seconds: float = 0.0
    read_lag_seconds: float = 0.0
    sip_credentials_enabled: bool = True
    username_echo_case: UsernameEchoCase = "as_sent"
    failing_realm_creations: int = 0

    def __post_init__(self) -> None:
        for name in ("activation_seconds", "deletion_seconds", "read_lag_seconds"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{name} must be a number")
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number of seconds, at least 0")
        if not isinstance(self.sip_credentials_enabled, bool):
            raise ValueError("sip_credentials_enabled must be true or false")
        if self.username_echo_case not in USERNAME_ECHO_CASES:
            raise ValueError(f"username_echo_case must be one of {sorted(USERNAME_ECHO_CASES)}")
        count = self.failing_realm_creations
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError("failing_realm_creations must be an integer, at least 0")

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def echo_case(user_name: str, mode: UsernameEchoCase) -> str:
    if mode == "upper":
        return user_name.upper()
    if mode == "lower":
        return user_name.lower()
    if mode == "swapcase":
        return user_name.swapcase()
    return user_name
