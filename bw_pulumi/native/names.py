"""Property names: snake_case in the core and the dynamic resources, camelCase in the
package (as Pulumi packages name them). The conversion happens here and nowhere else."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import TypeVar

V = TypeVar("V")

_UPPER = re.compile(r"(?<!^)([A-Z])")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_JSON = json.JSONDecoder()
_QUOTED = re.compile(r'("(?:[^"\\]|\\.)*")')
_SNAKE_WORD = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def to_camel(name: str) -> str:
    """``http_voice_v2_app_id`` -> ``httpVoiceV2AppId``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def to_snake(name: str) -> str:
    """``httpVoiceV2AppId`` -> ``http_voice_v2_app_id``."""
    return _UPPER.sub(r"_\1", name).lower()


def camel_keys(values: Mapping[str, V]) -> dict[str, V]:
    return {to_camel(key): value for key, value in values.items()}


def snake_keys(values: Mapping[str, V]) -> dict[str, V]:
    return {to_snake(key): value for key, value in values.items()}


def camel_text(text: str, known: Iterable[str]) -> str:
    """A message of the core with the property names it mentions in camelCase (only the
    ``known`` snake_case names are touched: other words with '_' stay as they are, and so
    does anything in double quotes, a map's key in a path such as ``credentials["a_b"]``)."""
    names = set(known)
    parts = _QUOTED.split(text)  # a double-quoted part is a user's map key: as written
    return "".join(
        part
        if index % 2
        else _SNAKE_WORD.sub(
            lambda match: to_camel(match[0]) if match[0] in names else match[0], part
        )
        for index, part in enumerate(parts)
    )


def camel_path(path: str) -> str:
    """A property path (``credentials["phone_1"].http_voice_v2_app_id``) with its property
    and field names in camelCase; a map's key (quoted, JSON) or an index stays as it is."""
    parts, at = [], 0
    while at < len(path):
        if path[at] == "[" and path[at + 1 : at + 2] == '"':
            _key, end = _JSON.raw_decode(path, at + 1)
            close = path.index("]", end) + 1
            parts.append(path[at:close])
        elif path[at] == "[":
            close = path.index("]", at) + 1
            parts.append(path[at:close])
        else:
            dot = "." if path[at] == "." else ""
            name = _NAME.match(path, at + len(dot))
            if name is None:
                raise ValueError(f"not a property path: {path!r}")
            parts.append(dot + to_camel(name[0]))
            close = name.end()
        at = close
    return "".join(parts)
