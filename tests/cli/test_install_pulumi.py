"""scripts/install-pulumi refuses a Go too old to build Pulumi, saying which Go to install."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REAL_GO = shutil.which("go") or (
    "/usr/local/go/bin/go" if os.access("/usr/local/go/bin/go", os.X_OK) else None
)

pytestmark = pytest.mark.skipif(REAL_GO is None, reason="needs Go (the check runs only with Go)")


def old_go(directory: Path) -> Path:
    """A `go` that says it is 1.20.3 and otherwise is the real one."""
    fake = directory / "go"
    fake.write_text(
        "#!/usr/bin/env bash\n"
        'if [[ "$1 $2" == "env GOVERSION" ]]; then echo go1.20.3; exit 0; fi\n'
        f'exec {REAL_GO} "$@"\n'
    )
    fake.chmod(0o755)
    return directory


def test_a_too_old_go_is_named_with_the_version_to_install(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": f"{old_go(tmp_path)}{os.pathsep}/usr/bin{os.pathsep}/bin"}
    result = subprocess.run(
        [str(REPO / "scripts" / "install-pulumi"), "--vet-language-host"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1
    assert "go 1.20.3 is too old to build github.com/pulumi/pulumi/sdk/v3@v" in result.stderr
    assert "its go.mod asks for go >= " in result.stderr
    assert "install Go " in result.stderr and "https://go.dev/dl/" in result.stderr
