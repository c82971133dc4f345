"""XML in and out, whatever the resource. Request bodies are parsed only with
``defusedxml`` (no entities, no DTDs); responses are built with
``xml.etree.ElementTree`` and carry a declaration. A resource's own shapes are its
folder's ``xml.py``."""

from __future__ import annotations

from typing import Final
from xml.etree.ElementTree import Element, ParseError, SubElement, tostring

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from .errors import ApiError

CHECK_INPUT: Final = "Please check your input parameters."


class BodyError(Exception):
    """The request body is not the XML document the route expects."""


def to_bytes(root: Element) -> bytes:
    document: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def parse_root(body: bytes, expected: str) -> Element:
    if not body.strip():
        raise BodyError(f"a <{expected}> body is required")
    try:
        root: Element = SafeET.fromstring(body)
    except (ParseError, DefusedXmlException) as error:
        raise BodyError(f"malformed XML: {error}") from None
    if root.tag != expected:
        raise BodyError(f"expected a <{expected}> root element, got <{root.tag}>")
    return root


def children_named(body: bytes, root_tag: str, child_tag: str) -> int:
    """How many ``child_tag`` elements a ``root_tag`` body holds directly (0 when the body
    is empty, malformed or has another root): what the request log counts."""
    try:
        root = parse_root(body, root_tag)
    except BodyError:
        return 0
    return sum(1 for child in root if child.tag == child_tag)


def add_text(parent: Element, tag: str, text: str) -> Element:
    child = SubElement(parent, tag)
    child.text = text
    return child


def response_status(parent: Element, description: str, code: int | None = None) -> Element:
    status = SubElement(parent, "ResponseStatus")
    if code is not None:
        add_text(status, "ErrorCode", str(code))
    add_text(status, "Description", description)
    return status


def error_document(root_tag: str, description: str, code: int | None = None) -> bytes:
    root = Element(root_tag)
    response_status(root, description, code)
    return to_bytes(root)


def api_error_document(root_tag: str, error: ApiError) -> bytes:
    return error_document(root_tag, error.description, error.code)
