"""The ``live_api`` fixture without ``BW_LIVE=1``: a fresh sandbox, reachable with what it
yields, both as client settings and as the ``BW_*`` variables a provider reads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.live import LiveApi, unique_name

from bw_pulumi.config.settings import load_client_settings
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.sip_credential.models import Credential


@pytest.fixture(autouse=True)
def _not_live(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Autouse fixtures come first: ``live_api`` then sees no ``BW_LIVE``."""
    monkeypatch.delenv("BW_LIVE", raising=False)
    yield


def test_by_default_live_api_is_a_fresh_sandbox(live_api: LiveApi) -> None:
    assert not live_api.is_live and live_api.sandbox is not None
    assert live_api.sandbox.credentials() == []
    assert live_api.settings.api_url == live_api.sandbox.base_url


def test_what_live_api_yields_reaches_the_sandbox(live_api: LiveApi) -> None:
    assert live_api.sandbox is not None
    name = unique_name("live")
    hashes = "1" * 32, "2" * 32
    client = BandwidthClient(live_api.settings, sleep=lambda seconds: None)
    client.credentials.create_credential(Credential(name, *hashes, domain="corp.example.com"))
    from_environ = BandwidthClient(load_client_settings(lambda key: None, live_api.environ))
    found = from_environ.credentials.get_credential(f"{name}@corp.example.com")
    assert found is not None and found.user_name == name
    assert len(live_api.sandbox.credentials()) == 1
