"""An edition's text made ready for one format, in one pass: the writers only put it in their templates.

Each chapter of the `Document` is parsed once for the format and goes through the same steps in the
same order whatever the format asks of it: blocks anchored (the PDF's page map) or page-break markers
put at the start of the blocks where the PDF's pages begin (the EPUB's page-list) — first, so that the
blocks are numbered as pandoc gave them —, image sources pointed at the format's files, translation
notices, footnotes numbered as endnotes (screen formats), links retargeted to the file that holds their
target (the EPUB's one file per chapter), code marked, and the PDF's numbered references and short
tables. The stage also collects, from the same trees, the text in each language for the fonts: no
writer parses a chapter again.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from editions.model import Chapter, Document, PageBreak
from editions.prepare import blocks, transform
from editions.prepare.code import mark_code, mark_code_lines
from editions.prepare.word_breaks import mark_word_breaks

Texts = Mapping[tuple[str, str], str]  # text by (language, role), as transform.language_texts gives it


@dataclass(frozen=True)
class Recipe:
    """What one format asks of its chapters. The defaults leave the text as pandoc gave it."""

    tag: str  # the edition's language: of the notices, and of any text not marked otherwise
    sources: Mapping[str, str] = field(default_factory=dict)  # image src as written → the format's file
    notices: Mapping[str, str] = field(default_factory=dict)  # translation notice by section id
    notes: transform.NoteLabels | None = None  # number footnotes as endnotes (None: they stay inline)
    shift_headings: int = 0  # levels to move headings down (the web page's own title is its h1)
    scrollable_code: bool = False  # code blocks scroll in their own box (screens) rather than wrap
    # The PDF's: one element per code line, numbered references, short tables, and word breaks marked in
    # Lao, Khmer and Myanmar.
    print_layout: bool = False
    anchor_blocks: bool = False  # give every block an id, for the PDF's page map
    page_breaks: tuple[PageBreak, ...] | None = None  # the EPUB's page-break markers (None: no markers)
    one_file_per_chapter: bool = False  # the EPUB's: chapter-01.xhtml…, links across them retargeted
    xhtml: bool = False  # serialise as well-formed XML (EPUB) rather than HTML5


@dataclass(frozen=True)
class PreparedChapter:
    """One chapter ready to be set in a template."""

    id: str
    title: str
    file: str  # the file that holds it: its own in the EPUB, "" where the whole edition is one file
    html: str


@dataclass(frozen=True)
class Prepared:
    """An edition's text prepared for one format."""

    abstract_html: str  # the abstract's HTML, without the element around it
    chapters: tuple[PreparedChapter, ...]
    anchors: Mapping[str, tuple[int, int]]  # block id → (part, index), when the recipe anchors blocks
    chapter_texts: Texts  # the prepared chapters' text by (language, role), for the font subsets
    languages: frozenset[str]  # every language the abstract and the chapters hold, the edition's included


def chapter_files(chapters: Iterable[Chapter]) -> dict[str, str]:
    """The EPUB's XHTML file of each chapter, by chapter id."""
    return {chapter.id: f"chapter-{number:02d}.xhtml" for number, chapter in enumerate(chapters, start=1)}


def prepare(document: Document, recipe: Recipe) -> Prepared:
    """The abstract and the chapters of `document` prepared as `recipe` says."""
    abstract = transform.parse(f"<div>{document.abstract_html}</div>")
    sections = [transform.parse(chapter.html) for chapter in document.chapters]
    files = chapter_files(document.chapters) if recipe.one_file_per_chapter else {}
    file_of = _file_of(document.chapters, sections, files).get
    # Before anything is added or moved: the blocks are numbered as pandoc gave them, in every format.
    anchors: dict[str, tuple[int, int]] = {}
    if recipe.anchor_blocks:
        for part, root in enumerate((abstract, *sections)):
            anchors.update(blocks.anchor_blocks(root, part))
    if recipe.page_breaks is not None:
        for part, root in enumerate((abstract, *sections)):
            blocks.mark_page_breaks(root, part, recipe.page_breaks)
    labels = caption_labels(sections) if recipe.print_layout else {}
    serialise = transform.to_xhtml if recipe.xhtml else transform.to_html
    prepared, number = [], 1
    for chapter, section in zip(document.chapters, sections, strict=True):
        transform.replace_sources(section, recipe.sources)
        transform.add_notices(section, recipe.notices, recipe.tag)
        if recipe.notes is not None:
            number = transform.number_notes(section, number, recipe.notes)
        if recipe.shift_headings:
            transform.shift_headings(section, by=recipe.shift_headings)
        if files:
            transform.retarget_links(section, file_of, files[chapter.id])
        mark_code(section, scrollable=recipe.scrollable_code)
        if recipe.print_layout:
            mark_code_lines(section)
            number_references(section, labels)
            mark_short_tables(section)
            mark_word_breaks(section)  # Lao, Khmer and Myanmar: Pango finds no words of its own there
        file = files.get(chapter.id, "")
        prepared.append(PreparedChapter(chapter.id, chapter.title, file, serialise(section)))
    chapter_texts = transform.language_texts(sections, recipe.tag)
    abstract_languages = {language for language, _ in transform.language_texts([abstract], recipe.tag)}
    return Prepared(
        abstract_html=html.escape(abstract.text or "", quote=False) + "".join(serialise(c) for c in abstract),
        chapters=tuple(prepared),
        anchors=anchors,
        chapter_texts=chapter_texts,
        languages=frozenset({recipe.tag, *abstract_languages, *(lang for lang, _ in chapter_texts)}),
    )


def _file_of(
    chapters: Iterable[Chapter], sections: Iterable[HtmlElement], files: Mapping[str, str]
) -> dict[str, str]:
    """Which chapter file holds each id of the chapters as pandoc gave them, for links that cross
    chapters (citations, cross-references)."""
    if not files:
        return {}
    owner: dict[str, str] = {}
    for chapter, section in zip(chapters, sections, strict=True):
        for element in section.iter():
            if element.get("id"):
                owner[element.get("id")] = files[chapter.id]
    return owner


def caption_labels(sections: Iterable[HtmlElement]) -> dict[str, str]:
    """The numbered label of each figure and table ("Figure 2", "Tabla 1"), by the ids that lead to it."""
    labels = {}
    for section in sections:
        for label in section.iterfind(".//span[@class='caption-label']"):
            text = (label.text_content() or "").rstrip(" :\u00a0\u202f")
            for ancestor in label.iterancestors():
                if ancestor is section:
                    break
                if ancestor.get("id"):
                    labels.setdefault(ancestor.get("id"), text)
    return labels


def number_references(section: HtmlElement, labels: dict[str, str]) -> None:
    """Make every link to a figure or table carry its number: a link that only names the kind
    ("[Tabla](#tbl-cases)") becomes the label ("Tabla 1"), any other gets it in brackets
    ("the figure below (Figure 2)")."""
    for link in section.iterfind(".//a[@href]"):
        label = (
            labels.get(link.get("href", "").removeprefix("#"))
            if link.get("href", "").startswith("#")
            else None
        )
        text = " ".join(link.text_content().split())
        if not label or not text or label in text:
            continue
        kind = label.rsplit(" ", 1)[0].rsplit("\u00a0", 1)[0]
        if text.casefold() == kind.casefold():
            for child in list(link):
                link.remove(child)
            link.text = label
        else:
            link.tail = f" ({label})" + (link.tail or "")


# Short enough to keep on one page whole, rather than leave two rows at the foot of a page.
SHORT_TABLE_ROWS = 8


def mark_short_tables(section: HtmlElement) -> None:
    """Mark tables of up to SHORT_TABLE_ROWS rows, which the stylesheet keeps in one piece."""
    for table in section.iter("table"):
        if len(table.findall(".//tr")) <= SHORT_TABLE_ROWS:
            table.set("class", " ".join(filter(None, (table.get("class"), "short-table"))))
