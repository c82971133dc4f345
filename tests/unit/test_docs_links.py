"""Every relative link and ``#anchor`` in README.md, CONTRIBUTING.md and docs/*.md leads
somewhere.

Anchors follow GitHub's heading slugs (github-slugger): the heading's rendered text, lower
case, every character that is not a letter, digit, ``_``, ``-`` or space removed, spaces
turned into ``-``; a slug seen before gets ``-1``, ``-2``... Links inside code (fenced blocks
and inline spans) are not links, and ``http(s):``/``mailto:`` targets are left to the web.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md"))]

_FENCE = re.compile(r"^\s*(```|~~~)")
_INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^(#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def prose_lines(text: str) -> list[str]:
    """The document's lines outside fenced code blocks and YAML front matter."""
    lines = text.splitlines()
    if lines and lines[0] == "---":
        end = lines.index("---", 1)
        lines = lines[end + 1 :]
    kept, fenced = [], False
    for line in lines:
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            kept.append(line)
    return kept


def rendered(markdown: str) -> str:
    """Heading text as GitHub renders it: code spans' contents, links' text, no emphasis."""
    text = _INLINE_CODE.sub(lambda m: m.group(2).strip(), markdown)
    text = _LINK.sub(lambda m: m.group("text"), text)
    return re.sub(r"(\*+|(?<!\w)_+|_+(?!\w))", "", text)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's rendered text (before duplicate numbering)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for line in prose_lines(path.read_text()):
        heading = _HEADING.match(line)
        if heading is None:
            continue
        base = slug(rendered(heading.group("text")))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path) -> list[str]:
    """The link targets of a document, links split over lines included, code left out."""
    prose = "\n".join(prose_lines(path.read_text()))
    prose = _INLINE_CODE.sub(lambda m: "`" + "x" * len(m.group(2)) + "`", prose)
    return [match.group("target") for match in _LINK.finditer(prose)]


def broken_links(path: Path) -> list[str]:
    """Each link of ``path`` that leads nowhere, with the reason."""
    broken = []
    for target in links(path):
        if _EXTERNAL.match(target):
            continue
        file_part, _, anchor = target.partition("#")
        destination = (path.parent / file_part).resolve() if file_part else path
        if not destination.exists():
            broken.append(f"{target}: no such file")
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append(f"{target}: no heading with the anchor #{anchor}")
        elif anchor and destination.suffix != ".md":
            broken.append(f"{target}: an anchor into a file that is not Markdown")
    return broken


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_and_anchor_resolves(path: Path) -> None:
    assert broken_links(path) == []


def test_the_documents_link_to_each_other() -> None:
    readme = set(links(REPO / "README.md"))
    for page in ("docs/_index.md", "docs/installation-configuration.md", "docs/at-scale.md"):
        assert any(target.split("#")[0] == page for target in readme), page
    assert len(DOCUMENTS) >= 7


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        # GitHub's slugs for headings of the README before issue 17, which linked to them.
        ("`bw-pulumi verify`", "bw-pulumi-verify"),
        ("`pulumi import`", "pulumi-import"),
        (
            "Network Bridge: from `pulumi up` to a call",
            "network-bridge-from-pulumi-up-to-a-call",
        ),
        (
            "The `bandwidth` package: every Pulumi language",
            "the-bandwidth-package-every-pulumi-language",
        ),
        # github-slugger keeps "_" and drops "'" and emphasis; a link leaves its text.
        ("The sandbox's controls", "the-sandboxs-controls"),
        ("Python (`pulumi_bandwidth`)", "python-pulumi_bandwidth"),
        ("**Bold** and [a link](x.md)", "bold-and-a-link"),
        ("At scale", "at-scale"),
    ],
)
def test_slugs_follow_github(heading: str, expected: str) -> None:
    assert slug(rendered(heading)) == expected


def test_a_broken_link_or_anchor_is_caught(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other\n\n## Same\n\n## Same\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n[ok](other.md#same-1) [ok](#page) [web](https://example.com/x#y)\n"
        "[missing file](nowhere.md) [missing\nanchor](other.md#same-2)\n"
        "`[in code](nowhere.md)`\n\n```\n[in a fence](nowhere.md)\n```\n[self](#nope)\n"
    )
    assert broken_links(page) == [
        "nowhere.md: no such file",
        "other.md#same-2: no heading with the anchor #same-2",
        "#nope: no heading with the anchor #nope",
    ]
