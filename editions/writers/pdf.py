"""The PDF editions: one layout by WeasyPrint, written as two tagged PDF/UA-1 files.

`<slug>-<lang>.pdf` is for reading on a screen (the default download): A4 pages, images downsampled.
`<slug>-<lang>-print.pdf` is for a print shop: 3 mm of bleed around each page, crop marks, and images
at their full resolution.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from markupsafe import Markup
from weasyprint import HTML
from weasyprint.pdf.fonts import Font
from weasyprint.urls import FatalURLFetchingError

from editions.errors import RenderError, SourceLocation
from editions.model import Artifact, Format
from editions.prepare import transform
from editions.prepare.fonts import Face, FontSet
from editions.writers import EditionContext, templating
from editions.writers.fetcher import SandboxFetcher, mount_url
from editions.writers.pdf_access import complete_text_mappings, tagged_languages
from editions.writers.pdf_screen import finish_for_screen


def write_pdf(context: EditionContext) -> tuple[Artifact, ...]:
    """Lay the edition out once and write its screen and print PDFs; any WeasyPrint ERROR fails it."""
    job = context.job
    templates = job.site.templates_dir
    sources = {image.source: mount_url("edition", image.name) for image in context.document.images}
    chapters = []
    notices = context.notices(Format.PDF)
    for chapter in context.document.chapters:
        section = transform.parse(chapter.html)
        transform.replace_sources(section, sources)
        transform.add_notices(section, notices, context.job.translation.language.tag)
        chapters.append(Markup(transform.to_html(section)))
    page = templating.render(
        context.environment,
        "print/book.html",
        **context.template_context(Format.PDF),
        chapters=chapters,
        font_faces=Markup(_font_faces(context.fonts.faces, templates)),
    )
    fetcher = SandboxFetcher({"templates": templates, "edition": context.work})
    try:
        with _weasyprint_errors() as errors, tagged_languages(job.translation.language.tag):
            document = HTML(string=page, base_url=mount_url("templates"), url_fetcher=fetcher).render()
            printed = document.write_pdf(pdf_variant="pdf/ua-1")
            if complete_text_mappings(document.fonts.values()):
                printed = document.write_pdf(pdf_variant="pdf/ua-1")
            # Last: the finisher changes the image objects it is given.
            screen = document.write_pdf(pdf_variant="pdf/ua-1", finisher=finish_for_screen)
    except FatalURLFetchingError as refused:  # a BaseException: it must fail this edition, nothing more
        raise RenderError(
            f"the PDF renderer was refused a file ({refused}): templates and stylesheets may use only "
            "files of templates/ and of the edition",
            SourceLocation(Path("print/book.html")),
        ) from None
    errors += foreign_fonts(document.fonts.values(), context.fonts)
    if errors:
        raise RenderError(
            f"the PDF renderer reported: {errors[0]}"
            + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""),
            SourceLocation(job.translation.files[0]),
        )
    name = context.format_name(Format.PDF)
    return (
        context.stage(name, screen, Format.PDF, variant="screen"),
        context.stage(name.removesuffix(".pdf") + "-print.pdf", printed, Format.PDF, variant="print"),
    )


def foreign_fonts(used: Iterable[Font], fonts: FontSet) -> list[str]:
    """Fonts in the PDF that are not ours: the machine's own, chosen for a character ours lack. They
    would make the PDF differ from one machine to the next, so they fail the edition."""
    ours = {face.family for face in fonts.faces}
    return [
        f"it would use the font '{font.family}' of this machine, which is not in "
        "templates/fonts/fonts.toml, for some characters"
        for font in used
        if font.family not in ours
    ]


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
