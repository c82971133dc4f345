"""Helpers shared by the test tiers: processes, stacks and fakes to test against, the
shared fixtures (``fixtures``, a pytest plugin) and the ``live`` marker's settings
(``live``, a pytest plugin). Both plugins are loaded by tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest


def mark_items_under(directory: Path, marker: str, items: Iterable[pytest.Item]) -> None:
    """Give ``marker`` to every item collected from a file under ``directory``: a tier's
    conftest.py calls this, so a test's folder is its tier and ``-m TIER`` selects it."""
    for item in items:
        if item.path.is_relative_to(directory):
            item.add_marker(marker)
