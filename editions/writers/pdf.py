"""The PDF editions: one layout by WeasyPrint, written as two tagged PDF/UA-1 files.

`<slug>-<lang>.pdf` is for reading on a screen (the default download): A4 pages, images downsampled.
`<slug>-<lang>-print.pdf` is for a print shop: 3 mm of bleed around each page, crop marks, and images
at their full resolution.
"""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pydyf
from markupsafe import Markup
from weasyprint import HTML, Document
from weasyprint.pdf.fonts import Font
from weasyprint.urls import FatalURLFetchingError

from editions.errors import RenderError, SourceLocation
from editions.model import Format, PageBreak, PageMap
from editions.prepare import blocks, chapters
from editions.prepare.cover import stage_cover_images
from editions.prepare.embedded_fonts import faces_for, font_face_rules, font_mounts
from editions.prepare.fonts import FontSet
from editions.prepare.word_breaks import word_broken_html
from editions.writers import EditionContext, Written, templating
from editions.writers.fetcher import SandboxFetcher, mount_url
from editions.writers.layout_cache import cached_layout
from editions.writers.pdf_access import (
    completed_text_mappings,
    finish_direction,
    logical_text,
    tagged_structure,
)
from editions.writers.pdf_pace import (
    footnotes_found_at_once,
    no_full_collections,
    page_references_counted_once,
    png_scanlines_as_stored,
)
from editions.writers.pdf_variants import generate, pages_compressed_as_drawn, serialise_print_and_screen


def write_pdf(context: EditionContext) -> Written:
    """Lay the edition out once, generate its PDF once and write it as the screen and print PDFs; any
    WeasyPrint ERROR fails it.

    Also returns where each page begins in the text, for the EPUB's page-list."""
    job = context.job
    templates = job.site.templates_dir
    prepared = chapters.prepare(
        context.document,
        chapters.Recipe(
            tag=job.translation.language.tag,
            sources={image.source: mount_url("edition", image.name) for image in context.document.images},
            notices=context.notices(Format.PDF),
            print_layout=True,
            anchor_blocks=True,
        ),
    )
    faces = faces_for(context.fonts, prepared.languages)
    page = templating.render(
        context.environment,
        "print/book.html",
        **{
            **context.template_context(Format.PDF),
            "abstract_html": Markup(word_broken_html(prepared.abstract_html)),
            "chapters": [Markup(chapter.html) for chapter in prepared.chapters],
            # Relative to the templates' mount, where the page is laid out: the edition's files are
            # ../edition/.
            "cover_images": stage_cover_images(job.report, context.work, lambda name: f"../edition/{name}"),
            # The back cover's contact details: the report's own, else the publisher's from the site's.
            "contact": dict(job.site.contact) | dict(job.report.publication.contact),
            "font_faces": Markup(font_face_rules(faces, templates)),
        },
    )
    mounts = {"templates": templates, "edition": context.work, **font_mounts(faces, templates)}
    # The layout is the costliest step of a build: a page laid out before, reading the same files, is
    # taken from the cache (a CI shard, a rebuild with --force, another copy of the project).
    # The page map comes with them: the page holds the blocks' ids, so one layout gives one page map.
    layout = cached_layout(
        context.fonts.cache,
        "pdf-layout",
        page,
        mounts,
        lambda fetcher: _lay_out(context, page, fetcher, prepared.anchors),
    )
    parts = layout.parts
    name = context.format_name(Format.PDF)
    page_map = PageMap(
        source=job.report.identifiers[job.translation.language.tag][Format.PDF],
        breaks=_breaks_from_json(parts["page-breaks"]),
    )
    return Written(
        (
            context.stage(name, parts["screen"], Format.PDF, variant="screen"),
            context.stage(
                name.removesuffix(".pdf") + "-print.pdf", parts["print"], Format.PDF, variant="print"
            ),
        ),
        page_map=page_map,
        reused=layout.reused,
        pages=int(parts["pages"]),
    )


def _lay_out(
    context: EditionContext, page: str, fetcher: SandboxFetcher, anchors: Mapping[str, tuple[int, int]]
) -> dict[str, bytes]:
    """Lay `page` out and generate its PDF once, and serialise it as the screen and print PDFs, with
    where each page begins in the text (`anchors`: the blocks' ids); any WeasyPrint ERROR fails it."""
    job = context.job
    # What earlier stages left in reference cycles (the cover's layout, the parsed chapters) is freed
    # before the book's layout, the peak of a build's memory, rather than whenever the collector runs.
    gc.collect()
    try:
        with (
            _weasyprint_errors() as errors,
            tagged_structure(job.translation.language.tag),
            logical_text(),
            completed_text_mappings(),
            pages_compressed_as_drawn(beside=context.cores > 1),
            no_full_collections(),
            footnotes_found_at_once(),
            png_scanlines_as_stored(),
        ):
            document = HTML(string=page, base_url=mount_url("templates"), url_fetcher=fetcher).render()
            # The one full collection the layout needs, at its end: the states it kept to make each page
            # are dropped there, in cycles, and freed before the pages are drawn (the peak of memory).
            # The drawing leaves no such garbage; the boxes are freed after it.
            gc.collect()
            page_breaks = _page_breaks(document, anchors)
            _drop_block_anchors(document)
            with page_references_counted_once():
                generated = generate(document, "pdf/ua-1")
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
    pages = str(len(document.pages)).encode("ascii")
    # Only the generated PDF is needed from here: without the document, the laid-out boxes are freed
    # once the page streams that still point at them are serialised (serialise_print_and_screen).
    del document
    finish_direction(job.translation.language.direction)(generated.pdf)
    cover_title_as_written(job.translation.title)(generated.pdf)
    printed, screen = serialise_print_and_screen(generated, context.work if context.cores > 1 else None)
    return {"screen": screen, "print": printed, "page-breaks": _breaks_to_json(page_breaks), "pages": pages}


def _page_breaks(document: Document, anchors: Mapping[str, tuple[int, int]]) -> tuple[PageBreak, ...]:
    """Where each page begins in the text, from the blocks WeasyPrint found on each page.

    The page numbers are the folios book.css prints, counter(page) from 1 on the cover, with no
    /PageLabels: the page at index i is page i + 1, in the screen and the print PDF alike (one layout).
    """
    return blocks.page_breaks([tuple(page.anchors) for page in document.pages], anchors)


def _breaks_to_json(breaks: tuple[PageBreak, ...]) -> bytes:
    """The page breaks as the layout cache keeps them."""
    return json.dumps([[b.part, b.block, b.label] for b in breaks]).encode("utf-8")


def _breaks_from_json(data: bytes) -> tuple[PageBreak, ...]:
    """The page breaks `_breaks_to_json` kept."""
    return tuple(PageBreak(part, block, label) for part, block, label in json.loads(data))


def _drop_block_anchors(document: Document) -> None:
    """Take the ids given to blocks for the page map out of the pages' anchors: the PDF is written as
    if they had never been there, without a named destination for every paragraph."""
    for page in document.pages:
        for name in [name for name in page.anchors if name.startswith(blocks.ANCHOR_PREFIX)]:
            del page.anchors[name]


_HEADING = ("/StructElem", "/H1")


def cover_title_as_written(title: str) -> Callable[[pydyf.PDF], None]:
    """A finisher that gives the cover's title, set in capitals by style (so its text in the PDF is in
    capitals), its words as written for screen readers: /ActualText on the document's first H1."""

    def finish(pdf: pydyf.PDF) -> None:
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and (obj.get("Type"), obj.get("S")) == _HEADING:
                obj["ActualText"] = pydyf.String(title)
                return

    return finish


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
