"""The generated SDKs: regenerated from the definitions they match what is committed, the
Go SDK builds with `go build`, and the TypeScript SDK compiles with `tsc` from npm.

The C# SDK is generated (and compared) but not compiled: there is no .NET SDK here."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.sdk

REPO = Path(__file__).resolve().parents[2]
SDK = REPO / "sdk"
#: Kept by hand: the Go SDK's module. Everything else under sdk/ is generated.
HAND_KEPT = {"go.mod", "go.sum"}
CACHE_ROOT = Path(os.environ.get("BW_PULUMI_CACHE", Path.home() / ".cache" / "bw-pulumi"))
TIMEOUT_SECONDS = 900


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def committed_files() -> set[str]:
    listed = run(["git", "ls-files", "sdk"], REPO).splitlines()
    return {str(Path(path).relative_to("sdk")) for path in listed} - HAND_KEPT


def test_regenerated_sdks_match_what_is_committed(tmp_path: Path) -> None:
    out = tmp_path / "sdk"
    run([str(REPO / "scripts" / "gen-sdk"), str(out)], REPO)
    generated = {str(path.relative_to(out)) for path in out.rglob("*") if path.is_file()}
    committed = committed_files()
    assert generated == committed, "run scripts/gen-sdk and commit sdk/"
    stale = [
        name for name in sorted(committed) if (out / name).read_bytes() != (SDK / name).read_bytes()
    ]
    assert stale == [], f"stale generated files (run scripts/gen-sdk): {stale}"
    for language in ("python", "nodejs", "go", "dotnet"):
        assert any(name.startswith(f"{language}/") for name in generated)


def go_command() -> str:
    found = shutil.which("go") or "/usr/local/go/bin/go"
    if not Path(found).exists():
        pytest.fail("go is not installed: the Go SDK test builds it (install Go 1.24+)")
    return found


def test_go_sdk_builds() -> None:
    # The flags of scripts/gen-sdk's and install-pulumi's builds, so the Pulumi SDK packages
    # they compiled come from Go's build cache: 47 s instead of 170 s with a cold cache.
    env = {"GOWORK": "off", "GOFLAGS": "-mod=readonly", "CGO_ENABLED": "0"}
    run([go_command(), "build", "-trimpath", "./go/..."], SDK, env)


def typescript_dependencies(package_json: Path) -> Path:
    """node_modules for the TypeScript SDK (its package.json's dependencies, tsc among
    them), installed from npm once per package.json and kept next to the Pulumi CLI."""
    key = hashlib.sha256(package_json.read_bytes()).hexdigest()[:12]
    done = CACHE_ROOT / f"ts-sdk-deps-{key}"
    if (done / "node_modules" / ".bin" / "tsc").exists():
        return done / "node_modules"
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is not installed: the TypeScript SDK test installs tsc with it")
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    with (CACHE_ROOT / ".ts-sdk-deps.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (done / "node_modules" / ".bin" / "tsc").exists():
            staging = CACHE_ROOT / f".staging-ts-sdk-deps-{key}"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()
            shutil.copy(package_json, staging / "package.json")
            run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error"], staging)
            shutil.rmtree(done, ignore_errors=True)
            staging.rename(done)
    return done / "node_modules"


def test_typescript_sdk_and_example_compile(tmp_path: Path) -> None:
    project = tmp_path / "nodejs"
    shutil.copytree(SDK / "nodejs", project)
    dependencies = typescript_dependencies(project / "package.json")
    (project / "node_modules").symlink_to(dependencies)
    tsc = str(dependencies / ".bin" / "tsc")
    run([tsc], project)
    for name in ("index", "sipCredential", "sipRealm", "provider"):
        assert (project / "bin" / f"{name}.js").is_file()
        assert (project / "bin" / f"{name}.d.ts").is_file()

    # The README's TypeScript example, against the SDK just built (as npm would link it).
    shutil.copy(project / "package.json", project / "bin" / "package.json")
    example = tmp_path / "example"
    shutil.copytree(REPO / "examples" / "typescript-network-bridge", example)
    modules = example / "node_modules"
    (modules / "@bw-pulumi").mkdir(parents=True)
    (modules / "@bw-pulumi" / "bandwidth").symlink_to(project / "bin")
    for scope in ("@pulumi", "@types"):
        (modules / scope).symlink_to(dependencies / scope)
    run([tsc, "--noEmit"], example)
