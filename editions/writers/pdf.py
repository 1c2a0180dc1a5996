"""The print edition: one tagged PDF/UA-1 file per edition, rendered by WeasyPrint."""

from __future__ import annotations

import io
import logging
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from fontTools.ttLib import TTFont
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.pdf.fonts import Font

from editions import templating, transform
from editions.errors import RenderError, SourceLocation
from editions.fetcher import SandboxFetcher, mount_url
from editions.fonts import Face
from editions.model import Format
from editions.writers import EditionContext


def write_pdf(context: EditionContext) -> tuple[Path, ...]:
    """Render the edition to `<slug>-<lang>.pdf`; any WeasyPrint ERROR fails the edition."""
    job = context.job
    templates = job.site.templates_dir
    sources = {image.source: mount_url("edition", image.name) for image in context.document.images}
    chapters = []
    for chapter in context.document.chapters:
        section = transform.parse(chapter.html)
        transform.replace_sources(section, sources)
        chapters.append(Markup(transform.to_html(section)))
    page = templating.render(
        context.environment,
        "print/book.html",
        **context.template_context(Format.PDF),
        chapters=chapters,
        font_faces=Markup(_font_faces(context.fonts.faces, templates)),
    )
    fetcher = SandboxFetcher({"templates": templates, "edition": context.work})
    target = context.format_target(Format.PDF)
    with _weasyprint_errors() as errors:
        document = HTML(string=page, base_url=mount_url("templates"), url_fetcher=fetcher).render()
        pdf = document.write_pdf(pdf_variant="pdf/ua-1")
        if complete_text_mappings(document.fonts.values()):
            pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    if errors:
        raise RenderError(
            f"the PDF renderer reported: {errors[0]}"
            + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""),
            SourceLocation(job.translation.files[0]),
        )
    target.write_bytes(pdf)
    return (target.relative_to(context.staging),)


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


def _font_faces(faces: tuple[Face, ...], templates: Path) -> str:
    """@font-face rules pointing at the shipped font files; WeasyPrint embeds only the glyphs used."""
    return "".join(
        f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; font-style: {face.style}; '
        f'src: url("{face.path.relative_to(templates).as_posix()}"); }}\n'
        for face in faces
    )


@contextmanager
def _weasyprint_errors() -> Iterator[list[str]]:
    """Collect what WeasyPrint reports while rendering: missing images, alt texts, anchors, glyphs."""
    records: list[str] = []
    handler = _ListHandler(records)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


class _ListHandler(logging.Handler):
    """Keeps ERROR records, and the WARNING WeasyPrint gives for a character no font can draw."""

    def __init__(self, records: list[str]) -> None:
        super().__init__(level=logging.WARNING)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.ERROR or message.startswith(".notdef"):
            self.records.append(message)
