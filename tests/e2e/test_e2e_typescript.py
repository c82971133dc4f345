"""Issue 17, 2 (d): a TypeScript program on the npm package, outside the repository.

In a temporary directory with no path into the checkout, a project `npm install`s the
release's npm tarball (scripts/release packs it with scripts/pack-nodejs-sdk), plus
@pulumi/pulumi, typescript and @types/node from npm, as a platform team would. `tsc`
compiles it with no build step of the package's own; then the real Pulumi CLI deploys it
(`runtime: nodejs`, TypeScript through @pulumi/pulumi's own runner) via our Node.js
language host (scripts/install-nodejs-host) against the sandbox: `up`, a quiet `preview`, a password
rotation and `destroy`.

The plugin comes from the same release: `pulumi plugin install resource bandwidth vX
--file` puts its archive in the stack's Pulumi home, as the README tells TypeScript users,
with nothing on PATH (the release is built once per session: ``release_dist``)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pulumi_stack import PulumiStack, configure_provider, run_bounded

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, RealmRecord, Sandbox

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
PROGRAM = REPO / "tests" / "e2e" / "e2e_typescript"
PASSWORDS = {
    "phone": "ext100-Secret-0001",
    "bridge-1": "bridge-TypeScript-0001",
    "bridge-2": "bridge-TypeScript-0002",
}
REALM_NAME = "office"
CREDENTIAL_TYPE = "bandwidth:index:SipCredential"
#: What a new TypeScript user adds next to the package, each from npm.
NPM_PACKAGES = ["@pulumi/pulumi@^3"]
NPM_DEV_PACKAGES = ["typescript@^5", "@types/node@^20"]
#: The generated package, and `npm pack`'s name for it.
PACKAGE = json.loads((REPO / "sdk" / "nodejs" / "package.json").read_text())
VERSION = PACKAGE["version"]
TARBALL = f"{PACKAGE['name'].lstrip('@').replace('/', '-')}-{VERSION}.tgz"


def checked(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = run_bounded(command, cwd, env or dict(os.environ), None)
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def tool_dir(script: str) -> str:
    """The directory that scripts/install-pulumi-style SCRIPT prints last (cached, quick)."""
    return checked([str(REPO / "scripts" / script)], REPO).strip().splitlines()[-1]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    # An account's first realm is its default, which Bandwidth never deletes: as on a
    # real account, the stack's realm is not the first.
    box.add_realm_out_of_band("main", default=True)
    with box.running(host="127.0.0.1", port=0):
        yield box


@pytest.fixture(scope="module")
def stack(
    sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory, release_dist: Path
) -> PulumiStack:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is not installed: install Node.js 18 or newer (https://nodejs.org)")
    outside = tmp_path_factory.mktemp("typescript-user")
    dist = outside / "dist"
    shutil.copytree(release_dist, dist)
    tarball = dist / TARBALL

    stack = PulumiStack(outside, PROGRAM, "bw-e2e-typescript", runtime="nodejs")
    path = [tool_dir("install-nodejs-host")]
    archive = dist / f"pulumi-resource-bandwidth-v{VERSION}-linux-amd64.tar.gz"
    stack.run("plugin", "install", "resource", "bandwidth", f"v{VERSION}", "--file", str(archive))
    # A user's shell: the CLI, node and the system's tools; nothing of the checkout's .venv.
    for tool in (stack.cli, npm):
        path.append(str(Path(tool).parent))
    stack.env["PATH"] = os.pathsep.join([*path, "/usr/local/bin", "/usr/bin", "/bin"])
    project = stack.project_dir
    (project / "package.json").write_text(
        json.dumps({"name": "bw-e2e-typescript", "main": "index.ts", "private": True})
    )
    quiet = ["--no-audit", "--no-fund", "--loglevel=error"]
    checked([npm, "install", *quiet, str(tarball), *NPM_PACKAGES], project)
    checked([npm, "install", *quiet, "--save-dev", *NPM_DEV_PACKAGES], project)

    stack.run("stack", "init", "typescript")
    configure_provider(stack, sandbox)
    stack.set_config("realmName", REALM_NAME)
    stack.set_config("defaultRealm", DEFAULT_REALM)
    stack.set_config("bridgeUsername", "twilio-bridge")
    stack.set_config("phonePassword", PASSWORDS["phone"], secret=True)
    stack.set_config("bridgePassword", PASSWORDS["bridge-1"], secret=True)
    return stack


def the_realm(sandbox: Sandbox) -> RealmRecord:
    [realm] = [realm for realm in sandbox.api_realms() if realm.name == REALM_NAME]
    return realm


def writes(sandbox: Sandbox, since: int) -> list[str]:
    return [
        r.method for r in sandbox.requests[since:] if "/accounts/" in r.path and r.method != "GET"
    ]


def test_the_project_holds_no_path_into_the_checkout(stack: PulumiStack) -> None:
    project = stack.project_dir
    for name in ("Pulumi.yaml", "package.json", "package-lock.json", "tsconfig.json"):
        assert str(REPO) not in (project / name).read_text(), name
    installed = project / "node_modules" / "@bw-pulumi" / "bandwidth"
    assert not installed.is_symlink()
    assert (installed / "index.js").is_file() and (installed / "index.d.ts").is_file()
    assert not list(installed.rglob("*.ts")) or all(
        p.name.endswith(".d.ts") for p in installed.rglob("*.ts")
    )


def test_the_program_compiles_with_tsc(stack: PulumiStack) -> None:
    tsc = stack.project_dir / "node_modules" / ".bin" / "tsc"
    checked([str(tsc), "--noEmit"], stack.project_dir)


def test_up_creates_the_realm_and_credentials(stack: PulumiStack, sandbox: Sandbox) -> None:
    result = stack.run("up", "--yes")
    realm = the_realm(sandbox)
    fqdn = realm.fqdn
    phones = sandbox.realm_credentials(realm.id)
    expected_phone = compute_hashes("ext100", PASSWORDS["phone"], fqdn)
    assert [(c.user_name, c.hash1, c.hash1b) for c in phones] == [
        ("ext100", expected_phone.hash1, expected_phone.hash1b)
    ]
    bridge = compute_hashes("twilio-bridge", PASSWORDS["bridge-1"], DEFAULT_REALM)
    assert {(c.composite_username, c.hash1, c.hash1b) for c in sandbox.credentials()} == {
        (bridge.composite_username, bridge.hash1, bridge.hash1b)
    }
    outputs = stack.export()["deployment"]["resources"][0]["outputs"]
    assert outputs["realmFqdn"] == fqdn
    assert outputs["bridgeComposite"] == "twilio-bridge"
    assert "+ 4 created" in result.stdout  # the stack, the realm, two credentials


def test_preview_right_after_is_quiet_and_calls_no_api(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    before = len(sandbox.requests)
    stack.run("preview", "--expect-no-changes")
    assert [r.path for r in sandbox.requests[before:] if "/accounts/" in r.path] == []


def test_rotation_is_one_put(stack: PulumiStack, sandbox: Sandbox) -> None:
    urn_before = stack.resources()["bridge"]["urn"]
    stack.set_config("bridgePassword", PASSWORDS["bridge-2"], secret=True)
    preview = stack.run("preview", "--diff")
    assert "~ password: [secret] => [secret]" in preview.stdout
    before = len(sandbox.requests)
    stack.run("up", "--yes", "--skip-preview")
    assert writes(sandbox, before) == ["PUT"]
    rotated = compute_hashes("twilio-bridge", PASSWORDS["bridge-2"], DEFAULT_REALM)
    [held] = sandbox.credentials()
    assert (held.hash1, held.hash1b) == (rotated.hash1, rotated.hash1b)
    assert stack.resources()["bridge"]["urn"] == urn_before
    stack.run("preview", "--expect-no-changes")


def test_state_and_output_hold_no_secret_in_plain_text(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    exported = json.dumps(stack.export())
    secrets = [*PASSWORDS.values(), sandbox.config.client_secret]
    for output in [exported, *stack.transcript]:
        for secret in secrets:
            assert secret not in output
    assert "ciphertext" in exported


def test_destroy_leaves_the_sandbox_as_it_was(stack: PulumiStack, sandbox: Sandbox) -> None:
    stack.run("destroy", "--yes", "--skip-preview")
    assert sandbox.credentials() == []
    assert [realm.name for realm in sandbox.api_realms()] == ["main"]
    assert stack.resources() == {}


def test_the_language_host_reports_the_packages_plugin(stack: PulumiStack) -> None:
    """The host's GetRequiredPlugins, as `pulumi about` shows it: the plugin that the
    package.json of @bw-pulumi/bandwidth names, at the package's version."""
    manifest = stack.project_dir / "node_modules" / "@bw-pulumi" / "bandwidth" / "package.json"
    version = json.loads(manifest.read_text())["pulumi"]["version"]
    about = json.loads(stack.run("about", "--json").stdout)
    plugins = {(p["kind"], p["name"], p["version"]) for p in about["plugins"]}
    assert ("resource", "bandwidth", version) in plugins
    [host_version] = [v for kind, name, v in plugins if (kind, name) == ("language", "nodejs")]
    assert host_version.startswith("3."), "GetPluginInfo: the Pulumi SDK version it was built with"
