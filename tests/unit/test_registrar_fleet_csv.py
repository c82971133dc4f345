"""examples/registrar-fleet's CSV reader and password rule: a bad row is named by its line
before any API call, and the shipped phones.csv holds no password."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "registrar-fleet"


def fleet() -> ModuleType:
    spec = importlib.util.spec_from_file_location("registrar_fleet", EXAMPLE / "fleet.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # defines functions only: main() declares the resources
    return module


def test_the_shipped_csv_reads_and_holds_no_password() -> None:
    rows = fleet().read_phones(EXAMPLE / "phones.csv")
    assert len(rows) == 6
    assert set(rows[0]) == {"key", "username", "rotation", "password_config"}
    assert "password" not in (EXAMPLE / "phones.csv").read_text().splitlines()[0].split(",")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("key,username\na,ext1\n", "missing columns rotation"),
        ("key,username,rotation\na,ext1,0\na,ext2,0\n", "line 3: key must be non-empty and unique"),
        ("key,username,rotation\n,ext1,0\n", "line 2: key must be non-empty and unique"),
        ("key,username,rotation\na,ext1,x\n", "line 2: rotation must be a whole number"),
    ],
)
def test_a_bad_row_is_named_by_its_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "phones.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        fleet().read_phones(path)


def test_passwords_are_derived_per_key_and_rotation() -> None:
    derive = fleet().derive_password
    assert derive("seed", "desk-1", "0") == derive("seed", "desk-1", "0")
    assert (
        len(
            {
                derive("seed", "desk-1", "0"),
                derive("seed", "desk-1", "1"),
                derive("seed", "desk-2", "0"),
                derive("other", "desk-1", "0"),
            }
        )
        == 4
    )
    assert len(derive("seed", "desk-1", "0")) == 24
