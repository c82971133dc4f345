"""scripts/scaffold-resource, run as a process on a copy of the package: the skeleton it
writes imports, passes ruff, ruff format and mypy --strict as written, and its own unit
tests pass; it prints CONTRIBUTING.md's remaining steps with the lines to add, edits no
existing file and never overwrites."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "scaffold-resource"

RESOURCE_FILES = [
    f"bw_pulumi/resources/sip_peer/{name}.py"
    for name in ("__init__", "definition", "rules", "models", "xml", "api", "operations", "kind")
]
SANDBOX_FILES = [
    f"bw_pulumi/sandbox/sip_peers/{name}.py"
    for name in ("__init__", "models", "rules", "store", "xml", "routes", "control")
]
TEST_FILE = "tests/unit/test_sip_peer_rules.py"
WRITTEN = [*RESOURCE_FILES, *SANDBOX_FILES, TEST_FILE]


def scaffold(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args, "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def run_in(root: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        list(command), cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*.py"))
    }


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("checkout")
    shutil.copytree(
        REPO / "bw_pulumi", root / "bw_pulumi", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    if (REPO / ".mypy_cache").is_dir():  # a head start only: mypy rechecks what differs
        shutil.copytree(REPO / ".mypy_cache", root / ".mypy_cache")
    return root


@pytest.fixture(scope="module")
def before(checkout: Path) -> dict[str, str]:
    return digests(checkout)


@pytest.fixture(scope="module")
def first_run(checkout: Path, before: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return scaffold(checkout, "SipPeer", "--label", "SIP peer")


def test_writes_the_skeleton_and_edits_no_existing_file(
    checkout: Path, before: dict[str, str], first_run: subprocess.CompletedProcess[str]
) -> None:
    assert first_run.returncode == 0, first_run.stderr
    assert [p for p in WRITTEN if not (checkout / p).is_file()] == []
    after = digests(checkout)
    assert {path: after[path] for path in before} == before
    assert sorted(set(after) - set(before)) == sorted(WRITTEN)
    assert [line.removeprefix("wrote ") for line in first_run.stdout.splitlines()[:16]] == WRITTEN


def test_the_skeleton_imports_and_holds_the_names(
    checkout: Path, first_run: subprocess.CompletedProcess[str]
) -> None:
    probe = (
        "from bw_pulumi.resources.sip_peer.kind import SIP_PEER_KIND as k\n"
        "from bw_pulumi.resources.sip_peer.operations import SipPeerOperations\n"
        "from bw_pulumi.resources.sip_peer.api import SipPeersApi\n"
        "from bw_pulumi.sandbox.sip_peers import control, routes\n"
        "print(k.name, k.label, k.definition.replacing, k.definition.computed_names)\n"
        "ops = SipPeerOperations(lambda: SipPeersApi(None))\n"
        "try:\n"
        "    ops.create({'name': 'p1'})\n"
        "except NotImplementedError as e:\n"
        "    print(e)\n"
    )
    result = run_in(checkout, sys.executable, "-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "SipPeer SIP peer ('name',) ('sip_peer_id',)",
        "create_sip_peer: TODO(scaffold) in bw_pulumi/resources/sip_peer/api.py",
    ]


def test_the_skeleton_passes_ruff_and_mypy_strict_as_written(
    checkout: Path, first_run: subprocess.CompletedProcess[str]
) -> None:
    lint = run_in(checkout, sys.executable, "-m", "ruff", "check", *WRITTEN)
    assert lint.returncode == 0, lint.stdout
    formatted = run_in(checkout, sys.executable, "-m", "ruff", "format", "--check", *WRITTEN)
    assert formatted.returncode == 0, formatted.stdout
    typed = run_in(checkout, sys.executable, "-m", "mypy", "--strict", *WRITTEN)
    assert typed.returncode == 0, typed.stdout
    assert "Success: no issues found in 16 source files" in typed.stdout


def test_its_unit_tests_pass(checkout: Path, first_run: subprocess.CompletedProcess[str]) -> None:
    result = run_in(
        checkout, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", TEST_FILE
    )
    assert result.returncode == 0, result.stdout
    assert "5 passed" in result.stdout


def test_prints_the_remaining_steps_with_the_lines_to_add(
    first_run: subprocess.CompletedProcess[str],
) -> None:
    out = first_run.stdout
    numbered = [line.split(".")[0] for line in out.splitlines() if line[:1].isdigit()]
    assert numbered == [str(step) for step in range(5, 14)]
    for line in (
        "5. bw_pulumi/resources/client.py",
        "def sip_peers(self) -> SipPeersApi:",
        "6. bw_pulumi/resources/registry.py",
        "from bw_pulumi.resources.sip_peer.kind import SIP_PEER_KIND",
        "KINDS: tuple[Kind, ...] = (..., SIP_PEER_KIND)",
        "class SipPeerProvider(KindProvider):",
        'class SipPeer(Resource, module="bandwidth", name="SipPeer"):',
        'Resource("sippeers", sip_peer_routes.route, sip_peer_control.handle),',
        "self.sip_peers = SipPeerStore(config.account_id, self._lock, self._count_write)",
        "| `bw_pulumi/resources/sip_peer/kind.py` | the SIP peer as a `Kind` |",
    ):
        assert line in out


def test_a_second_run_refuses_to_overwrite(
    checkout: Path, first_run: subprocess.CompletedProcess[str]
) -> None:
    written = digests(checkout)
    again = scaffold(checkout, "SipPeer", "--label", "SIP peer")
    assert again.returncode == 1
    assert again.stdout == ""
    assert again.stderr == (
        "scaffold-resource: bw_pulumi/resources/sip_peer/ and bw_pulumi/sandbox/sip_peers/ and"
        " tests/unit/test_sip_peer_rules.py already exist: scaffold-resource never overwrites;"
        " choose another name, or remove it first\n"
    )
    assert digests(checkout) == written


def test_a_name_that_is_not_pascal_case_is_refused(checkout: Path) -> None:
    result = scaffold(checkout, "sip_peer", "--label", "SIP peer")
    assert result.returncode == 1
    assert "must be PascalCase words (SipPeer" in result.stderr
    assert not (checkout / "bw_pulumi" / "resources" / "sip_peer_").exists()


def test_any_file_in_the_way_stops_it_before_it_writes_anything(tmp_path: Path) -> None:
    (tmp_path / "bw_pulumi" / "resources").mkdir(parents=True)
    (tmp_path / "bw_pulumi" / "resources" / "registry.py").write_text("")
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    (tmp_path / TEST_FILE).write_text("# mine\n")
    result = scaffold(tmp_path, "SipPeer", "--label", "SIP peer")
    assert result.returncode == 1
    assert f"{TEST_FILE} already exists" in result.stderr
    assert not (tmp_path / "bw_pulumi" / "resources" / "sip_peer").exists()
    assert (tmp_path / TEST_FILE).read_text() == "# mine\n"
