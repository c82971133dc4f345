"""The code in README.md and docs/*.md is code the product accepts.

Python blocks compile, and their calls of ``SipCredential``, ``SipRealm`` and ``Provider``
pass only properties the package schema has (the dynamic resources share the same
definitions). Pulumi YAML programs use the package's types with its properties and every
required one. The Go example of docs/_index.md builds against sdk/go:
tests/cli/test_docs_examples.py.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SCHEMA: dict[str, Any] = json.loads((REPO / "sdk" / "schema.json").read_text())
_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>\w+)\n(?P<body>.*?)^(?P=indent)```", re.M | re.S
)


def blocks(language: str) -> list[tuple[str, str]]:
    """(where, code) of every fenced block of ``language`` in the documents."""
    found = []
    for path in DOCUMENTS:
        text = path.read_text()
        for match in _BLOCK.finditer(text):
            if match.group("lang") == language:
                line = text.count("\n", 0, match.start()) + 1
                where = f"{path.relative_to(REPO)}:{line}"
                indent = match.group("indent")
                body = "\n".join(
                    row.removeprefix(indent) for row in match.group("body").splitlines()
                )
                found.append((where, body))
    return found


def camel(snake: str) -> str:
    first, *rest = snake.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def inputs(kind: str) -> set[str]:
    if kind == "Provider":
        return set(SCHEMA["provider"]["inputProperties"])
    return set(SCHEMA["resources"][f"bandwidth:index:{kind}"]["inputProperties"])


def unknown_python_properties(code: str) -> list[str]:
    """Keyword arguments of the resources' constructors that the schema does not have."""
    unknown = []
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in ("SipCredential", "SipRealm", "Provider"):
            continue
        for keyword in node.keywords:
            if keyword.arg not in (None, "opts") and camel(keyword.arg) not in inputs(name):
                unknown.append(f"{name}({keyword.arg}=...)")
    return unknown


def yaml_program_problems(program: dict[str, Any]) -> list[str]:
    problems = []
    for name, resource in (program.get("resources") or {}).items():
        kind = str(resource["type"]).split(":")[-1]
        if not str(resource["type"]).startswith("bandwidth:"):
            continue
        token = f"bandwidth:index:{kind}"
        if token not in SCHEMA["resources"]:
            problems.append(f"{name}: no type {resource['type']}")
            continue
        given = set(resource.get("properties") or {})
        schema = SCHEMA["resources"][token]
        problems += [f"{name}: no property {p}" for p in given - set(schema["inputProperties"])]
        missing = set(schema.get("requiredInputs", [])) - given
        problems += [f"{name}: {p} is required" for p in sorted(missing)]
    return problems


def params(language: str) -> list[Any]:
    return [pytest.param(code, id=where) for where, code in blocks(language)]


@pytest.mark.parametrize("code", params("python"))
def test_python_examples_compile_and_use_known_properties(code: str) -> None:
    assert unknown_python_properties(code) == []


@pytest.mark.parametrize("code", params("yaml"))
def test_yaml_programs_use_the_package_as_its_schema_says(code: str) -> None:
    assert yaml_program_problems(yaml.safe_load(code)) == []


def test_the_checks_catch_a_wrong_property() -> None:
    assert unknown_python_properties("SipCredential('a', user_name='x', realm_id='1')") == [
        "SipCredential(user_name=...)"
    ]
    program = {"resources": {"a": {"type": "bandwidth:SipRealm", "properties": {"fqdn": "x"}}}}
    assert yaml_program_problems(program) == ["a: no property fqdn", "a: name is required"]
    assert len(blocks("python")) >= 4 and len(blocks("yaml")) >= 4
