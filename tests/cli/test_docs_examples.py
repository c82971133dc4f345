"""The Go example of docs/_index.md builds against the generated Go SDK (mark sdk; the other
examples' checks: tests/unit/test_docs_examples.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.unit.test_docs_examples import REPO, blocks


@pytest.mark.sdk
def test_the_go_example_builds(tmp_path: Path) -> None:
    (code,) = [body for where, body in blocks("go") if where.startswith("docs/_index.md")]
    module = tmp_path / "sdk"
    shutil.copytree(
        REPO / "sdk", module, ignore=shutil.ignore_patterns("nodejs", "python", "dotnet")
    )
    (module / "example").mkdir()
    (module / "example" / "main.go").write_text(code)
    go = shutil.which("go") or "/usr/local/go/bin/go"
    # The flags of tests/cli/test_sdk.py's build, so Go's build cache serves the Pulumi SDK.
    env = {**os.environ, "GOWORK": "off", "GOFLAGS": "-mod=readonly", "CGO_ENABLED": "0"}
    result = subprocess.run(
        [go, "build", "-trimpath", "-o", str(tmp_path / "example"), "./example"],
        cwd=module,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr
