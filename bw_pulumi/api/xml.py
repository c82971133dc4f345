"""What every XML body of Bandwidth's API shares: parsing, error bodies, links, helpers.

Each resource's element names live in its own ``xml`` module
(``bw_pulumi.resources.<resource>.xml``). Bodies from the network are parsed with
``defusedxml`` (no entity expansion, no external entities).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, tostring

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

XML_CONTENT_TYPE = "application/xml; charset=utf-8"
_LINK_URL = re.compile(r"<([^>]+)>")


@dataclass(frozen=True)
class EntryError:
    """One entry of an ``Errors`` list: why Bandwidth refused one entry of a bulk write
    (and the username it names, when the entry carries one)."""

    code: str
    description: str
    composite_username: str | None


class WireFormatError(ValueError):
    """A body that is not the XML the API documents. Never carries the body itself."""


@dataclass(frozen=True)
class ApiErrorDetail:
    """The error codes and descriptions found in an error body."""

    codes: tuple[str, ...]
    description: str
    entries: tuple[EntryError, ...]
    #: The body was Bandwidth's XML envelope (it has a ``ResponseStatus``).
    has_envelope: bool = False


def decode_error(body: bytes) -> ApiErrorDetail:
    """Codes and descriptions from any documented error shape (ResponseStatus and/or Errors)."""
    root = parse(body, None)
    status = root.find(".//ResponseStatus")
    entries = entry_errors(root)
    codes: list[str] = []
    descriptions: list[str] = []
    if status is not None:
        collect(codes, text(status, "ErrorCode"))
        collect(descriptions, text(status, "Description"))
    for entry in entries:
        collect(codes, entry.code)
        collect(descriptions, entry.description)
    return ApiErrorDetail(
        tuple(codes), "; ".join(descriptions), entries, has_envelope=status is not None
    )


def holds_error_code(body: bytes) -> bool:
    """A successful status whose body still reports ``ResponseStatus/ErrorCode``: Bandwidth
    answers some failures so (live-verified by Bandwidth's CLI), and they are failures."""
    if b"ErrorCode" not in body:  # cheap: most bodies are plain results
        return False
    try:
        root = parse(body, None)
    except WireFormatError:
        return False
    return any((node.text or "").strip() for node in root.iterfind(".//ResponseStatus/ErrorCode"))


def entry_errors(root: Element) -> tuple[EntryError, ...]:
    errors = []
    for node in root.iterfind("Errors/Error"):
        submitted = node.find("SipCredential")
        user = text(submitted, "UserName") if submitted is not None else None
        domain = text(submitted, "Domain") if submitted is not None else None
        composite = f"{user}@{domain}" if user and domain else user
        errors.append(
            EntryError(
                code=text(node, "ErrorCode") or "",
                description=text(node, "Description") or "",
                composite_username=composite,
            )
        )
    return tuple(errors)


def boolean(node: Element, tag: str) -> bool:
    value = (text(node, tag) or "false").lower()
    if value not in ("true", "false"):
        raise WireFormatError(f"{tag} is neither true nor false")
    return value == "true"


def link(value: str | None) -> str | None:
    """Bandwidth writes links as ``Link=<url>;rel="next";``; accept a bare URL too."""
    if not value or not value.strip():
        return None
    match = _LINK_URL.search(value)
    return match.group(1) if match else value.strip()


def parse(body: bytes, expected_root: str | None) -> Element:
    try:
        root: Element = SafeET.fromstring(body)
    except (SafeET.ParseError, DefusedXmlException) as error:
        raise WireFormatError(
            f"response body is not well-formed XML ({type(error).__name__})"
        ) from None
    if expected_root is not None and root.tag != expected_root:
        raise WireFormatError(f"expected a {expected_root} element, got {root.tag}")
    return root


def text(node: Element | None, tag: str) -> str | None:
    """Trimmed text of a child element; absent or blank is None (the API pads values)."""
    if node is None:
        return None
    value = node.findtext(tag)
    return value.strip() or None if value is not None else None


def collect(into: list[str], value: str | None) -> None:
    if value and value not in into:
        into.append(value)


def add(parent: Element, tag: str, value: str | None) -> None:
    if value is not None:
        SubElement(parent, tag).text = value


def serialize(root: Element) -> bytes:
    body: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return body
