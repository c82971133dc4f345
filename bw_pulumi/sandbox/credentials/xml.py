"""XML in and out. Request bodies are parsed only with ``defusedxml`` (no entities, no
DTDs); responses are built with ``xml.etree.ElementTree`` and carry a declaration."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final
from xml.etree.ElementTree import Element, ParseError, SubElement, tostring

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ..core.state import CreateOutcome
from .models import CREDENTIAL_ELEMENTS, StoredCredential
from .rules import ApiError, Submitted

CHECK_INPUT: Final = "Please check your input parameters."


class BodyError(Exception):
    """The request body is not the XML document the route expects."""


def to_bytes(root: Element) -> bytes:
    document: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return document


# -- parsing --------------------------------------------------------------------------


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


def parse_submitted(element: Element) -> Submitted:
    """Read the known fields of a ``SipCredential``; unknown elements are ignored except
    password-like ones, which are remembered so the rules can refuse the entry.

    Text is taken verbatim (not stripped): the rules judge exactly what was sent, so a
    padded ``<UserName> bob </UserName>`` is refused rather than silently trimmed."""
    values: dict[str, str] = {}
    passwords: list[str] = []
    by_tag = dict(CREDENTIAL_ELEMENTS)
    for child in element:
        if "password" in child.tag.lower():
            passwords.append(child.tag)
        elif child.tag in by_tag:
            values.setdefault(by_tag[child.tag], child.text or "")
    return Submitted(**values, password_elements=tuple(passwords))


def parse_create_body(body: bytes) -> list[Submitted]:
    root = parse_root(body, "SipCredentials")
    entries = [parse_submitted(child) for child in root if child.tag == "SipCredential"]
    if not entries:
        raise BodyError("<SipCredentials> holds no <SipCredential>")
    return entries


def parse_update_body(body: bytes) -> Submitted:
    return parse_submitted(parse_root(body, "SipCredential"))


# -- building -------------------------------------------------------------------------


def _text(parent: Element, tag: str, text: str) -> Element:
    child = SubElement(parent, tag)
    child.text = text
    return child


def credential_element(parent: Element, credential: StoredCredential | Submitted) -> Element:
    """A ``SipCredential`` child of ``parent`` with the fields that are set. A
    ``Submitted`` entry is echoed as the real API does in ``Errors`` (hashes included)."""
    element = SubElement(parent, "SipCredential")
    for tag, name in CREDENTIAL_ELEMENTS:
        value = getattr(credential, name)
        if value is not None:
            _text(element, tag, value)
    return element


def response_status(parent: Element, description: str, code: int | None = None) -> Element:
    status = SubElement(parent, "ResponseStatus")
    if code is not None:
        _text(status, "ErrorCode", str(code))
    _text(status, "Description", description)
    return status


def error_document(root_tag: str, description: str, code: int | None = None) -> bytes:
    root = Element(root_tag)
    response_status(root, description, code)
    return to_bytes(root)


def api_error_document(root_tag: str, error: ApiError) -> bytes:
    return error_document(root_tag, error.description, error.code)


def create_response(outcomes: Sequence[CreateOutcome]) -> tuple[int, bytes]:
    """201 with ``Errors`` and/or ``ValidSipCredentials``; 400 with ``ResponseStatus``
    and ``Errors`` when no entry was created."""
    root = Element("SipCredentialsResponse")
    created = [o.created for o in outcomes if o.created is not None]
    if not created:
        response_status(root, CHECK_INPUT)
    failed = [o for o in outcomes if o.error is not None]
    if failed:
        errors = SubElement(root, "Errors")
        for outcome in failed:
            _error_element(errors, outcome)
    if created:
        valid = SubElement(root, "ValidSipCredentials")
        for credential in created:
            credential_element(valid, credential)
    return (201 if created else 400), to_bytes(root)


def _error_element(errors: Element, outcome: CreateOutcome) -> None:
    assert outcome.error is not None
    error = SubElement(errors, "Error")
    _text(error, "ErrorCode", str(outcome.error.code))
    _text(error, "Description", outcome.error.description)
    credential_element(error, outcome.submitted)


def single_response(credential: StoredCredential) -> bytes:
    root = Element("SipCredentialResponse")
    credential_element(root, credential)
    return to_bytes(root)


def list_response(
    credentials: Iterable[StoredCredential], links: Sequence[tuple[str, str]]
) -> bytes:
    """``links`` are (rel, absolute URL) pairs, rendered as ``Link=<URL>;rel="x";``."""
    root = Element("SipCredentialsResponse")
    links_element = SubElement(root, "Links")
    for rel, url in links:
        _text(links_element, rel, f'Link=<{url}>;rel="{rel}";')
    listing = SubElement(root, "SipCredentials")
    for credential in credentials:
        credential_element(listing, credential)
    return to_bytes(root)
