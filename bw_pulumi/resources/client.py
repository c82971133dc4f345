"""One client for every resource's API, over one transport (one session pool, one OAuth2
token, one rate-limit gate): the operations reach each API through it."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from functools import cached_property

import requests

from bw_pulumi.api.rate_limit import PROCESS_GATE, RateLimitGate
from bw_pulumi.api.retry import RetryPolicy
from bw_pulumi.api.transport import ClientSettings, Transport
from bw_pulumi.resources.sip_credential.account_api import AccountCredentialsApi
from bw_pulumi.resources.sip_credential.realm_api import RealmCredentialsApi
from bw_pulumi.resources.sip_realm.api import RealmsApi

__all__ = ["BandwidthClient", "ClientSettings"]


class BandwidthClient:
    """``credentials`` (account-level), ``realm_credentials`` and ``realms``."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        policy: RetryPolicy | None = None,
        session_factory: Callable[[], requests.Session] = requests.Session,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
        wall_clock: Callable[[], float] = time.time,
        gate: RateLimitGate = PROCESS_GATE,
    ) -> None:
        self.transport = Transport(
            settings,
            policy=policy,
            session_factory=session_factory,
            sleep=sleep,
            clock=clock,
            jitter=jitter,
            wall_clock=wall_clock,
            gate=gate,
        )

    @cached_property
    def credentials(self) -> AccountCredentialsApi:
        return AccountCredentialsApi(self.transport)

    @cached_property
    def realm_credentials(self) -> RealmCredentialsApi:
        return RealmCredentialsApi(self.transport)

    @cached_property
    def realms(self) -> RealmsApi:
        return RealmsApi(self.transport)
