"""The release's identity, read from the installed package's metadata: its version
(pyproject.toml's, the one source) and where the project lives (its ``Source`` URL).

Everything that states a version or a download location derives from here: ``bw-pulumi
--version``, ``bw_pulumi.__version__``, the plugin's ``GetPluginInfo``, the package schema
(and so every generated SDK), its ``pluginDownloadURL`` and the Go SDK's module path.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, metadata
from urllib.parse import urlsplit

DISTRIBUTION = "bw-pulumi"
#: What ``version()`` answers when bw_pulumi is imported from a tree that was never
#: installed (no metadata): a version no release carries, so a drift test fails on it.
UNINSTALLED = "0+unknown"


def version() -> str:
    try:
        return str(metadata(DISTRIBUTION)["Version"])
    except PackageNotFoundError:
        return UNINSTALLED


def project_urls() -> dict[str, str]:
    """The ``[project.urls]`` of pyproject.toml, by label."""
    urls: dict[str, str] = {}
    for entry in metadata(DISTRIBUTION).get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        urls[label.strip()] = url.strip()
    return urls


def source_repository() -> str:
    """``OWNER/NAME`` of the GitHub repository the ``Source`` URL names."""
    source = urlsplit(project_urls()["Source"])
    if source.netloc != "github.com":
        raise ValueError(f"pyproject.toml's Source URL must be on github.com: {source.geturl()}")
    return source.path.strip("/")


def plugin_download_url() -> str:
    """Pulumi's ``github://`` scheme: the engine fetches
    ``pulumi-resource-bandwidth-v<v>-<os>-<arch>.tar.gz`` from release ``v<v>``'s assets."""
    return f"github://api.github.com/{source_repository()}"


def go_module() -> str:
    """The Go SDK's module path (sdk/go.mod), tagged ``sdk/v<v>`` for ``go get``."""
    return f"github.com/{source_repository()}/sdk"
