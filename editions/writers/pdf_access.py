"""What WeasyPrint's tagged PDF lacks for search, copy and assistive technology, added at render time."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pydyf
from fontTools.ttLib import TTFont
from weasyprint.pdf import tags as weasyprint_tags
from weasyprint.pdf.fonts import Font


def complete_text_mappings(fonts: Iterable[Font]) -> bool:
    """Correct the text of glyphs WeasyPrint could not map alone; return whether any changed.

    WeasyPrint maps each glyph to the text of its cluster, so in a multi-glyph cluster the first
    glyph maps to nothing and a mark may carry the whole cluster: Thai "ทำ" (drawn as NIKHAHIT +
    SARA AA) came out of the PDF as "ทา", and a tone mark as "ก่". That is what search, copy and
    screen readers get. The font's own tables say which character such a glyph draws. Mappings are
    kept between renders of one document, so a second render writes the corrected ones.
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
            # Ligatures ("fi") rightly carry several characters: only empty texts and marks are confused.
            if character and text != character and (not text or _has_mark(text) or _has_mark(character)):
                font.to_unicode[glyph] = character
                changed = True
    return changed


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
def tagged_languages(document_language: str) -> Iterator[None]:
    """Give each passage in another language its own /Lang in the PDF's structure tree.

    WeasyPrint 70 tags the structure of the document but writes /Lang only once, for the whole file, so
    a screen reader would read a Spanish quotation, or a section shown in its original language, with
    the edition's voice. Its tree builder is wrapped, for the length of this one render only, to copy
    an element's `lang` attribute onto the structure element made for it. The wrapper is removed
    afterwards; renders never run concurrently within one process.
    """
    original = weasyprint_tags._build_box_tree

    def build(box, parent, *args):
        element = getattr(box, "element", None)
        language = element.get("lang") if element is not None and box.element_tag not in _ROOTS else None
        for structure in original(box, parent, *args):
            if language and language != document_language:
                structure["Lang"] = pydyf.String(language)
            yield structure

    weasyprint_tags._build_box_tree = build
    try:
        yield
    finally:
        weasyprint_tags._build_box_tree = original


_ROOTS = ("html", "body")
