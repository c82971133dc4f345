"""Sandbox lifecycle: the :class:`Sandbox` facade (state, faults, a background server)
and :func:`serve`, the blocking entry point behind the CLI."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Final

from .faults import Fault, FaultQueue
from .models import DEFAULT_REALM, RequestRecord, StoredCredential
from .routes import API_PREFIX, TOKEN_PATH, SandboxHTTPServer, SandboxHTTPServerV6
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
    ) -> None:
        self.config = SandboxConfig(
            account_id=account_id,
            realms=(realms,) if isinstance(realms, str) else tuple(realms),
            basic_username=basic_username,
            basic_password=basic_password,
            client_id=client_id,
            client_secret=client_secret,
            token_ttl_seconds=token_ttl_seconds,
        )
        self.state = SandboxState(self.config)
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

    def inject(self, fault: Fault) -> None:
        self.faults.push(fault)

    @property
    def pending_faults(self) -> list[Fault]:
        return self.faults.pending()

    # -- observation ----------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """The API requests answered so far, oldest first: the most recent
        ``REQUEST_LOG_LIMIT`` (10,000), so a long-running sandbox stays bounded."""
        return self.state.requests

    @property
    def writes(self) -> int:
        return self.state.writes

    @property
    def token_requests(self) -> int:
        return self.state.token_grants

    def reset(self) -> None:
        """Clear credentials, faults, logs, tokens and run-time realms; keep the config."""
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
