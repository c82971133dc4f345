"""The protocol tier: a provider plugin process (the dynamic provider or the bandwidth
package provider) driven over Pulumi's gRPC provider protocol, against a sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import mark_items_under

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_items_under(HERE, "protocol", items)
