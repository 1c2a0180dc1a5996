"""The EPUB's page-list: page-break markers where the pages of the PDF edition begin, and their metadata."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import pikepdf
import pytest
from checkers import pdf_text
from conftest import run
from lxml import etree

from editions.model import PageBreak
from editions.prepare import blocks, transform

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
OPF = {"opf": "http://www.idpf.org/2007/opf"}
NCX = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
EDITIONS = [
    ("la-lucha", "fr"),
    ("la-lucha", "en"),
    ("time-is-now", "es"),
    ("time-is-now", "en"),
    ("collective-protection", "en"),
    ("collective-protection", "fr"),
    ("collective-protection", "es"),
    ("land-and-territory", "es"),
    ("land-and-territory", "en"),
    ("communities-are-hrds", "en"),
    ("communities-are-hrds", "fr"),
    ("communities-are-hrds", "es"),
    ("communities-are-hrds", "th"),
    ("communities-are-hrds", "ar"),
]


# --- the pure stage: blocks and where pages begin -------------------------------------------------


def test_blocks_are_numbered_in_document_order_without_footnotes() -> None:
    section = transform.parse(
        '<section id="c"><h1 id="c">T</h1><p>One<span class="footnote"><p>note</p></span></p>'
        "<ul><li><p>Two</p></li></ul><table><tr><td>3</td></tr></table></section>"
    )
    assert [element.tag for element in blocks.blocks(section)] == ["h1", "p", "li", "p", "table", "tr"]
    anchors = blocks.anchor_blocks(section, 2)
    assert anchors["c"] == (2, 0)  # a block keeps its own id
    assert anchors[f"{blocks.ANCHOR_PREFIX}2-1"] == (2, 1)
    assert len(anchors) == 6


def test_page_breaks_start_at_the_first_block_that_starts_on_each_page() -> None:
    anchors = {name: (1, index) for index, name in enumerate("abcdef")}
    pages = [
        ["toc"],  # page 1: front matter, none of the text's blocks
        ["a", "b"],  # page 2
        ["b", "c", "d"],  # page 3: b runs on from page 2, c is the first block that starts here
        ["d"],  # page 4: all of it inside d, which began on page 3
        [],  # page 5: blank
        ["d", "e", "f"],  # page 6
    ]
    assert blocks.page_breaks(pages, anchors) == (
        PageBreak(1, 0, "2"),
        PageBreak(1, 2, "3"),
        PageBreak(1, 3, "4"),
        PageBreak(1, 4, "6"),
    )


def test_page_breaks_stay_in_document_order() -> None:
    # A list item (1) inside a paragraph-like block (0) that runs on past it: page 3 continues block 0,
    # whose start is before page 2's break; the break for page 3 stays after page 2's.
    anchors = {"outer": (1, 0), "item": (1, 1)}
    breaks = blocks.page_breaks([["outer"], ["outer", "item"], ["outer"]], anchors)
    assert [(b.block, b.label) for b in breaks] == [(0, "1"), (1, "2"), (1, "3")]


def test_markers_go_where_a_reader_can_land() -> None:
    section = transform.parse(
        '<section id="s"><h2 id="h">Heading</h2><p>Text <b>bold</b></p>'
        "<table><tr><td>cell</td></tr></table></section>"
    )
    breaks = [PageBreak(2, 0, "1"), PageBreak(3, 0, "4"), PageBreak(3, 1, "5"), PageBreak(3, 1, "6")]
    blocks.mark_page_breaks(section, 3, [*breaks, PageBreak(3, 3, "7")])  # part 2's is another file's
    xhtml = transform.to_xhtml(section)
    assert xhtml == (
        '<section id="s">'
        + _marker("4")  # before a heading, whose accessible name would take in the label
        + '<h2 id="h">Heading</h2><p>'
        + _marker("5")
        + _marker("6")  # two pages that begin at one block, in page order
        + "Text <b>bold</b></p><table><tr><td>"
        + _marker("7")  # a table row: in its first cell
        + "cell</td></tr></table></section>"
    )


def _marker(label: str) -> str:
    return (
        f'<span role="doc-pagebreak" id="pagebreak-{label}" aria-label="{label}" epub:type="pagebreak">'
        "</span>"
    )


# --- the repository's editions ------------------------------------------------------------------


@pytest.mark.parametrize(("slug", "tag"), EDITIONS)
def test_pagelist_points_at_the_pdf_pages_of_the_same_text(repository: Path, slug: str, tag: str) -> None:
    folder = repository / "output" / slug / tag
    book = zipfile.ZipFile(folder / f"{slug}-{tag}.epub")
    page_list = _page_list(book)
    assert page_list.get("role") == "doc-pagelist"
    entries = [(link.get("href"), link.text) for link in page_list.iterfind(".//x:a", NS)]
    labels = [int(label) for _, label in entries]
    assert labels and labels == sorted(set(labels)), labels  # numbers only ever increase

    pages = pdf_text(folder / f"{slug}-{tag}.pdf", raw=tag == "th").split("\f")
    assert labels[-1] <= len(pages)
    documents = {}
    for href, label in entries:
        name, fragment = href.split("#")
        if name not in documents:
            documents[name] = etree.fromstring(book.read(f"EPUB/{name}"))
        found = documents[name].xpath(f"//*[@id='{fragment}']")
        assert len(found) == 1, href  # resolves to exactly one element
        marker = found[0]
        assert marker.get(f"{{{NS['epub']}}}type") == "pagebreak"
        assert marker.get("role") == "doc-pagebreak" and marker.get("aria-label") == label
        # The words the marker stands before are printed on that page of the PDF, as is its number.
        number = int(label)
        words = " ".join("".join(marker.xpath("following::text()")).split()).split()[:4]
        if not _in_order(words, pages[number - 1]):
            # A page on which no block starts begins with the block it continues: that block starts
            # on an earlier page and ends on this one or later.
            block = " ".join(marker.getparent().xpath("string()").split()).split()
            assert any(_in_order(words, earlier) for earlier in pages[: number - 1]), (label, words)
            assert any(_in_order(block[-3:], later) for later in pages[number - 1 :]), (label, block)
        folio = "".join(c for c in pages[number - 1] if unicodedata.category(c) != "Cf")
        assert re.search(rf"^\s*{label}\s*$", folio, re.MULTILINE), f"no folio {label} on page {label}"
    # The NCX has the same pages, for reading systems of EPUB 2.
    ncx = etree.fromstring(book.read("EPUB/toc.ncx"))
    targets = ncx.iterfind(".//n:pageList/n:pageTarget", NCX)
    assert [(t.find("n:content", NCX).get("src"), t.get("value")) for t in targets] == entries
    assert ncx.find(".//n:meta[@name='dtb:maxPageNumber']", NCX).get("content") == entries[-1][1]
    # Every marker of the book is in the page-list, and only once.
    markers = [
        element.get("id")
        for name in book.namelist()
        if name.endswith(".xhtml") and name != "EPUB/nav.xhtml"
        for element in etree.fromstring(book.read(name)).iterfind(".//x:span[@role='doc-pagebreak']", NS)
    ]
    assert sorted(markers) == sorted(href.split("#")[1] for href, _ in entries)


def test_pagelist_leaves_no_trace_in_the_pdf(repository: Path) -> None:
    # The ids the PDF writer gives blocks to find their pages are not named destinations of the PDF.
    with pikepdf.open(repository / "output" / "la-lucha" / "fr" / "la-lucha-fr-print.pdf") as pdf:
        names = _destinations(pdf.Root.Names.Dests)
    assert "abstract" in names  # the document's own ids still are
    assert not [name for name in names if name.startswith(blocks.ANCHOR_PREFIX)]


def _destinations(node) -> list[str]:
    names = [str(name) for name in list(node.get("/Names", []))[::2]]
    return names + [name for kid in node.get("/Kids", []) for name in _destinations(kid)]


def test_pagelist_metadata_names_the_pdf_as_its_source(repository: Path) -> None:
    book = zipfile.ZipFile(repository / "output" / "la-lucha" / "fr" / "la-lucha-fr.epub")
    metadata = _metadata(book)
    assert metadata["pageBreakSource"] == [_pdf_identifier(repository, "la-lucha", "fr")]
    assert {"pageBreakMarkers", "pageNavigation"} <= set(metadata["schema:accessibilityFeature"])
    assert "PDF" in metadata["schema:accessibilitySummary"][0]


def test_pagelist_of_the_sample_uses_its_assigned_isbn(published: Path) -> None:
    book = zipfile.ZipFile(published / "sample" / "en" / "sample-en.epub")
    assert _metadata(book)["pageBreakSource"] == ["urn:isbn:9795000000006"]
    assert _page_list(book) is not None


@pytest.mark.validators
def test_pagelist_is_left_out_of_an_epub_built_without_its_pdf(sample: Path) -> None:
    result = run(sample, "--format", "epub", "--lang", "en")
    assert result.code == 0, result.output
    book = zipfile.ZipFile(sample / "output" / "sample" / "en" / "sample-en.epub")
    assert _page_list(book) is None
    assert b"pageList" not in book.read("EPUB/toc.ncx")
    assert not any(b"pagebreak" in book.read(name) for name in book.namelist() if name.endswith(".xhtml"))
    metadata = _metadata(book)
    assert "pageBreakSource" not in metadata
    assert not {"pageBreakMarkers", "pageNavigation"} & set(metadata["schema:accessibilityFeature"])
    assert "PDF" not in metadata["schema:accessibilitySummary"][0]


def _page_list(book: zipfile.ZipFile):
    navigation = etree.fromstring(book.read("EPUB/nav.xhtml"))
    found = navigation.xpath("//x:nav[@epub:type='page-list']", namespaces=NS)
    assert len(found) <= 1
    return found[0] if found else None


def _metadata(book: zipfile.ZipFile) -> dict[str, list[str]]:
    package = etree.fromstring(book.read("EPUB/content.opf"))
    values: dict[str, list[str]] = {}
    for meta in package.iterfind(".//opf:metadata/opf:meta[@property]", OPF):
        values.setdefault(meta.get("property"), []).append(meta.text)
    return values


def _pdf_identifier(root: Path, slug: str, tag: str) -> str:
    from editions.model import Format
    from editions.sources.discover import discover_reports

    reports, _ = discover_reports(root / "reports")
    return next(r for r in reports if r.slug == slug).identifiers[tag][Format.PDF]


def _in_order(words: list[str], page: str) -> bool:
    """Whether `words` are on `page` in this order (the PDF may add words between them: "(Figure 1)")."""
    text, position = _comparable(page), 0
    for word in map(_comparable, words):
        position = text.find(word, position)
        if position < 0:
            return False
        position += len(word)
    return True


def _comparable(text: str) -> str:
    """Text as poppler and the EPUB both give it: compatibility forms, no white space, no hyphens a
    line break added, no marks (poppler sets Arabic tanwin and Thai vowels apart), no lam or alef
    (poppler writes a lam-alef ligature backwards)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        c
        for c in text
        if not c.isspace() and unicodedata.category(c) not in ("Mn", "Cf") and c not in "\u2010-لاأإآى"
    )
