"""The house drawn from its imports: every arrow points down a layer, and no cycle.

Layers, lowest first (README's map of the house, CONTRIBUTING.md):

0. ``about``, ``sip`` and ``sandbox``: need nothing else of bw_pulumi (the sandbox's own
   rule is in test_house_rules.py);
1. ``api``: HTTP, auth, retries, errors, XML and paging; knows no resource;
2. ``resources``: each resource's definition, rules, API and operations; no Pulumi front door;
3. ``config``: the provider's settings;
4. the front doors: ``provider``, ``resource``, ``sdk_fixes`` (the dynamic provider) and
   ``native`` (the package provider);
5. ``cli``, and the package itself (``bw_pulumi/__init__.py``).

Within ``resources``, one resource's folder may use another's (a set of credentials uses
the credential's rules), but never in a circle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "bw_pulumi"
LAYERS = {
    "about": 0,
    "sip": 0,
    "sandbox": 0,
    "api": 1,
    "resources": 2,
    "config": 3,
    "provider": 4,
    "resource": 4,
    "sdk_fixes": 4,
    "native": 4,
    "cli": 5,
    "": 5,
}


def module_names() -> dict[str, Path]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        names[name] = path
    return names


MODULES = module_names()


def imported_modules(name: str) -> Iterator[str]:
    """The bw_pulumi modules ``name`` imports, anywhere in it (functions included):
    ``from pkg import sub`` counts as importing the module ``pkg.sub`` when there is one."""
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(MODULES[name].read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name in MODULES)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            if base not in MODULES:
                continue
            subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES]
            yield from subs or [base]


def layer(name: str) -> int:
    top = name.split(".")[1] if "." in name else ""
    return LAYERS[top]


def arrows() -> list[tuple[str, str]]:
    return [(a, b) for a in MODULES for b in imported_modules(a) if b != a]


def test_every_module_has_a_layer() -> None:
    assert len(MODULES) > 60
    unplaced = [name for name in MODULES if [*name.split("."), ""][1] not in LAYERS]
    assert unplaced == []


def test_no_arrow_points_up() -> None:
    upward = [f"{a} -> {b}" for a, b in arrows() if layer(b) > layer(a)]
    assert upward == []


def test_the_api_layer_names_no_resource() -> None:
    api = [(a, b) for a, b in arrows() if a.startswith("bw_pulumi.api")]
    assert api and all(b.startswith("bw_pulumi.api") for _, b in api)


def test_no_module_is_in_a_cycle() -> None:
    assert cycles(arrows()) == []


def test_resource_folders_depend_on_each_other_without_a_cycle() -> None:
    folders = [
        (folder_of(a), folder_of(b))
        for a, b in arrows()
        if folder_of(a) and folder_of(b) and folder_of(a) != folder_of(b)
    ]
    assert cycles(folders) == []


def folder_of(name: str) -> str | None:
    parts = name.split(".")
    if len(parts) > 3 and parts[1] == "resources":
        return parts[2]
    return None


def cycles(edges: list[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components with more than one member (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ([("a", "b"), ("b", "c")], []),
        ([("a", "b"), ("b", "a")], [["a", "b"]]),
        ([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")], [["a", "b", "c"]]),
    ],
)
def test_the_cycle_finder_finds_cycles(edges: list[tuple[str, str]], expected: list[str]) -> None:
    assert cycles(edges) == expected


def test_an_upward_arrow_would_be_seen() -> None:
    assert layer("bw_pulumi.api.transport") < layer("bw_pulumi.resources.client")
    assert layer("bw_pulumi.cli.main") > layer("bw_pulumi.provider")
    assert ("bw_pulumi.resources.client", "bw_pulumi.api.transport") in arrows()
