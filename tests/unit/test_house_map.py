"""CONTRIBUTING.md's map of the house names every module, names none that is gone, and is
one table (a paragraph inside it would break the rendering into two)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MAP_HEADING = "## The map of the house"
CELL_PATH = re.compile(r"`(bw_pulumi/[^`]*)`")
NAME = re.compile(r"`([a-z_]+(?:\.py|/))`")


def map_rows(text: str) -> list[str]:
    """The table right under the heading: its contiguous ``|`` lines, header dropped."""
    after = text.split(MAP_HEADING, 1)[1].splitlines()
    start = next(i for i, line in enumerate(after) if line.startswith("|"))
    rows = []
    for line in after[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows[2:]


def rows() -> list[str]:
    return map_rows((REPO / "CONTRIBUTING.md").read_text())


def first_cell(row: str) -> str:
    return row.split("|")[1]


def modules() -> list[str]:
    package = REPO / "bw_pulumi"
    found = [str(p.relative_to(REPO)) for p in package.rglob("*.py")]
    return sorted(m for m in found if not m.endswith("__init__.py") or m.count("/") == 1)


def is_mapped(module: str, table: list[str]) -> bool:
    for row in table:
        paths = CELL_PATH.findall(first_cell(row))
        if module in paths:
            return True
        folders = [p for p in paths if p.endswith("/") and module.startswith(p)]
        if folders and Path(module).name in NAME.findall(row):
            return True
    return False


def test_every_module_is_on_the_map() -> None:
    table = rows()
    assert len(table) > 30
    assert [m for m in modules() if not is_mapped(m, table)] == []


def test_every_path_on_the_map_exists() -> None:
    listed = [p for row in rows() for p in CELL_PATH.findall(first_cell(row))]
    assert [p for p in listed if not (REPO / p).exists()] == []


def test_the_map_is_one_table() -> None:
    text = (REPO / "CONTRIBUTING.md").read_text()
    tail = text.split(MAP_HEADING, 1)[1]
    table_end = tail.index(rows()[-1]) + len(rows()[-1])
    # Nothing but the table until the next blank line: no paragraph splits it.
    assert tail[table_end:].startswith("\n\n")


def test_a_module_missing_from_the_map_is_seen() -> None:
    table = ["| `bw_pulumi/api/transport.py` | HTTP |", "| `bw_pulumi/sip/` | `digest.py` |"]
    assert is_mapped("bw_pulumi/api/transport.py", table)
    assert is_mapped("bw_pulumi/sip/digest.py", table)
    assert not is_mapped("bw_pulumi/api/retry.py", table)
    assert not is_mapped("bw_pulumi/sip/message.py", table)
