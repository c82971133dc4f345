"""The cli tier: the ``bw-pulumi`` command line (hash, call, verify, sandbox, ...) run as
a process, and the scripts (demo, release, install-pulumi, the SDK generation: marked
``sdk``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import mark_items_under

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_items_under(HERE, "cli", items)
