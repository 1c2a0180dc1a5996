"""The pure stage that prepares an edition's chapters for one format (editions/prepare/chapters.py)."""

from __future__ import annotations

from lxml import etree

from editions.model import Chapter, Document, Heading, PageBreak
from editions.prepare import blocks, chapters, transform

LABELS = transform.NoteLabels(heading="Notes", back="Back to note %(number)s")
ABSTRACT = "<p>In short.</p><p>Second paragraph.</p>"
ONE = (
    '<section id="one" class="level1"><h1>One</h1>'
    '<p>See <a href="#fig-map">the map</a>.<span class="footnote">First <em>note</em>.</span></p>'
    '<figure id="fig-map"><img src="images/map.png" alt="A map">'
    '<figcaption><span class="caption-label">Figure 1:</span> The map</figcaption></figure>'
    "<pre><code>line one\nline two</code></pre>"
    '<p lang="es">Texto <code>x = 1</code></p></section>'
)
TWO = (
    '<section id="two" class="level1"><h1>Two</h1><h2 id="two-more">More</h2>'
    '<p>Back to <a href="#fig-map">Figure</a> and <a href="#two-more">here</a>.'
    '<span class="footnote">Second note.</span></p>'
    "<table><tr><th>A</th></tr><tr><td>1</td></tr></table></section>"
)
DOCUMENT = Document(
    abstract_html=ABSTRACT,
    chapters=(
        Chapter("one", "One", ONE, (Heading("one", 1, "One"),)),
        Chapter("two", "Two", TWO, (Heading("two", 1, "Two"), Heading("two-more", 2, "More"))),
    ),
)
SOURCES = {"images/map.png": "assets/map-1a2b.png"}


def _pdf() -> chapters.Recipe:
    return chapters.Recipe(
        tag="en",
        sources=SOURCES,
        notices={"two": "Not translated yet."},
        print_layout=True,
        anchor_blocks=True,
    )


def _epub(breaks: tuple[PageBreak, ...] = ()) -> chapters.Recipe:
    return chapters.Recipe(
        tag="en",
        sources=SOURCES,
        notes=LABELS,
        scrollable_code=True,
        page_breaks=breaks,
        one_file_per_chapter=True,
        xhtml=True,
    )


def _web() -> chapters.Recipe:
    return chapters.Recipe(
        tag="en",
        sources=SOURCES,
        notices={"two": "Not translated yet."},
        notes=LABELS,
        shift_headings=1,
        scrollable_code=True,
    )


def test_the_pdf_keeps_its_notes_inline_numbers_references_and_anchors_every_block() -> None:
    prepared = chapters.prepare(DOCUMENT, _pdf())
    one, two = (transform.parse(chapter.html) for chapter in prepared.chapters)
    assert one.find_class("footnote") and not one.find_class("footnotes")  # WeasyPrint floats them
    assert [span.get("class") for span in one.iter("span") if span.getparent().tag == "code"] == [
        "line",
        "line",
    ]
    assert one.find(".//img").get("src") == "assets/map-1a2b.png"
    assert "(Figure 1)" in one.find(".//p").text_content()  # a link that says more than the kind
    assert two.find(".//a[@href='#fig-map']").text == "Figure 1"  # a link that names only the kind
    assert "short-table" in two.find(".//table").get("class")
    assert two.find(".//p[@class='translation-notice']").get("lang") == "en"
    assert all(chapter.file == "" for chapter in prepared.chapters)
    # Every block has an id the page map knows, numbered by part: 0 for the abstract.
    assert prepared.anchors[f"{blocks.ANCHOR_PREFIX}0-1"] == (0, 1)
    assert prepared.abstract_html.startswith(f'<p id="{blocks.ANCHOR_PREFIX}0-0">In short.</p>')
    ids = {element.get("id") for element in (*one.iter(), *two.iter())}
    assert {name for name, (part, _) in prepared.anchors.items() if part} <= ids
    assert prepared.languages == {"en", "es"}


def test_the_epub_numbers_notes_across_chapters_and_retargets_links_to_other_files() -> None:
    prepared = chapters.prepare(DOCUMENT, _epub())
    assert [chapter.file for chapter in prepared.chapters] == ["chapter-01.xhtml", "chapter-02.xhtml"]
    one, two = (etree.fromstring(chapter.html) for chapter in prepared.chapters)  # well-formed XML
    assert two.find(".//ol").get("start") == "2"
    assert two.find(".//a[@class='footnote-ref']").get("href") == "#fn2"
    hrefs = [link.get("href") for link in two.iter("a")]
    assert "chapter-01.xhtml#fig-map" in hrefs and "#two-more" in hrefs  # only another file's target
    assert one.find(".//pre").get("tabindex") == "0"
    assert one.find(".//h1") is not None  # each chapter is its own page: its title stays an h1


def test_epub_markers_land_on_the_blocks_the_pdf_numbered() -> None:
    anchors = chapters.prepare(DOCUMENT, _pdf()).anchors
    figure = next(key for key, (part, _) in anchors.items() if part == 1 and key == "fig-map")
    part, block = anchors[figure]
    prepared = chapters.prepare(DOCUMENT, _epub((PageBreak(0, 1, "2"), PageBreak(part, block, "3"))))
    one = transform.parse(prepared.chapters[0].html)
    marker = one.find(".//*[@id='pagebreak-3']")
    assert marker.getparent().get("id") == "fig-map"  # not moved by the notes or the notice
    assert 'id="pagebreak-2"' in prepared.abstract_html.split("</p>")[1]


def test_the_web_page_shifts_headings_under_its_own_title() -> None:
    prepared = chapters.prepare(DOCUMENT, _web())
    two = transform.parse(prepared.chapters[1].html)
    # The chapter's title, its section's heading and the notes' heading, one level down each.
    assert [heading.tag for heading in two.iter("h1", "h2", "h3")] == ["h2", "h3", "h3"]
    assert two.find(".//p[@class='translation-notice']").getprevious().tag == "h2"


def test_the_texts_collected_are_those_of_the_prepared_chapters() -> None:
    for recipe in (_web(), _epub()):
        prepared = chapters.prepare(DOCUMENT, recipe)
        again = transform.language_texts(
            (transform.parse(f"<div>{chapter.html}</div>") for chapter in prepared.chapters), "en"
        )
        assert prepared.chapter_texts == again
    assert "Notes" in prepared.chapter_texts[("en", "heading")]
    assert prepared.chapter_texts[("es", "code")] == "x = 1"


def test_preparing_is_pure_and_repeatable() -> None:
    assert chapters.prepare(DOCUMENT, _epub()) == chapters.prepare(DOCUMENT, _epub())
    # The Document's HTML is left as pandoc gave it, for the next format.
    assert (DOCUMENT.abstract_html, *(c.html for c in DOCUMENT.chapters)) == (ABSTRACT, ONE, TWO)
