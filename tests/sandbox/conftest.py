"""The sandbox tier: HTTP (or UDP) to an in-process fake: the sandbox, the fake SIP
registrar, the fake Twilio. Each test starts its own, on a free loopback port."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import mark_items_under

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_items_under(HERE, "sandbox", items)
