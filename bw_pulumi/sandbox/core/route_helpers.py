"""Small pieces shared by the route modules: standard error replies, the XML body
check and list paging (``page``/``size``, the 303 to the first page, page links)."""

from __future__ import annotations

from typing import Final
from urllib.parse import parse_qsl, urlencode

from .http import Reply, Request, xml_reply
from .xml import error_document

ERROR_ROOT: Final = "ErrorResponse"
DEFAULT_PAGE_SIZE: Final = 500
XML_MEDIA_TYPES: Final = frozenset({"application/xml", "text/xml"})


def not_found_route() -> Reply:
    return xml_reply(404, error_document(ERROR_ROOT, "Resource not found"))


def method_not_allowed(allowed: str) -> Reply:
    body = error_document(ERROR_ROOT, "Method not allowed")
    return xml_reply(405, body, ("Allow", allowed))


def require_xml(request: Request, root_tag: str) -> Reply | None:
    """Bodies must be declared XML (the reference: all bodies are XML)."""
    if request.media_type() in XML_MEDIA_TYPES:
        return None
    description = "Content-Type must be application/xml"
    return xml_reply(415, error_document(root_tag, description))


class Paging:
    """The query of a list request: its parameters in order and as a dict."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.params = parse_qsl(request.query, keep_blank_values=True)
        self.given = dict(self.params)

    def first_page_redirect(self) -> Reply | None:
        """Without ``page``: 303 to the same URL plus ``page=1&size=<given or 500>``."""
        if "page" in self.given:
            return None
        location = self.url("1", self.given.get("size", str(DEFAULT_PAGE_SIZE)))
        return Reply(303, b"", None, (("Location", location),))

    def page_and_size(self) -> tuple[int, int]:
        """Raises ``ValueError`` naming the parameter when it is not a positive integer."""
        return positive_int(self.given, "page"), positive_int(self.given, "size", DEFAULT_PAGE_SIZE)

    def url(self, page: str, size: str) -> str:
        return page_url(self.request, self.params, page, size)

    def links(self, page: int, size: int, total: int) -> list[tuple[str, str]]:
        """``first`` always, ``next`` while more items remain after this page."""
        links = [("first", self.url("1", str(size)))]
        if page * size < total:
            links.append(("next", self.url(str(page + 1), str(size))))
        return links


def positive_int(given: dict[str, str], name: str, default: int | None = None) -> int:
    raw = given.get(name)
    if raw is None and default is not None:
        return default
    if raw is None or not raw.isdecimal() or int(raw) < 1:
        raise ValueError(f"{name} must be a positive integer")
    return int(raw)


def page_url(request: Request, params: list[tuple[str, str]], page: str, size: str) -> str:
    """Absolute URL of the same listing with ``page``/``size`` (other params kept)."""
    kept = [(k, v) for k, v in params if k not in ("page", "size")]
    query = urlencode([*kept, ("page", page), ("size", size)])
    return f"http://{request.host}{request.path}?{query}"
