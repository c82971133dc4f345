"""The e2e tier: the real Pulumi CLI (scripts/install-pulumi) deploys the programs in
this folder (e2e_*/) and the upgrade fixtures (fixtures/upgrade/) to a sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import mark_items_under

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_items_under(HERE, "e2e", items)
