"""The npm package of the TypeScript SDK, as scripts/pack-nodejs-sdk writes it: compiled
JavaScript plus .d.ts, @pulumi/pulumi as a dependency, entry points a user's `tsc` and
Node resolve, no build step left to the user; and the committed sources untouched.
(tests/e2e/test_e2e_typescript.py installs and deploys it from outside the repository.)"""

from __future__ import annotations

import json
import subprocess
import tarfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.sdk

REPO = Path(__file__).resolve().parents[2]
SDK = REPO / "sdk" / "nodejs"
MODULES = ("index", "provider", "sipCredential", "sipRealm", "utilities", "config/index")


def tarball_name(package: dict[str, str]) -> str:
    """`npm pack`'s file name: the scope's @ dropped, / as -, then -<version>.tgz."""
    return f"{package['name'].lstrip('@').replace('/', '-')}-{package['version']}.tgz"


def git_status(path: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_package_is_compiled_javascript_with_types(tmp_path: Path) -> None:
    before = git_status(SDK)
    result = subprocess.run(
        [str(REPO / "scripts" / "pack-nodejs-sdk"), str(tmp_path / "dist")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    generated = json.loads((SDK / "package.json").read_text())
    tarball = Path(result.stdout.strip().splitlines()[-1])
    assert tarball == tmp_path / "dist" / tarball_name(generated)

    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
        member = archive.extractfile("package/package.json")
        assert member is not None
        packed = json.loads(member.read())
    for module in MODULES:
        assert f"package/{module}.js" in names
        assert f"package/{module}.d.ts" in names
    sources = [n for n in names if n.endswith(".ts") and not n.endswith(".d.ts")]
    assert sources == [], "the package ships compiled code, not TypeScript sources"
    assert not [n for n in names if n.endswith(".map")], "no maps to sources it lacks"

    assert (packed["name"], packed["version"]) == (generated["name"], generated["version"])
    assert packed["dependencies"] == generated["dependencies"]
    assert "@pulumi/pulumi" in packed["dependencies"]
    assert (packed["main"], packed["types"]) == ("index.js", "index.d.ts")
    assert "scripts" not in packed, "nothing for the user's npm to build"
    assert packed["pulumi"] == generated["pulumi"], "the plugin the language host reports"
    # Built in a copy: the committed generated sources gain no bin/ or node_modules/.
    assert git_status(SDK) == before


def test_the_typescript_example_installs_the_packed_tarball() -> None:
    """examples/typescript-network-bridge takes the package from dist/, where
    scripts/pack-nodejs-sdk (and scripts/release) writes it, at the SDK's version."""
    generated = json.loads((SDK / "package.json").read_text())
    example = REPO / "examples" / "typescript-network-bridge"
    dependencies = json.loads((example / "package.json").read_text())["dependencies"]
    wanted = f"file:../../dist/{tarball_name(generated)}"
    assert dependencies[generated["name"]] == wanted, "run scripts/gen-sdk, then update it"
