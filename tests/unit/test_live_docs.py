"""The live tests and docs/bandwidth-api.md §10 name each other: every test marked ``live``
is in the section's table and names the entry it checks with its source mark, and every
test the table names exists. So a live test cannot be added, or dropped, without the
documentation of what was live-verified following."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "bandwidth-api.md"
SECTION = "## 10. Checking the sandbox against the real API"
#: A source mark as the doc writes them: **[ref]**, **[cli✓] [spec]**, **[ours, client]**.
SOURCE_MARK = re.compile(r"\*\*\[(ref|spec|cli✓|cli|ours|live✓)[^\]]*\]")


def _is_live_mark(node: ast.expr) -> bool:
    return ast.unparse(node) == "pytest.mark.live"


@cache
def live_tests() -> dict[str, str]:
    """``path::name`` of every test marked live (module ``pytestmark`` or decorator), with
    its docstring."""
    found: dict[str, str] = {}
    for path in sorted((REPO / "tests").glob("*/test_*.py")):
        source = path.read_text(encoding="utf-8")
        if "pytest.mark.live" not in source:
            continue
        tree = ast.parse(source)
        module_live = any(
            isinstance(node, ast.Assign)
            and any(ast.unparse(t) == "pytestmark" for t in node.targets)
            and _is_live_mark(node.value)
            for node in tree.body
        )
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test_"):
                continue
            if module_live or any(_is_live_mark(d) for d in node.decorator_list):
                relative = path.relative_to(REPO).as_posix()
                found[f"{relative}::{node.name}"] = ast.get_docstring(node) or ""
    return found


def section_text() -> str:
    text = DOC.read_text(encoding="utf-8")
    assert SECTION in text, f"{DOC.name} has no section {SECTION!r}"
    return text.split(SECTION, 1)[1].split("\n## ", 1)[0]


def tabled_tests() -> set[str]:
    """The table's first column: a full ``path::name``, or ``...::name`` in the file above."""
    named: set[str] = set()
    current = ""
    for cell in re.findall(r"^\| `([^`]+::test_\w+)` \|", section_text(), re.MULTILINE):
        path, name = cell.split("::")
        current = current if path == "..." else path
        named.add(f"{current}::{name}")
    return named


def test_there_are_live_tests() -> None:
    assert len(live_tests()) >= 6


def test_every_live_test_is_in_the_table_and_every_tabled_test_exists() -> None:
    tests, tabled = set(live_tests()), tabled_tests()
    assert sorted(tests - tabled) == [], "live tests missing from docs §10's table"
    assert sorted(tabled - tests) == [], "docs §10's table names tests that do not exist"


def test_every_live_test_names_its_entry_and_source_mark() -> None:
    for test, docstring in live_tests().items():
        assert "§" in docstring, f"{test}: its docstring names no section of {DOC.name}"
        assert SOURCE_MARK.search(docstring), f"{test}: its docstring gives no source mark"
