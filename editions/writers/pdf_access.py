"""What WeasyPrint's tagged PDF lacks for search, copy and assistive technology, added at render time."""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import pydyf
from fontTools.ttLib import TTFont
from weasyprint import pdf as weasyprint_pdf
from weasyprint.draw import text as weasyprint_text
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import tags as weasyprint_tags
from weasyprint.pdf.fonts import Font


def complete_text_mappings(fonts: Iterable[Font]) -> bool:
    """Correct the text of glyphs WeasyPrint could not map alone; return whether any changed.

    WeasyPrint maps each glyph to the text of its cluster, so in a multi-glyph cluster the first
    glyph maps to nothing and a mark may carry the whole cluster: Thai "ทำ" (drawn as NIKHAHIT +
    SARA AA) came out of the PDF as "ทา", and a tone mark as "ก่". That is what search, copy and
    screen readers get. The font's own tables say which character such a glyph draws. The mappings
    are filled while pages are drawn and written with the fonts: `completed_text_mappings` corrects
    them in between, within the one generation of the PDF.
    """
    changed = False
    for font in fonts:
        if all(len(text) == 1 and not _has_mark(text) for text in font.to_unicode.values()):
            continue  # nothing a cluster could have confused: the usual case for Latin text
        with TTFont(io.BytesIO(font.file_content), lazy=True, fontNumber=font.index or 0) as face:
            names = face.getGlyphOrder()
            drawn = {
                name: chr(codepoint) for codepoint, name in sorted(face.getBestCmap().items(), reverse=True)
            }
        for glyph, text in list(font.to_unicode.items()):
            name = names[glyph] if glyph < len(names) else ""
            character = (
                drawn.get(name) or drawn.get(name.split(".")[0]) or _from_glyph_name(name.split(".")[0])
            )
            # Ligatures ("fi") rightly carry several characters: only empty texts, marks, and a character
            # the glyph draws only part of (SARA AM, drawn as NIKHAHIT + SARA AA) are confused. Which
            # of those a glyph gets depends on the cluster it first appears in.
            if (
                character
                and text != character
                and (not text or _has_mark(text) or _has_mark(character) or _part_of(character, text))
            ):
                font.to_unicode[glyph] = character
                changed = True
    return changed


def _part_of(character: str, text: str) -> bool:
    """Whether `character` is one of the characters `text` decomposes into (SARA AA in SARA AM)."""
    return len(text) == 1 and character in unicodedata.normalize("NFKD", text)


def _has_mark(text: str) -> bool:
    return any(unicodedata.category(character) in ("Mn", "Mc") for character in text)


def _from_glyph_name(name: str) -> str:
    """The character an AGL-style glyph name such as `uni0E4D` stands for, if it says."""
    if name.startswith("uni") and len(name) == 7:
        try:
            return chr(int(name[3:], 16))
        except ValueError:
            return ""
    return ""


@contextmanager
def completed_text_mappings() -> Iterator[None]:
    """Correct the fonts' glyph-to-text maps (`complete_text_mappings`) once every page is drawn and
    before their ToUnicode maps are written, within the one generation of the PDF.

    WeasyPrint fills the maps while it draws the pages and writes them with the fonts' dictionary;
    the function that builds that dictionary is wrapped, for the length of this one render only.
    """
    original = weasyprint_pdf.build_fonts_dictionary

    def build(pdf, fonts, *args):
        complete_text_mappings(fonts.values())
        return original(pdf, fonts, *args)

    weasyprint_pdf.build_fonts_dictionary = build
    try:
        yield
    finally:
        weasyprint_pdf.build_fonts_dictionary = original


@contextmanager
def logical_text() -> Iterator[None]:
    """Give each line of Indic, Myanmar or Khmer text its logical text (/ActualText), as PDF/UA asks
    for text whose glyphs do not map to it in order.

    Those scripts draw some vowels before the consonant they follow (Devanagari ि, Myanmar ေ, Khmer េ)
    and stack subscript consonants (Khmer ្): the glyphs are in visual order, and a glyph may stand for
    a whole cluster or for none of it, so no ToUnicode map can give the words back ("अ धकारों" for
    "अधिकारों"). A marked-content span with /ActualText carries the line's text as written, which is
    what search, copy and screen readers then get. WeasyPrint's line drawing is wrapped, for the length
    of this one render only; renders never run concurrently within one process.
    """
    original = weasyprint_text.draw_first_line

    def draw(stream, textbox, *args):
        text = textbox.text
        if not _REORDERED.search(text):
            return original(stream, textbox, *args)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            return original(stream, textbox, *args)
        finally:
            stream.end_marked_content()

    weasyprint_text.draw_first_line = draw
    try:
        yield
    finally:
        weasyprint_text.draw_first_line = original


# The characters of scripts whose glyphs may not follow their text's order: Devanagari to Sinhala,
# Myanmar, Khmer, Khmer symbols, Myanmar extended B and A. Thai and Lao keep one glyph per character
# (complete_text_mappings corrects their marks); Arabic and Hebrew are left to the viewer's
# bidirectional algorithm. A character class: every line of the book is searched, in C.
_REORDERED = re.compile("[\u0900-\u0dff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\ua9e0-\ua9ff\uaa60-\uaa7f]")


@contextmanager
def tagged_structure(document_language: str) -> Iterator[None]:
    """Complete the PDF's structure tree: each passage in another language gets its own /Lang, each
    footnote is a /Note with an /ID, and each line of a reordering script its /ActualText, as PDF/UA asks.

    WeasyPrint 70 tags the structure of the document but writes /Lang only once, for the whole file, so
    a screen reader would read a Spanish quotation, or a section shown in its original language, with
    the edition's voice; it tags a footnote as the /Span its element is; and the /Span of a line of
    Khmer, Myanmar or Indic text gives its glyphs in visual order, which only /ActualText corrects. Its
    tree builder is wrapped, for the length of this one render only, to correct the structure elements
    it makes. The wrapper is removed afterwards; renders never run concurrently within one process.
    """
    original = weasyprint_tags._build_box_tree
    notes = itertools.count(1)

    def build(box, parent, pdf, page_number, nums, *args):
        element = getattr(box, "element", None)
        reordered = _reordered_texts(box, args[-1])  # before the original takes the boxes out of `tags`
        language = element.get("lang") if element is not None and box.element_tag not in _ROOTS else None
        note = (
            element is not None
            and box.element_tag == "span"
            and "footnote" in (element.get("class") or "").split()
        )
        for structure in original(box, parent, pdf, page_number, nums, *args):
            if language and language != document_language:
                structure["Lang"] = pydyf.String(language)
            if note and structure.get("P") == parent.reference and structure.get("S") == "/Span":
                structure["S"] = "/Note"
                structure["ID"] = pydyf.String(f"note-{next(notes)}")
            yield structure
        # The structure element of each line of Khmer, Myanmar or Indic text carries its text as written,
        # as its marked content does (logical_text): assistive technology reads the tree, not the page.
        for mcid, text in reordered.items():
            if mcid in nums:
                number = int(nums[mcid].split()[0])
                pdf.objects[number]["ActualText"] = pydyf.String(text)

    weasyprint_tags._build_box_tree = build
    try:
        yield
    finally:
        weasyprint_tags._build_box_tree = original


def _reordered_texts(box: object, tags: dict) -> dict[int, str]:
    """The text of each line of `box` (by its marked-content id) whose glyphs may leave text order."""
    texts = {}
    for line in getattr(box, "children", ()):
        if isinstance(line, boxes.LineBox):
            for child in line.children:
                if isinstance(child, boxes.TextBox) and child in tags and _REORDERED.search(child.text):
                    texts[tags[child]["mcid"]] = child.text
    return texts


def finish_direction(direction: str) -> Callable[[pydyf.PDF], None]:
    """A finisher that tells viewers a right-to-left document's pages run from right to left, so that
    two-page views put the first page on the right (/ViewerPreferences /Direction /R2L)."""

    def finish(pdf: pydyf.PDF) -> None:
        if direction == "rtl":
            preferences = pdf.catalog.setdefault("ViewerPreferences", pydyf.Dictionary())
            preferences["Direction"] = "/R2L"

    return finish


_ROOTS = ("html", "body")
