"""The suite's own layout: every test file sits in a tier folder (so it gets the tier's
marker and rules), and every upgrade fixture where test_upgrade looks. A file merged in
from a branch that predates the tiers lands outside them: these tests say where to move it."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
TIERS = ("unit", "sandbox", "protocol", "e2e", "cli")
UPGRADE_FIXTURES = TESTS / "e2e" / "fixtures" / "upgrade"


def test_every_test_file_is_in_a_tier() -> None:
    outside = [
        path.relative_to(TESTS.parent).as_posix()
        for path in TESTS.rglob("test_*.py")
        if path.relative_to(TESTS).parts[0] not in TIERS
    ]
    assert outside == [], f"move these into tests/{{{','.join(TIERS)}}}/: {outside}"


def test_every_tier_marks_its_tests_and_is_a_package() -> None:
    for tier in TIERS:
        conftest = TESTS / tier / "conftest.py"
        assert (TESTS / tier / "__init__.py").is_file(), tier
        assert f'mark_items_under(HERE, "{tier}", items)' in conftest.read_text(), tier


def test_every_upgrade_fixture_is_where_test_upgrade_reads_them() -> None:
    astray = [
        path.parent.relative_to(TESTS.parent).as_posix()
        for path in TESTS.rglob("fixture.json")
        if path.parent.parent != UPGRADE_FIXTURES
    ]
    assert astray == [], f"move these into {UPGRADE_FIXTURES.relative_to(TESTS.parent)}/: {astray}"
    assert len(list(UPGRADE_FIXTURES.glob("*/fixture.json"))) >= 2
