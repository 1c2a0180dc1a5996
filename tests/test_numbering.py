"""Numbering on literal HTML: footnotes as numbered endnotes (editions/prepare/transform.py, per edition in
prepare/chapters.py), figure and table captions (convert/document.py) and the references that name them
(prepare/chapters.py). pandoc is not run: the input is HTML of the shape it gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from editions.convert.document import CaptionLabels, build_document
from editions.i18n import parse_language
from editions.model import Chapter, Document, Heading
from editions.prepare import chapters, transform

NOTES = transform.NoteLabels(heading="Notes", back="Back to note %(number)s")
ENGLISH = CaptionLabels(figure="Figure %(number)s:", table="Table %(number)s:")
BACK = "\u21a9\ufe0e"  # ↩ as text, not as an emoji


def _ref(number: int) -> str:
    return (
        f'<a href="#fn{number}" id="fnref{number}" class="footnote-ref" role="doc-noteref">'
        f"<sup>{number}</sup></a>"
    )


def _back(number: int) -> str:
    return (
        f'<a href="#fnref{number}" class="footnote-back" role="doc-backlink" '
        f'aria-label="Back to note {number}">{BACK}</a>'
    )


def test_numbering_notes_become_references_and_a_list_at_the_end_of_their_section() -> None:
    section = transform.parse(
        '<section id="one" class="level1"><h1>One</h1>'
        '<p>A<span class="footnote">First <em>note</em>.</span> b<span class="footnote">Second.</span> c</p>'
        "</section>"
    )
    assert transform.number_notes(section, 1, NOTES) == 3
    assert transform.to_html(section) == (
        '<section id="one" class="level1"><h1>One</h1>'
        f"<p>A{_ref(1)} b{_ref(2)} c</p>"
        '<section class="footnotes" role="doc-endnotes" aria-labelledby="one-notes">'
        '<h2 id="one-notes" class="notes-heading">Notes</h2><ol>'
        f'<li id="fn1"><p>First <em>note</em>. {_back(1)}</p></li>'
        f'<li id="fn2"><p>Second. {_back(2)}</p></li>'
        "</ol></section></section>"
    )


def test_numbering_notes_continue_from_the_number_given() -> None:
    section = transform.parse('<section id="two"><p>x<span class="footnote">Note.</span></p></section>')
    assert transform.number_notes(section, 5, NOTES) == 6
    assert section.find(".//ol").get("start") == "5"
    assert section.find(".//a[@class='footnote-ref']").get("href") == "#fn5"
    assert section.find(".//li").get("id") == "fn5"


def test_numbering_a_section_without_notes_is_left_as_it_is() -> None:
    html = '<section id="three"><h1>Three</h1><p>No notes.</p></section>'
    section = transform.parse(html)
    assert transform.number_notes(section, 4, NOTES) == 4
    assert transform.to_html(section) == html


def _chapter(chapter_id: str, notes: int) -> Chapter:
    calls = "".join(f'<span class="footnote">{chapter_id} {n}.</span>' for n in range(1, notes + 1))
    html = f'<section id="{chapter_id}" class="level1"><h1>{chapter_id}</h1><p>Text{calls}</p></section>'
    return Chapter(chapter_id, chapter_id, html, (Heading(chapter_id, 1, chapter_id),))


def test_numbering_notes_run_on_across_the_chapters_of_an_edition_and_start_again_in_the_next() -> None:
    document = Document(
        abstract_html="<p>Abstract.</p>", chapters=(_chapter("a", 2), _chapter("b", 0), _chapter("c", 3))
    )
    recipe = chapters.Recipe(tag="en", notes=NOTES)
    prepared = chapters.prepare(document, recipe)
    numbers = [
        [item.get("id") for item in transform.parse(chapter.html).iter("li")] for chapter in prepared.chapters
    ]
    assert numbers == [["fn1", "fn2"], [], ["fn3", "fn4", "fn5"]]
    assert (
        transform.parse(prepared.chapters[2].html).find(".//li[@id='fn3']").text_content().startswith("c 1.")
    )
    # Another edition (or another format of this one) numbers from 1 again.
    again = chapters.prepare(Document("<p>x</p>", (_chapter("c", 3),)), recipe)
    assert [item.get("id") for item in transform.parse(again.chapters[0].html).iter("li")] == [
        "fn1",
        "fn2",
        "fn3",
    ]


def test_numbering_the_pdf_leaves_notes_inline_for_the_renderer_to_number() -> None:
    prepared = chapters.prepare(Document("<p>x</p>", (_chapter("a", 2),)), chapters.Recipe(tag="en"))
    section = transform.parse(prepared.chapters[0].html)
    assert len(section.find_class("footnote")) == 2 and not section.find_class("footnote-ref")


BODY = (
    '<section id="one" class="level1"><h1>One</h1>'
    '<p>See <a href="#fig-map">the map</a> and <a href="#tbl-cases">Table</a>.</p>'
    '<figure id="fig-map"><img src="images/map.png" alt="A map of the region">'
    "<figcaption>The <em>old</em> map</figcaption></figure>"
    '<table id="tbl-cases"><caption>Cases</caption><tr><td>1</td></tr></table>'
    "</section>"
    '<section id="two" class="level1"><h1>Two</h1><p>Back to <a href="#fig-map">Figure</a>.</p>'
    '<figure class="confidential" id="fig-secret"><img src="images/secret.png" alt="A meeting place">'
    "<figcaption>Where we meet</figcaption></figure>"
    '<figure id="fig-river"><img src="images/river.png" alt="A river">'
    "<figcaption>The river</figcaption></figure>"
    '<table id="tbl-more"><caption>More cases</caption><tr><td>2</td></tr></table>'
    "</section>"
)


def _document(
    tmp_path: Path, labels: CaptionLabels = ENGLISH, public: bool = True
) -> tuple[Document, list[str]]:
    source = tmp_path / "en.md"
    source.write_text("# One {#one}\n", encoding="utf-8")
    html = (
        '<div id="editions-title">Report</div><div id="editions-subtitle"></div>'
        f'<div id="editions-abstract"><p>Short.</p></div><div id="editions-body">{BODY}</div>'
    )
    return build_document(
        html, (source,), labels, parse_language("en"), has_bibliography=False, public=public
    )


def _captions(document: Document) -> list[str]:
    sections = [transform.parse(chapter.html) for chapter in document.chapters]
    return [
        caption.text_content()  # as written: a narrow no-break space is part of a French label
        for section in sections
        for caption in section.iter("figcaption", "caption")
    ]


def test_numbering_figures_and_tables_are_numbered_apart_across_the_whole_edition(tmp_path: Path) -> None:
    document, images = _document(tmp_path, public=False)  # the internal edition keeps every figure
    assert _captions(document) == [
        "Figure 1: The old map",
        "Table 1: Cases",
        "Figure 2: Where we meet",
        "Figure 3: The river",
        "Table 2: More cases",
    ]
    assert images == ["images/map.png", "images/secret.png", "images/river.png"]
    label = transform.parse(document.chapters[0].html).find(".//figcaption/span")
    assert (label.get("class"), label.text, label.tail) == ("caption-label", "Figure 1:", " The ")


def test_numbering_a_figure_left_out_of_a_public_edition_takes_no_number(tmp_path: Path) -> None:
    document, images = _document(tmp_path)
    assert _captions(document) == [
        "Figure 1: The old map",
        "Table 1: Cases",
        "Figure 2: The river",
        "Table 2: More cases",
    ]
    assert images == ["images/map.png", "images/river.png"]


def test_numbering_caption_labels_come_from_the_editions_catalog(tmp_path: Path) -> None:
    french = CaptionLabels(figure="Figure %(number)s\u202f:", table="Tableau %(number)s\u202f:")
    document, _ = _document(tmp_path, french)
    assert _captions(document)[:2] == ["Figure 1\u202f: The old map", "Tableau 1\u202f: Cases"]
    labels = chapters.caption_labels(transform.parse(chapter.html) for chapter in document.chapters)
    # The punctuation after the number is the caption's, not the reference's.
    assert labels == {
        "fig-map": "Figure 1",
        "tbl-cases": "Tableau 1",
        "fig-river": "Figure 2",
        "tbl-more": "Tableau 2",
    }


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ('<a href="#fig-river">the river below</a>', "the river below (Figure 2)"),  # says more: bracketed
        ('<a href="#fig-river">Figure</a>', "Figure 2"),  # names only the kind: becomes the label
        ('<a href="#fig-river">figure</a>', "Figure 2"),
        ('<a href="#tbl-more"><em>Table</em></a>', "Table 2"),
        ('<a href="#tbl-more">see Table 2</a>', "see Table 2"),  # numbered already
        ('<a href="#one">Chapter one</a>', "Chapter one"),  # not a figure or a table
        ('<a href="https://example.org/#fig-river">Figure</a>', "Figure"),  # another site
    ],
)
def test_numbering_references_to_figures_and_tables_carry_their_number(link: str, expected: str) -> None:
    labels = {"fig-map": "Figure 1", "fig-river": "Figure 2", "tbl-more": "Table 2"}
    section = transform.parse(f'<section id="x"><p>{link}.</p></section>')
    chapters.number_references(section, labels)
    assert section.find("p").text_content() == f"{expected}."


def test_numbering_a_reference_in_one_chapter_finds_a_figure_in_another(tmp_path: Path) -> None:
    document, _ = _document(tmp_path)
    pdf = chapters.prepare(
        document,
        chapters.Recipe(
            tag="en",
            sources={"images/map.png": "map.png", "images/river.png": "river.png"},
            print_layout=True,
        ),
    )
    one, two = (transform.parse(chapter.html).find("p") for chapter in pdf.chapters)
    assert one.text_content() == "See the map (Figure 1) and Table 1."
    assert two.text_content() == "Back to Figure 1."
