"""The ``live`` marker's plumbing: a behaviour that matters against the real API.

A test marked ``live`` takes the ``live_api`` fixture and talks to what it yields:

* by default, a fresh in-process sandbox;
* with ``BW_LIVE=1``, Bandwidth itself, from ``BW_ACCOUNT_ID`` and ``BW_CLIENT_ID`` with
  ``BW_CLIENT_SECRET`` (or ``BW_USERNAME`` with ``BW_PASSWORD``), and ``BW_API_URL`` if set.
  Without them the live tests are skipped, naming the missing variables.

So ``BW_LIVE=1 pytest -m live`` checks the sandbox's behaviours against the real API in one
command. Live tests name what they create with :func:`unique_name` and delete it after
themselves: they share a real account with whatever else lives there.

A pytest plugin (tests/conftest.py loads it)."""

from __future__ import annotations

import os
import secrets
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pytest

from bw_pulumi.api.transport import ClientSettings
from bw_pulumi.config.settings import load_client_settings
from bw_pulumi.sandbox import Sandbox

LIVE_VARIABLE = "BW_LIVE"
ACCOUNT_VARIABLE = "BW_ACCOUNT_ID"
AUTH_PAIRS = (("BW_CLIENT_ID", "BW_CLIENT_SECRET"), ("BW_USERNAME", "BW_PASSWORD"))
#: What reaches the provider from the environment (passed on to processes as they are).
PASSED_ON = (ACCOUNT_VARIABLE, *(name for pair in AUTH_PAIRS for name in pair), "BW_API_URL")

#: A unique name is at most this long: a realm name allows 30 characters, a username 32.
UNIQUE_NAME_MAX_LENGTH = 30
_SUFFIX_LENGTH = 8
_PREFIX_CHARS = frozenset(string.ascii_lowercase + string.digits + "-")


@dataclass(frozen=True)
class LiveApi:
    """Where a ``live`` test's API calls go."""

    settings: ClientSettings = field(repr=False)
    #: True against Bandwidth itself (``BW_LIVE=1``), False against the sandbox.
    is_live: bool
    #: The in-process sandbox, when not live: its controls let a test arrange state.
    sandbox: Sandbox | None = None
    #: The same settings as ``BW_*`` variables, for a provider process or a Pulumi stack.
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)


def live_requested(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this run is against Bandwidth itself: ``BW_LIVE=1``."""
    env = os.environ if environ is None else environ
    return env.get(LIVE_VARIABLE) == "1"


def missing_live_variables(environ: Mapping[str, str]) -> list[str]:
    """The variables a live run still needs, in words: empty when it can run."""
    missing = [] if environ.get(ACCOUNT_VARIABLE) else [ACCOUNT_VARIABLE]
    if not any(environ.get(first) and environ.get(second) for first, second in AUTH_PAIRS):
        missing.append(" or ".join(f"{first} and {second}" for first, second in AUTH_PAIRS))
    return missing


def skip_reason(environ: Mapping[str, str]) -> str | None:
    """Why a live test cannot run against Bandwidth: None when it can."""
    missing = missing_live_variables(environ)
    if not missing:
        return None
    return f"{LIVE_VARIABLE}=1 needs Bandwidth credentials: set {'; '.join(missing)}"


def live_settings(environ: Mapping[str, str]) -> LiveApi:
    """Bandwidth itself, from the environment, read as the providers read it."""
    settings = load_client_settings(lambda key: None, environ)
    passed = {name: environ[name] for name in PASSED_ON if environ.get(name)}
    return LiveApi(settings=settings, is_live=True, environ=passed)


def sandbox_settings(box: Sandbox) -> LiveApi:
    """A running sandbox, reached with OAuth2 client credentials as by default."""
    environ = {
        ACCOUNT_VARIABLE: box.account_id,
        "BW_CLIENT_ID": box.config.client_id,
        "BW_CLIENT_SECRET": box.config.client_secret,
        "BW_API_URL": box.base_url,
        "BW_TOKEN_URL": box.token_url,
    }
    settings = load_client_settings(lambda key: None, environ)
    return LiveApi(settings=settings, is_live=False, sandbox=box, environ=environ)


def unique_name(prefix: str) -> str:
    """``prefix-`` and 8 random lower-case letters and digits: short, unlikely to meet
    another run's, and valid both as a realm name (letters, digits and inner hyphens, at
    most 30) and as a SIP username. ``prefix`` is lower-case letters, digits and hyphens,
    starting with a letter or digit, at most 21 characters."""
    longest = UNIQUE_NAME_MAX_LENGTH - _SUFFIX_LENGTH - 1
    if not prefix or len(prefix) > longest:
        raise ValueError(f"prefix: must be 1-{longest} characters (got {len(prefix)})")
    if not set(prefix) <= _PREFIX_CHARS or prefix.startswith("-"):
        raise ValueError(
            "prefix: must be lower-case letters, digits and hyphens, not starting with one"
        )
    alphabet = string.ascii_lowercase + string.digits
    suffix = "".join(secrets.choice(alphabet) for _ in range(_SUFFIX_LENGTH))
    return f"{prefix}-{suffix}"


@pytest.fixture
def live_api() -> Iterator[LiveApi]:
    """The API a ``live`` test talks to: Bandwidth with ``BW_LIVE=1``, else a fresh sandbox."""
    if live_requested():
        reason = skip_reason(os.environ)
        if reason is not None:
            pytest.skip(reason)
        yield live_settings(os.environ)
        return
    box = Sandbox()
    with box.running(host="127.0.0.1", port=0):
        yield sandbox_settings(box)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A ``live`` test takes ``live_api`` (else, with ``BW_LIVE=1``, it would quietly test
    the sandbox), and a live run without credentials skips it, saying which are missing."""
    if item.get_closest_marker("live") is None:
        return
    if "live_api" not in getattr(item, "fixturenames", ()):
        pytest.fail(f"{item.nodeid}: a test marked live must take the live_api fixture")
    if live_requested():
        reason = skip_reason(os.environ)
        if reason is not None:
            pytest.skip(reason)
