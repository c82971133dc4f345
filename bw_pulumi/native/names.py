"""Property names: snake_case in the core and the dynamic resources, camelCase in the
package (as Pulumi packages name them). The conversion happens here and nowhere else."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TypeVar

V = TypeVar("V")

_UPPER = re.compile(r"(?<!^)([A-Z])")
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
    ``known`` snake_case names are touched: other words with '_' stay as they are)."""
    names = set(known)
    return _SNAKE_WORD.sub(
        lambda match: to_camel(match[0]) if match[0] in names else match[0], text
    )
