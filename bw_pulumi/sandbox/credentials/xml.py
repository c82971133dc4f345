"""XML in and out for account-level SIP credentials (``SipCredential`` bodies and the
``SipCredentialsResponse``/``SipCredentialResponse`` answers). The generic parts (parsing
with ``defusedxml``, ``ResponseStatus``, error documents) are ``core/xml.py``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from xml.etree.ElementTree import Element, SubElement

from ..core.xml import CHECK_INPUT, BodyError, add_text, parse_root, response_status, to_bytes
from .models import CREDENTIAL_ELEMENTS, StoredCredential
from .rules import Submitted
from .store import CreateOutcome

# -- parsing --------------------------------------------------------------------------


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


def credential_element(parent: Element, credential: StoredCredential | Submitted) -> Element:
    """A ``SipCredential`` child of ``parent`` with the fields that are set. A
    ``Submitted`` entry is echoed as the real API does in ``Errors`` (hashes included)."""
    element = SubElement(parent, "SipCredential")
    for tag, name in CREDENTIAL_ELEMENTS:
        value = getattr(credential, name)
        if value is not None:
            add_text(element, tag, value)
    return element


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
    add_text(error, "ErrorCode", str(outcome.error.code))
    add_text(error, "Description", outcome.error.description)
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
        add_text(links_element, rel, f'Link=<{url}>;rel="{rel}";')
    listing = SubElement(root, "SipCredentials")
    for credential in credentials:
        credential_element(listing, credential)
    return to_bytes(root)
