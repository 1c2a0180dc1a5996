"""Blocks: the paragraphs, list items, headings, figures, rows… of an edition's text, numbered in
document order the same way in every format, so that a page of the PDF can be found in the EPUB.

A block is named by its part (0 for the abstract, then 1, 2… for the chapters in order) and its index
among the blocks of that part. The numbering runs on the Document's HTML as pandoc gave it, before the
chapters stage (prepare/chapters.py) adds or moves elements (notices, numbered notes), so the PDF and
the EPUB agree on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from lxml import html as lxml_html
from lxml.html import HtmlElement

from editions.model import PageBreak

# Elements that start on a line of their own. A block inside another (a paragraph in a list item) is
# a block too: the page whose first new line is the paragraph's finds the paragraph.
BLOCK_TAGS = frozenset(
    {"p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure"}
    | {"figcaption", "table", "tr", "div"}
)
# Ids the PDF writer gives blocks that have none, so that WeasyPrint says on which pages they are.
ANCHOR_PREFIX = "editions-block-"
# The ids of the EPUB's page-break markers: "pagebreak-7" for page 7.
MARKER_PREFIX = "pagebreak-"


def blocks(root: HtmlElement) -> list[HtmlElement]:
    """The blocks under `root` (a chapter's <section>, or a <div> around the abstract) in document
    order. Blocks inside a footnote are left out: the PDF sets them in the footnote area of a page,
    away from the text they belong to, and the EPUB moves them to the end of the chapter."""
    found = []
    for element in root.iterdescendants(*BLOCK_TAGS):
        if element.tag == "tr" and not any(cell.tag in ("td", "th") for cell in element):
            continue  # a row without cells has nowhere to hold a marker
        if not any("footnote" in (a.get("class") or "").split() for a in element.iterancestors()):
            found.append(element)
    return found


def anchor_blocks(root: HtmlElement, part: int) -> dict[str, tuple[int, int]]:
    """Give every block of part `part` an id (its own if it has one) and return the (part, index) of
    each block by that id, for `page_breaks`."""
    anchors = {}
    for index, element in enumerate(blocks(root)):
        if not element.get("id"):
            element.set("id", f"{ANCHOR_PREFIX}{part}-{index}")
        anchors[element.get("id")] = (part, index)
    return anchors


def page_breaks(
    pages: Sequence[Iterable[str]], anchors: Mapping[str, tuple[int, int]], first_page: int = 1
) -> tuple[PageBreak, ...]:
    """Where each page begins in the text: `pages` holds the anchors found on each page, in page order
    (WeasyPrint's `page.anchors`, which name a block split across pages on every page it runs onto).

    A page begins at the first block that starts on it: the lines a paragraph carries over from the
    page before come just before the marker (blocks are the unit both formats share; a line is not).
    A page on which no block starts (all of it inside a long paragraph or table) begins at the start of
    the block it continues, so that a reader sent there misses none of its text. A page without any
    block (the cover, the imprint, the contents, a blank verso) is not listed. Pages are numbered from
    `first_page`, as the PDF prints its folios.
    """
    started: set[str] = set()
    breaks: list[PageBreak] = []
    for number, names in enumerate(pages, start=first_page):
        present = [anchors[name] for name in names if name in anchors]
        new = [anchors[name] for name in names if name in anchors and name not in started]
        started.update(name for name in names if name in anchors)
        if not present:
            continue
        part, block = min(new) if new else max(present)
        if breaks and (part, block) < (breaks[-1].part, breaks[-1].block):
            # The block this page continues began before the previous page's break (a paragraph
            # around a nested list): the break stays in order, at the previous one.
            part, block = breaks[-1].part, breaks[-1].block
        breaks.append(PageBreak(part=part, block=block, label=str(number)))
    return tuple(breaks)


def mark_page_breaks(root: HtmlElement, part: int, breaks: Iterable[PageBreak]) -> None:
    """Put an EPUB page-break marker at the start of each block of part `part` where a page begins:
    `<span epub:type="pagebreak" role="doc-pagebreak" id="pagebreak-N" aria-label="N"></span>`."""
    found = blocks(root)
    for page_break in breaks:
        if page_break.part != part:
            continue
        label = page_break.label
        marker = lxml_html.Element(
            "span", {"role": "doc-pagebreak", "id": f"{MARKER_PREFIX}{label}", "aria-label": label}
        )
        marker.set("epub:type", "pagebreak")
        marker.text = ""  # written <span …></span>: ebooklib reads the page again as HTML
        _insert_at_start(found[page_break.block], marker)


def _insert_at_start(block: HtmlElement, marker: HtmlElement) -> None:
    """`marker` as the first thing inside `block`, after the markers already there; in the first cell
    of a table row; and just before a table (which cannot hold a <span>) or a heading (whose
    accessible name would take in the marker's label)."""
    if block.tag == "table" or block.tag in _HEADINGS:
        block.addprevious(marker)
        return
    if block.tag == "tr":
        block = next(cell for cell in block if cell.tag in ("td", "th"))  # blocks() keeps no other row
    position = 0
    while position < len(block) and block[position].get("role") == "doc-pagebreak":
        position += 1
    if position == 0:
        marker.tail, block.text = block.text, None
    else:
        previous = block[position - 1]
        marker.tail, previous.tail = previous.tail, None
    block.insert(position, marker)


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
