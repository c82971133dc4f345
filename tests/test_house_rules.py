"""House rules read off the source, so they hold without anyone remembering them.

The sandbox is an independent reading of Bandwidth's reference: if it imported the client's
rules, codes or wire format, a mistake there would be made twice and no test would see it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SANDBOX = Path(__file__).resolve().parent.parent / "bw_pulumi" / "sandbox"
DYNAMIC_IMPORTS = {"import_module", "__import__"}


def leaves_the_sandbox(module: str) -> bool:
    """A module of bw_pulumi outside bw_pulumi.sandbox (bw_pulumi itself included)."""
    inside = module == "bw_pulumi.sandbox" or module.startswith("bw_pulumi.sandbox.")
    return (module == "bw_pulumi" or module.startswith("bw_pulumi.")) and not inside


def resolve_relative(package: str, level: int, module: str) -> str:
    """The absolute name ``from <level dots><module>`` names inside ``package``."""
    parts = package.split(".")
    base = parts[: len(parts) - (level - 1)] if level - 1 < len(parts) else []
    return ".".join([*base, module] if module else base)


def imports_outside_the_sandbox(source: str, package: str = "bw_pulumi.sandbox") -> list[str]:
    """Every import in a module of ``package`` (bw_pulumi/sandbox or a folder of it) that
    reaches the rest of bw_pulumi: absolute, relative past the sandbox (``from .. import x``
    at its top, ``from ... import x`` in its folders) or dynamic, anywhere in the module
    (imports inside functions count too)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [
                f"{node.lineno}: import {a.name}" for a in node.names if leaves_the_sandbox(a.name)
            ]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            absolute = resolve_relative(package, node.level, module) if node.level else module
            if leaves_the_sandbox(absolute):
                found.append(f"{node.lineno}: from {'.' * node.level}{module} import ...")
        elif isinstance(node, ast.Call) and _called_name(node.func) in DYNAMIC_IMPORTS:
            target = (
                node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
            )
            if isinstance(target, str) and leaves_the_sandbox(target):
                found.append(f"{node.lineno}: {_called_name(node.func)}({target!r})")
    return found


def _called_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def sandbox_modules() -> list[Path]:
    return sorted(SANDBOX.rglob("*.py"))


def package_of(path: Path) -> str:
    """``bw_pulumi.sandbox`` or its folder's package (``bw_pulumi.sandbox.core``)."""
    return ".".join(["bw_pulumi", *path.parent.relative_to(SANDBOX.parent).parts])


def test_the_sandbox_imports_nothing_from_the_rest_of_bw_pulumi() -> None:
    assert len(sandbox_modules()) >= 5
    offences = {
        str(path.relative_to(SANDBOX)): found
        for path in sandbox_modules()
        if (found := imports_outside_the_sandbox(path.read_text(), package_of(path)))
    }
    assert offences == {}


@pytest.mark.parametrize(
    "source",
    [
        "from bw_pulumi.resources.sip_credential.rules import compute_hashes",
        "import bw_pulumi.resources.sip_credential.account_api",
        "import json, bw_pulumi.api.xml as wire",
        "from bw_pulumi import errors",
        "from .. import domain",
        "from ..codes import CREDENTIAL_EXISTS",
        "def later():\n    from bw_pulumi.resources.sip_credential.models import Credential",
        "importlib.import_module('bw_pulumi.api.xml')",
        "__import__('bw_pulumi')",
    ],
)
def test_each_way_out_is_caught(source: str) -> None:
    assert len(imports_outside_the_sandbox(source)) == 1


@pytest.mark.parametrize(
    "source", ["from ... import domain", "from ...codes import CREDENTIAL_EXISTS"]
)
def test_each_way_out_of_a_sandbox_folder_is_caught(source: str) -> None:
    assert len(imports_outside_the_sandbox(source, "bw_pulumi.sandbox.realms")) == 1


@pytest.mark.parametrize(
    "source",
    ["from ..credentials import rules", "from ..core.http import Reply", "from . import xml"],
)
def test_imports_between_sandbox_folders_pass(source: str) -> None:
    assert imports_outside_the_sandbox(source, "bw_pulumi.sandbox.realms") == []


@pytest.mark.parametrize(
    "source",
    [
        "from .rules import ApiError",
        "from . import rules",
        "from bw_pulumi.sandbox.credentials.models import StoredCredential",
        "import bw_pulumi.sandbox.core.http",
        "import json\nfrom defusedxml import DefusedXmlException",
        "import bw_pulumi_extras",
    ],
)
def test_imports_within_the_sandbox_pass(source: str) -> None:
    assert imports_outside_the_sandbox(source) == []


#: Which sandbox folders each folder may import: core knows no resource, a resource knows
#: core (realms also reuse the credential field rules), and only the modules at the top
#: (state, api, registry, control, server, ...) assemble them all.
SANDBOX_LAYERS = {"core": {"core"}, "credentials": {"core", "credentials"}}
SANDBOX_LAYERS["realms"] = {"core", "credentials", "realms"}


def sandbox_folder_imports(path: Path) -> set[str]:
    """The sandbox folders (or "top" for a module at its top) a module imports from."""
    package = package_of(path)
    reached = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            absolute = resolve_relative(package, node.level, node.module or "")
            top = absolute == "bw_pulumi.sandbox"  # from .. import x: x names the module
            for name in [f"{absolute}.{a.name}" for a in node.names] if top else [absolute]:
                parts = name.split(".")
                if len(parts) > 2 and parts[:2] == ["bw_pulumi", "sandbox"]:
                    reached.add(parts[2] if (SANDBOX / parts[2]).is_dir() else "top")
    return reached


def test_sandbox_folders_import_downwards_only() -> None:
    offences = {
        str(path.relative_to(SANDBOX)): sorted(reached - SANDBOX_LAYERS[path.parent.name])
        for path in sandbox_modules()
        if path.parent != SANDBOX
        and (reached := sandbox_folder_imports(path)) - SANDBOX_LAYERS[path.parent.name]
    }
    assert offences == {}
