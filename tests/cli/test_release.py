"""One version, one home: pyproject.toml's version is what every artifact states, and its
``Source`` URL is where the schema's pluginDownloadURL and the Go SDK's module point.

Fast, no network: these read the committed files and the installed metadata (and start
the plugin once, for its GetPluginInfo)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support.native_process import NativeProcess

import bw_pulumi
from bw_pulumi import about
from bw_pulumi.cli import main as cli
from bw_pulumi.native import schema

REPO = Path(__file__).resolve().parents[2]
SDK = REPO / "sdk"


def pyproject_version() -> str:
    """``[project] version`` read from the file itself, not from the installed metadata
    (which an install made before an edit would keep stale)."""
    text = (REPO / "pyproject.toml").read_text()
    project = text.split("[project]", 1)[1].split("\n[", 1)[0]
    found = re.search(r'^version = "([^"]+)"$', project, re.MULTILINE)
    assert found, "pyproject.toml has no [project] version"
    return found.group(1)


VERSION = pyproject_version()


def test_the_installed_package_is_this_version() -> None:
    # A stale editable install would make every check below compare against old metadata.
    assert about.version() == VERSION, "pyproject.toml changed: run scripts/bootstrap"


def test_the_package_and_the_command_say_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert bw_pulumi.__version__ == VERSION
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"bw-pulumi {VERSION}\n"


def test_the_schema_and_every_sdk_state_the_version() -> None:
    stated = {
        "sdk/schema.json": json.loads((SDK / "schema.json").read_text())["version"],
        "schema.generate()": schema.generate()["version"],
        "sdk/nodejs/package.json": json.loads((SDK / "nodejs" / "package.json").read_text())[
            "version"
        ],
        "sdk/dotnet/version.txt": (SDK / "dotnet" / "version.txt").read_text().strip(),
    }
    for plugin_json in sorted(SDK.glob("*/**/pulumi-plugin.json")):
        stated[str(plugin_json.relative_to(REPO))] = json.loads(plugin_json.read_text())["version"]
    python_sdk = (SDK / "python" / "pyproject.toml").read_text()
    python_versions = re.findall(r'^\s*version = "([^"]+)"', python_sdk, re.M)
    stated["sdk/python/pyproject.toml"] = python_versions[0]
    csproj = (SDK / "dotnet" / "BwPulumi.Bandwidth.csproj").read_text()
    stated["sdk/dotnet/*.csproj"] = re.findall(r"<Version>([^<]+)</Version>", csproj)[0]
    go_utilities = (SDK / "go" / "bandwidth" / "internal" / "pulumiUtilities.go").read_text()
    for go_version in set(re.findall(r'semver\.MustParse\("([^"]+)"\)', go_utilities)):
        stated["sdk/go/.../pulumiUtilities.go"] = go_version
    assert len(stated) >= 10
    drifted = {where: version for where, version in stated.items() if version != VERSION}
    assert drifted == {}, f"pyproject.toml says {VERSION}: run scripts/gen-sdk"


def test_the_python_sdk_depends_on_this_exact_bw_pulumi() -> None:
    python_sdk = (SDK / "python" / "pyproject.toml").read_text()
    dependencies = json.loads(re.findall(r"^\s*dependencies = (\[.*\])$", python_sdk, re.M)[0])
    assert f"bw-pulumi=={VERSION}" in dependencies


def test_the_plugin_serves_the_version() -> None:
    with NativeProcess() as plugin:
        assert plugin.plugin_version() == VERSION


def test_downloads_and_the_go_module_follow_the_source_url() -> None:
    owner_and_name = about.source_repository()
    assert about.project_urls()["Source"] == f"https://github.com/{owner_and_name}"
    committed = json.loads((SDK / "schema.json").read_text())
    assert committed["pluginDownloadURL"] == f"github://api.github.com/{owner_and_name}"
    go_mod = (SDK / "go.mod").read_text().splitlines()[0]
    assert go_mod == f"module github.com/{owner_and_name}/sdk" == f"module {about.go_module()}"
    assert committed["language"]["go"]["importBasePath"].startswith(about.go_module() + "/")


def test_the_license_is_the_apache_license_the_metadata_names() -> None:
    text = (REPO / "LICENSE").read_text()
    assert text.lstrip().startswith("Apache License\n")
    assert "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert len(text.splitlines()) > 150
    assert 'license = "Apache-2.0"' in (REPO / "pyproject.toml").read_text()


def test_the_package_index_description_has_no_repository_paths() -> None:
    text = (REPO / "docs" / "package-index.md").read_text()
    relative_links = re.findall(r"\]\((?!https?://)([^)]+)\)", text)
    assert relative_links == []
    assert "pip install -e" not in text
    assert "scripts/" not in text and ".venv" not in text
