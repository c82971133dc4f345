"""The release, proven outside the repository (issue 17, section 2): in a temporary
directory with no path into the checkout, a fresh virtual environment installs from a copy
of dist/ (scripts/release, run once per session), and each program goes through ``up``, a
quiet ``preview``, a password rotation and ``destroy`` against the sandbox:

- ``python-dynamic``: a Python program on ``bw_pulumi.SipCredential`` and ``SipRealm``,
  in a venv that installed only the bw_pulumi wheel;
- ``yaml``: a Pulumi YAML program, after ``pulumi plugin install resource bandwidth vX
  --file <archive>`` into a PULUMI_HOME of its own: no ``plugins:`` entry, no plugin on PATH;
- ``python-sdk``: a Python program on ``pulumi_bandwidth``, in a venv that installed only
  the SDK's wheel (which brings bw-pulumi, and with it the plugin), activated as a Python
  user runs Pulumi: its bin/ first on PATH.

``BW_PULUMI_DIST=DIR`` reuses a dist/ already built this run instead of building one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.pulumi_stack import PulumiStack, configure_provider

from bw_pulumi import about, compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
PROGRAMS = Path(__file__).resolve().parent / "e2e_release"
VERSION = about.version()
PASSWORDS = {"phone": "ext100-Release-0001", "bridge": "bridge-Release-0002"}
ROTATED = "bridge-Release-0003"
INSTALL_TIMEOUT_SECONDS = 600
#: Environment variables a user's shell may need to reach a package index; nothing else
#: of the test process's environment (PATH, VIRTUAL_ENV, PWD...) reaches the user's shell.
PASSED_THROUGH = ("HOME", "LANG", "LC_ALL", "TMPDIR", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")


@dataclass(frozen=True)
class Release:
    dist: Path

    @property
    def wheel(self) -> Path:
        return self.dist / f"bw_pulumi-{VERSION}-py3-none-any.whl"

    @property
    def sdk_wheel(self) -> Path:
        return self.dist / f"pulumi_bandwidth-{VERSION}-py3-none-any.whl"

    @property
    def plugin_archive(self) -> Path:
        return self.dist / f"pulumi-resource-bandwidth-v{VERSION}-linux-amd64.tar.gz"


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def user_environment(home: Path, *, first_on_path: Path | None = None) -> dict[str, str]:
    """A user's shell: the Pulumi CLI and the system's tools on PATH, a Pulumi home of
    its own, pip's and proxies' settings; ``first_on_path``: an activated venv's bin/."""
    pulumi = shutil.which("pulumi")
    assert pulumi, "no pulumi on PATH: run scripts/install-pulumi (scripts/test does)"
    path = [str(Path(pulumi).parent), "/usr/local/bin", "/usr/bin", "/bin"]
    if first_on_path is not None:
        path.insert(0, str(first_on_path))
    env = {
        key: value
        for key, value in os.environ.items()
        if key in PASSED_THROUGH or key.startswith("PIP_") or key.lower().endswith("_proxy")
    }
    env.update({"PATH": os.pathsep.join(path), "PULUMI_HOME": str(home)})
    return env


def assert_outside_the_checkout(*texts: str) -> None:
    for text in texts:
        assert str(REPO) not in text, "the user's side must not name the checkout"


@pytest.fixture(scope="session")
def release(release_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Release:
    source = release_dist
    dist = tmp_path_factory.mktemp("dist")
    for artifact in source.iterdir():
        shutil.copy(artifact, dist / artifact.name)
    copied = Release(dist)
    for artifact in (copied.wheel, copied.sdk_wheel, copied.plugin_archive):
        assert artifact.is_file(), f"scripts/release did not write {artifact.name}"
    return copied


def wheel_metadata(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return archive.read(name).decode()


def test_the_artifacts_carry_license_urls_classifiers_and_an_index_description(
    release: Release,
) -> None:
    metadata = wheel_metadata(release.wheel)
    headers, _, description = metadata.partition("\n\n")
    assert f"Version: {VERSION}" in headers
    assert "License-Expression: Apache-2.0" in headers
    assert f"Project-URL: Source, {about.project_urls()['Source']}" in headers
    assert "Classifier: Programming Language :: Python :: 3" in headers
    assert description.strip() == (REPO / "docs" / "package-index.md").read_text().strip()
    license_text = (REPO / "LICENSE").read_text()
    with zipfile.ZipFile(release.wheel) as archive:
        [licensed] = [n for n in archive.namelist() if n.endswith("/licenses/LICENSE")]
        assert archive.read(licensed).decode() == license_text
    with tarfile.open(release.dist / f"bw_pulumi-{VERSION}.tar.gz") as sdist:
        names = sdist.getnames()
        assert f"bw_pulumi-{VERSION}/LICENSE" in names
        assert not any("/tests/" in name for name in names)

    sdk = wheel_metadata(release.sdk_wheel)
    assert f"Requires-Dist: bw-pulumi=={VERSION}" in sdk
    with zipfile.ZipFile(release.sdk_wheel) as archive:
        assert any(n.endswith("/licenses/LICENSE") for n in archive.namelist())

    # The npm package, when scripts/pack-nodejs-sdk is there to build it, states it too.
    for npm_package in release.dist.glob("*.tgz"):
        with tarfile.open(npm_package) as package:
            manifest = package.extractfile("package/package.json")
            assert manifest is not None
            assert json.loads(manifest.read())["version"] == VERSION

    with tarfile.open(release.plugin_archive) as plugin:
        launcher = plugin.getmember("pulumi-resource-bandwidth")
        assert launcher.isfile() and launcher.mode & 0o111
        assert f"wheels/{release.wheel.name}" in plugin.getnames()


def fresh_venv(root: Path, env: dict[str, str], *requirements: str) -> Path:
    """``python3 -m venv`` and ``pip install REQUIREMENTS --find-links dist``, as a user
    types them; the interpreter is the system's, not the repository's .venv."""
    python = getattr(sys, "_base_executable", None) or shutil.which("python3") or sys.executable
    venv = root / "venv"
    run([python, "-m", "venv", str(venv)], root, env)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    run([*pip, "install", "--quiet", *requirements], root, env)
    return venv


@dataclass
class Deployment:
    stack: PulumiStack
    sandbox: Sandbox
    language: str


def python_runtime(venv: Path) -> str:
    return f"runtime:\n  name: python\n  options:\n    toolchain: pip\n    virtualenv: {venv}\n"


@pytest.fixture(scope="module", params=["python-dynamic", "yaml", "python-sdk"])
def deployment(
    request: pytest.FixtureRequest, release: Release, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    language: str = request.param
    root = tmp_path_factory.mktemp(f"user-{language}")
    home = root / "pulumi-home"
    env = user_environment(home)
    if language == "python-dynamic":
        venv = fresh_venv(root, env, str(release.wheel))
        project = python_runtime(venv)
        program = PROGRAMS / "python_dynamic"
    elif language == "python-sdk":
        venv = fresh_venv(root, env, str(release.sdk_wheel), "--find-links", str(release.dist))
        env = {**user_environment(home, first_on_path=venv / "bin"), "VIRTUAL_ENV": str(venv)}
        project = python_runtime(venv)
        program = PROGRAMS / "python_sdk"
    else:
        archive = str(release.plugin_archive)
        run(["pulumi", "plugin", "install", "resource", "bandwidth", f"v{VERSION}", "--file",
             archive], root, env)  # fmt: skip
        project = "runtime: yaml\n"
        program = PROGRAMS / "yaml"
    stack = PulumiStack(root / "stack-root", program, keep_project=True)
    (stack.project_dir / "Pulumi.yaml").write_text(f"name: bw-release-{language}\n{project}")
    stack.env = {
        **env,
        **{key: value for key, value in stack.env.items() if key.startswith("PULUMI_")},
        "PULUMI_HOME": str(home),
        "NO_COLOR": "1",
    }
    assert_outside_the_checkout(
        json.dumps(stack.env), (stack.project_dir / "Pulumi.yaml").read_text()
    )
    box = Sandbox()
    # As on a real account, the account's first realm (its default) is not the stack's.
    box.add_realm_out_of_band("main", default=True)
    with box.running(host="127.0.0.1", port=0):
        stack.run("stack", "init", "dev")
        configure_provider(stack, box)
        stack.set_config("bandwidth:realmWaitSeconds", "60")
        stack.set_config("accountRealm", DEFAULT_REALM)
        stack.set_config("phonePassword", PASSWORDS["phone"], secret=True)
        stack.set_config("bridgePassword", PASSWORDS["bridge"], secret=True)
        yield Deployment(stack, box, language)


def account_writes(sandbox: Sandbox, since: int) -> list[str]:
    """The methods of the API's writes (the token endpoint aside) since request ``since``."""
    return [
        r.method for r in sandbox.requests[since:] if "/accounts/" in r.path and r.method != "GET"
    ]


def office_fqdn(sandbox: Sandbox) -> str:
    [office] = [realm for realm in sandbox.api_realms() if realm.name == "office"]
    return office.fqdn


def bridge_hashes(sandbox: Sandbox) -> tuple[str, str]:
    [bridge] = [c for c in sandbox.credentials() if c.composite_username == "twilio-bridge"]
    return bridge.hash1, bridge.hash1b


def expected_bridge(password: str) -> tuple[str, str]:
    hashes = compute_hashes("twilio-bridge", password, DEFAULT_REALM)
    return hashes.hash1, hashes.hash1b


def test_up_deploys_the_realm_the_phone_and_the_bridge(deployment: Deployment) -> None:
    stack, sandbox = deployment.stack, deployment.sandbox
    stack.run("up", "--yes")
    outputs = json.loads(stack.run("stack", "output", "--json").stdout)
    assert outputs["realmFqdn"] == office_fqdn(sandbox)
    assert outputs["phoneUsername"] == "ext100"
    assert outputs["bridgeUsername"] == "twilio-bridge"
    [office] = [realm for realm in sandbox.api_realms() if realm.name == "office"]
    [phone] = sandbox.realm_credentials(office.id)
    phone_hashes = compute_hashes("ext100", PASSWORDS["phone"], office.fqdn)
    assert (phone.user_name, phone.hash1, phone.hash1b) == (
        "ext100",
        phone_hashes.hash1,
        phone_hashes.hash1b,
    )
    assert bridge_hashes(sandbox) == expected_bridge(PASSWORDS["bridge"])


def test_preview_right_after_is_quiet(deployment: Deployment) -> None:
    before = len(deployment.sandbox.requests)
    deployment.stack.run("preview", "--expect-no-changes")
    assert account_writes(deployment.sandbox, before) == []


def test_password_rotation_is_one_update(deployment: Deployment) -> None:
    stack, sandbox = deployment.stack, deployment.sandbox
    stack.set_config("bridgePassword", ROTATED, secret=True)
    preview = stack.run("preview", "--diff")
    assert "1 to update" in preview.stdout and "replace" not in preview.stdout
    before = len(sandbox.requests)
    stack.run("up", "--yes", "--skip-preview")
    assert account_writes(sandbox, before) == ["PUT"]
    assert bridge_hashes(sandbox) == expected_bridge(ROTATED)
    stack.run("preview", "--expect-no-changes")


def test_destroy_leaves_only_the_account_default_realm(deployment: Deployment) -> None:
    stack, sandbox = deployment.stack, deployment.sandbox
    stack.run("destroy", "--yes", "--skip-preview")
    assert sandbox.credentials() == []
    assert [realm.name for realm in sandbox.api_realms()] == ["main"]
    for output in stack.transcript:
        for secret in (*PASSWORDS.values(), ROTATED, sandbox.config.client_secret):
            assert secret not in output
