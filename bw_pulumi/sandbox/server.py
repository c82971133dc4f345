"""Sandbox lifecycle: the :class:`Sandbox` facade (state, faults, a background server)
and :func:`serve`, the blocking entry point behind the CLI. It sits above the folders
(``core/``, ``credentials/``, ``realms/``): the one module a test drives them all through."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Final

from .api import API_PREFIX, TOKEN_PATH
from .core.chaos import WRITE_METHODS, ChaosSettings
from .core.faults import Fault, FaultQueue
from .core.http import RequestRecord
from .core.rate_limits import DEFAULT_GRACE_SECONDS, RateLimitMode, RateLimitStats
from .core.refusals import DEFAULT_REFUSAL_CODE, EntryRefusal
from .credentials.models import DEFAULT_REALM, StoredCredential
from .deleter import DeleterPlan
from .http_server import SandboxHTTPServer, SandboxHTTPServerV6
from .realms.models import (
    RealmRecord,
    RealmSettings,
    RealmStatus,
    StoredRealmCredential,
    UsernameEchoCase,
)
from .state import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_BASIC_PASSWORD,
    DEFAULT_BASIC_USERNAME,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_TOKEN_TTL_SECONDS,
    SandboxConfig,
    SandboxState,
)

#: serve_forever's poll interval: shutdown() waits up to this long, once per stop.
POLL_SECONDS: Final = 0.05


class Sandbox:
    """A local Bandwidth-compatible API for tests and demos (one account)."""

    def __init__(
        self,
        *,
        account_id: str = DEFAULT_ACCOUNT_ID,
        realms: Sequence[str] = (DEFAULT_REALM,),
        basic_username: str = DEFAULT_BASIC_USERNAME,
        basic_password: str = DEFAULT_BASIC_PASSWORD,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        token_ttl_seconds: int = DEFAULT_TOKEN_TTL_SECONDS,
        latency_seconds: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        """``clock`` (seconds, monotonic) drives token expiry and the realms API's timing
        (activation, deletion, read lag): tests inject one instead of sleeping.
        ``latency_seconds``: see :meth:`set_latency`. ``sleep`` is how the server waits
        out the latency and ``delay`` faults: tests inject one that records instead.
        ``wall_clock`` (epoch seconds) times the rate-limit windows (:meth:`set_rate_limit`)."""
        self.config = SandboxConfig(
            account_id=account_id,
            realms=(realms,) if isinstance(realms, str) else tuple(realms),
            basic_username=basic_username,
            basic_password=basic_password,
            client_id=client_id,
            client_secret=client_secret,
            token_ttl_seconds=token_ttl_seconds,
        )
        self.state = SandboxState(self.config, clock, sleep, wall_clock)
        self.state.set_latency(latency_seconds)
        self.faults = FaultQueue()
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def _bind(self, host: str, port: int) -> SandboxHTTPServer:
        """Create the listening server without serving yet (``start``/``serve`` use it)."""
        if self._server is not None:
            raise RuntimeError("this sandbox is already running")
        server_class = SandboxHTTPServerV6 if ":" in host else SandboxHTTPServer
        self._server = server_class((host, port), self.state, self.faults)
        return self._server

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve from a daemon thread; returns the base URL."""
        server = self._bind(host, port)
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": POLL_SECONDS},
            name="bw-pulumi-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving: close the listening socket and every open connection (pooled
        keep-alive connections included). Also ends a foreground :func:`serve` when
        called from another thread (``serve`` then closes the sockets itself). No-op when
        not running."""
        server, thread = self._server, self._thread
        if server is None:
            return
        if thread is None:
            server.shutdown()
            return
        self._server, self._thread = None, None
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()

    @contextmanager
    def running(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """``with sandbox.running() as base_url:`` serve for the duration of the block."""
        base_url = self.start(host, port)
        try:
            yield base_url
        finally:
            self.stop()

    def _release(self) -> None:
        """Forget a server that ``serve`` ran in the foreground and has closed."""
        self._server, self._thread = None, None

    @property
    def is_running(self) -> bool:
        return self._server is not None

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT/api``; raises ``RuntimeError`` when not running."""
        if self._server is None:
            raise RuntimeError("the sandbox is not running")
        host, port = self._server.server_address[:2]
        return f"http://{_url_host(str(host))}:{port}{API_PREFIX}"

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH[len(API_PREFIX) :]

    @property
    def account_id(self) -> str:
        return self.config.account_id

    # -- state, out of band ---------------------------------------------------------------

    def credentials(self) -> list[StoredCredential]:
        """The account's credentials, sorted by composite username (case-insensitive)."""
        return self.state.list_credentials(self.config.account_id)

    def get_credential(self, composite: str) -> StoredCredential | None:
        return self.state.get(self.config.account_id, composite)

    def put_credential(self, credential: StoredCredential) -> StoredCredential:
        """Create or overwrite as a human in the dashboard would: validated by the same
        rules (``rules.ApiError``, a ``ValueError``), not counted in :attr:`writes`. The
        stored realm takes the known realm's spelling."""
        return self.state.put_out_of_band(credential)

    def delete_credential(self, composite: str) -> bool:
        """Out-of-band delete; False when there was nothing to delete."""
        return self.state.delete_out_of_band(composite)

    @property
    def realms(self) -> tuple[str, ...]:
        return self.state.realms

    def add_realm(self, realm: str) -> None:
        self.state.add_realm(realm)

    def revoke_tokens(self) -> None:
        self.state.revoke_tokens()

    @property
    def latency_seconds(self) -> float:
        return self.state.latency_seconds

    def set_latency(self, seconds: float) -> None:
        """Answer every later ``/api`` request (token endpoint included, control endpoint
        not) ``seconds`` after it arrives, as a distant API would; 0 (the default) answers
        at once. Requests on different connections wait concurrently. ``reset`` keeps it.
        ``ValueError`` unless 0 <= seconds <= 60."""
        self.state.set_latency(seconds)

    def set_rate_limit(
        self, limit: int, window_seconds: float, *, grace_seconds: float = DEFAULT_GRACE_SECONDS
    ) -> None:
        """Rate-limit every ``/api/accounts`` endpoint (method and path template) as
        Bandwidth documents it: ``limit`` requests per window of ``window_seconds`` (ending
        on a whole second), then 429 with an empty body and ``X-RateLimit-Reset``. Counters
        start afresh; ``reset`` keeps the mode. ``grace_seconds``: see
        ``core/rate_limits.py``."""
        self.state.rate_limits.switch_on(RateLimitMode(limit, window_seconds, grace_seconds))

    def clear_rate_limit(self) -> None:
        """Switch the rate limits off (the counters stay readable)."""
        self.state.rate_limits.switch_off()

    @property
    def rate_limit_stats(self) -> RateLimitStats:
        """429s answered by the rate limits, and how many requests arrived at a limited
        endpoint before its reset (beyond the grace): a well-behaved client sends none."""
        return self.state.rate_limits.stats()

    def inject(self, fault: Fault) -> None:
        self.faults.push(fault)

    @property
    def pending_faults(self) -> list[Fault]:
        return self.faults.pending()

    def refuse_entry(
        self,
        username: str,
        code: int = DEFAULT_REFUSAL_CODE,
        *,
        description: str = "Refused by the sandbox",
        times: int = 1,
    ) -> None:
        """Answer the bulk-create entry whose UserName is ``username`` (any letter case,
        account-level or in a realm) in ``Errors`` with ``code``, ``times`` times, while
        the other entries of the same POST are created: one refused entry without a
        duplicate (``core/refusals.py``). ``reset()`` forgets pending refusals."""
        self.state.refusals.add(EntryRefusal(username, code, description, times))

    @property
    def pending_refusals(self) -> list[EntryRefusal]:
        return self.state.refusals.pending()

    def set_chaos(
        self,
        *,
        seed: int = 0,
        unavailable: float = 0.0,
        lost: float = 0.0,
        methods: Sequence[str] = WRITE_METHODS,
    ) -> None:
        """Chaos mode (see ``core/chaos.py``): each matching request (by default every write)
        is answered 503 before processing with probability ``unavailable``, and a
        successful one 504 after its commit (a lost answer) with probability ``lost``,
        drawn from ``random.Random(seed)``. All zero (the default) switches it off."""
        settings = ChaosSettings(seed, unavailable, lost, tuple(m.upper() for m in methods))
        self.faults.chaos.configure(settings)

    @property
    def chaos_injected(self) -> dict[str, int]:
        """How many 503s (``unavailable``) and lost answers (``lost``) chaos mode gave
        since it was last set."""
        return self.faults.chaos.injected

    # -- realms API and realm-scoped credentials (see realms/) ------------------------
    # "api_realms" are the realms of the realms API; ``realms`` above are the configured
    # Network Bridge realm FQDNs of account-level credentials.

    def api_realms(self) -> list[RealmRecord]:
        """Every realm that still exists, by id, with its current status."""
        return self.state.realm_api.out_of_band.realms()

    def api_realm(self, reference: str) -> RealmRecord | None:
        """One realm by id or short name (case-insensitive); None when there is none."""
        return self.state.realm_api.out_of_band.realm(reference)

    def realm_credentials(self, realm_id: str) -> list[StoredRealmCredential]:
        """The realm's credentials as stored now (never lagged), by id; ``KeyError``
        for an unknown realm."""
        return self.state.realm_api.out_of_band.credentials(realm_id)

    def add_realm_out_of_band(
        self, name: str, *, description: str | None = None, default: bool = False
    ) -> RealmRecord:
        """A realm that is ACTIVE at once (name rules apply; the account's first realm
        becomes the default). Not counted in :attr:`writes`."""
        return self.state.realm_api.out_of_band.add_realm(name, description, default)

    def set_realm_description_out_of_band(self, reference: str, description: str | None) -> None:
        self.state.realm_api.out_of_band.set_description(reference, description)

    def make_default_realm_out_of_band(self, reference: str) -> None:
        self.state.realm_api.out_of_band.make_default(reference)

    def pin_realm_status_out_of_band(self, reference: str, status: RealmStatus | None) -> None:
        """Report ``status`` (e.g. DELETE_FAILED) whatever the timing says; None unpins."""
        self.state.realm_api.out_of_band.pin_status(reference, status)

    def delete_realm_out_of_band(self, reference: str) -> bool:
        """Remove a realm and its credentials at once, ignoring 33006/12666 (cleanup)."""
        return self.state.realm_api.out_of_band.delete_realm(reference)

    def add_realm_credential_out_of_band(
        self,
        realm_id: str,
        user_name: str,
        hash1: str,
        hash1b: str,
        http_voice_v2_app_id: str | None = None,
    ) -> StoredRealmCredential:
        return self.state.realm_api.out_of_band.add_credential(
            realm_id, user_name, hash1, hash1b, http_voice_v2_app_id
        )

    def put_realm_credential_out_of_band(
        self, credential: StoredRealmCredential
    ) -> StoredRealmCredential:
        """Overwrite an existing credential (matched by ``realm_id`` and ``id``), e.g.
        ``dataclasses.replace(stored, hash1=...)`` to tamper with its hashes."""
        return self.state.realm_api.out_of_band.put_credential(credential)

    def delete_realm_credential_out_of_band(self, realm_id: str, credential_id: str) -> bool:
        return self.state.realm_api.out_of_band.delete_credential(realm_id, credential_id)

    @property
    def realm_settings(self) -> RealmSettings:
        return self.state.realm_api.settings

    def set_realm_timing(
        self, *, activation_seconds: float | None = None, deletion_seconds: float | None = None
    ) -> None:
        """Delays for realms created / deleted from now on (the ones given change)."""
        changes = {"activation_seconds": activation_seconds, "deletion_seconds": deletion_seconds}
        self.state.realm_api.configure(**{k: v for k, v in changes.items() if v is not None})

    def fail_next_realm_creations(self, count: int = 1) -> None:
        """The next ``count`` realm creates answer 201 CREATE_PENDING, then turn
        CREATE_FAILED instead of ACTIVE (replaces a count still pending)."""
        self.state.realm_api.configure(failing_realm_creations=count)

    def set_read_lag(self, seconds: float) -> None:
        """For ``seconds`` after each later create/update of a realm-scoped credential,
        its GET and list pages answer the state before that write."""
        self.state.realm_api.configure(read_lag_seconds=seconds)

    def set_sip_credentials_enabled(self, enabled: bool) -> None:
        """False: every realm and realm-scoped route answers 403 with 33004."""
        self.state.realm_api.configure(sip_credentials_enabled=enabled)

    def set_username_echo_case(self, mode: UsernameEchoCase) -> None:
        """``upper``/``lower``/``swapcase``: realm-scoped creates store and echo the
        UserName in that case; ``as_sent`` (default) restores normal behaviour."""
        self.state.realm_api.configure(username_echo_case=mode)

    def set_response_shapes(
        self,
        *,
        aggregated_usernames: bool | None = None,
        omit_hash1b: bool | None = None,
        empty_list_not_found: bool | None = None,
    ) -> None:
        """Answer as Bandwidth's OpenAPI spec shows (``core/spec_shapes.py``): account-level
        UserName aggregated as ``name@domain`` without Domain, and/or without Hash1b; an
        empty realm list or realm-scoped credential list as 404/23008. ``None`` leaves a
        switch as it is."""
        given = {
            "aggregated_usernames": aggregated_usernames,
            "omit_hash1b": omit_hash1b,
            "empty_list_not_found": empty_list_not_found,
        }
        self.state.shapes = self.state.shapes.patched(
            {key: value for key, value in given.items() if value is not None}
        )

    # -- a concurrent deleter (see deleter.py) ---------------------------------------------

    def start_concurrent_deleter(
        self,
        *,
        limit: int,
        prefix: str = "",
        realm_id: str | None = None,
        per_page: int = 0,
        every_seconds: float | None = None,
        batch: int = 1,
    ) -> None:
        """Someone else deletes up to ``limit`` credentials whose username starts with
        ``prefix``, in the account (``realm_id`` None) or that realm, first in list order:
        ``per_page`` each time a list page of that scope is served, and/or ``batch`` every
        ``every_seconds`` from a background thread. Replaces a running one."""
        plan = DeleterPlan(limit, prefix, realm_id, per_page, every_seconds, batch)
        self.state.deleter.start(plan)

    def stop_concurrent_deleter(self) -> list[str]:
        """Stop it; what it deleted (composite usernames, or ``{realm_id}/{id}``)."""
        self.state.deleter.stop()
        return self.state.deleter.deleted

    @property
    def concurrently_deleted(self) -> list[str]:
        return self.state.deleter.deleted

    def wait_for_concurrent_deleter(self, timeout: float) -> bool:
        """Wait for its background thread to reach the limit; False on timeout."""
        return self.state.deleter.wait(timeout)

    # -- observation ----------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """The API requests answered so far, oldest first: the most recent
        ``REQUEST_LOG_LIMIT`` (10,000), so a long-running sandbox stays bounded."""
        return self.state.requests

    def drain_requests(self) -> list[RequestRecord]:
        """Return the request log and empty it, atomically: drain before and after a
        piece of work to get exactly its requests, however long the sandbox has run."""
        return self.state.drain_requests()

    @property
    def connections_accepted(self) -> int:
        """TCP connections accepted since start (or the last reset), API and control
        endpoint alike: with keep-alive, far fewer than requests."""
        return self.state.connections_accepted

    @property
    def writes(self) -> int:
        return self.state.writes

    @property
    def token_requests(self) -> int:
        return self.state.token_grants

    def reset(self) -> None:
        """Clear credentials, faults (chaos mode goes off), logs, tokens, run-time realms,
        the realms API's realms and credentials and its settings; keep the config."""
        self.state.reset()
        self.faults.clear()


def _url_host(host: str) -> str:
    if host in ("", "0.0.0.0"):  # noqa: S104 - mapping a wildcard bind to a usable URL
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def serve(
    host: str,
    port: int,
    *,
    sandbox: Sandbox | None = None,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve in the foreground until KeyboardInterrupt or SIGTERM.

    ``ready(base_url)`` is called once the socket is listening (requests made from then
    on wait in the backlog until the loop starts)."""
    sb = sandbox if sandbox is not None else Sandbox()
    server = sb._bind(host, port)
    previous = _on_sigterm(server)
    try:
        if ready is not None:
            ready(sb.base_url)
        server.serve_forever(poll_interval=POLL_SECONDS)
    except KeyboardInterrupt:
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        server.server_close()
        sb._release()


_Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None


def _on_sigterm(server: SandboxHTTPServer) -> _Handler:
    """Make SIGTERM stop ``serve_forever`` (main thread only; elsewhere it is a no-op).

    ``shutdown()`` blocks until the loop exits, so it runs on a helper thread."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    return signal.signal(signal.SIGTERM, stop)
