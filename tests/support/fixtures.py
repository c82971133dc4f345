"""Shared fixtures: a sandbox per test, API clients wired to it, one release build.

A pytest plugin (tests/conftest.py loads it), so every tier has these fixtures; its helpers
(``RecordingSleeper``, ``oauth_settings``, ``basic_settings``) are imported by name."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bw_pulumi.api.auth import BasicAuth, OAuthClientCredentials
from bw_pulumi.api.transport import ClientSettings
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.sandbox import Sandbox


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    with box.running(host="127.0.0.1", port=0):
        yield box


class RecordingSleeper:
    """Stands in for time.sleep: records the delays, never waits."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleeper() -> RecordingSleeper:
    return RecordingSleeper()


def oauth_settings(box: Sandbox) -> ClientSettings:
    auth = OAuthClientCredentials(box.config.client_id, box.config.client_secret, box.token_url)
    return ClientSettings(account_id=box.account_id, auth=auth, api_url=box.base_url)


def basic_settings(box: Sandbox) -> ClientSettings:
    auth = BasicAuth(box.config.basic_username, box.config.basic_password)
    return ClientSettings(account_id=box.account_id, auth=auth, api_url=box.base_url)


@pytest.fixture
def client(sandbox: Sandbox, sleeper: RecordingSleeper) -> BandwidthClient:
    return BandwidthClient(oauth_settings(sandbox), sleep=sleeper, jitter=lambda: 0.0)


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[requests.Session]:
    """A requests session authenticated as the sandbox's legacy API user."""
    with requests.Session() as session:
        session.auth = (sandbox.config.basic_username, sandbox.config.basic_password)
        yield session


REPO = Path(__file__).resolve().parents[2]
RELEASE_TIMEOUT_SECONDS = 900


@pytest.fixture(scope="session")
def release_dist() -> Path:
    """The dist/ that ``scripts/release`` writes, built once for the whole session and
    shared by the outside-the-repo tests; ``BW_PULUMI_DIST=DIR`` names one already built.
    Tests copy what they use: this directory is never changed."""
    built = os.environ.get("BW_PULUMI_DIST")
    if built:
        return Path(built)
    result = subprocess.run(
        [str(REPO / "scripts" / "release")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=RELEASE_TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, f"scripts/release:\n{result.stdout}\n{result.stderr}"
    return REPO / "dist"
