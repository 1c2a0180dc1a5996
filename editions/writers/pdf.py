"""The print edition: one tagged PDF/UA-1 file per edition, rendered by WeasyPrint."""

from __future__ import annotations

import dataclasses
import hashlib
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
from editions.prepare.code import mark_code, mark_code_lines
from editions.prepare.fonts import Face, FontSet
from editions.writers import EditionContext, templating
from editions.writers.fetcher import SandboxFetcher, mount_url
from editions.writers.pdf_access import complete_text_mappings, tagged_languages


def write_pdf(context: EditionContext) -> tuple[Artifact, ...]:
    """Render the edition to `<slug>-<lang>.pdf`; any WeasyPrint ERROR fails the edition."""
    job = context.job
    templates = job.site.templates_dir
    sources = {image.source: mount_url("edition", image.name) for image in context.document.images}
    chapters = []
    notices = context.notices(Format.PDF)
    for chapter in context.document.chapters:
        section = transform.parse(chapter.html)
        transform.replace_sources(section, sources)
        transform.add_notices(section, notices, context.job.translation.language.tag)
        mark_code(section, scrollable=False)
        mark_code_lines(section)
        chapters.append(Markup(transform.to_html(section)))
    page = templating.render(
        context.environment,
        "print/book.html",
        **context.template_context(Format.PDF),
        chapters=chapters,
        font_faces=Markup(_font_faces(_used_faces(context), templates)),
    )
    mounts = {"templates": templates, "edition": context.work, **_font_folders(context.fonts, templates)}
    fetcher = SandboxFetcher(mounts)
    try:
        with _weasyprint_errors() as errors, tagged_languages(job.translation.language.tag):
            document = HTML(string=page, base_url=mount_url("templates"), url_fetcher=fetcher).render()
            pdf = document.write_pdf(pdf_variant="pdf/ua-1")
            if complete_text_mappings(document.fonts.values()):
                pdf = document.write_pdf(pdf_variant="pdf/ua-1")
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
    return (context.stage(context.format_name(Format.PDF), pdf, Format.PDF),)


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


def _used_faces(context: EditionContext) -> tuple[Face, ...]:
    """The faces of the stacks of the languages this edition holds (its own, and any passage marked in
    another), with the default stack's. WeasyPrint loads every face it is given, and a CJK face costs half
    a second even in a French PDF that never uses it."""
    document, tag = context.document, context.job.translation.language.tag
    roots = (
        transform.parse(f"<div>{html}</div>")
        for html in (document.abstract_html, *(chapter.html for chapter in document.chapters))
    )
    languages = {"", tag, *(language for language, _ in transform.language_texts(roots, tag))}
    stacks = [context.fonts.stack_for(language) for language in languages]
    families = {
        family
        for stack in stacks
        for value in (getattr(stack, field.name) for field in dataclasses.fields(stack))
        if isinstance(value, tuple)
        for family in value
    }
    return tuple(face for face in context.fonts.faces if face.family in families)


def _font_faces(faces: tuple[Face, ...], templates: Path) -> str:
    """@font-face rules pointing at the shipped font files; WeasyPrint embeds only the glyphs used."""
    return "".join(
        f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; font-style: {face.style}; '
        f'src: url("{_font_url(face, templates)}"); }}\n'
        for face in faces
    )


def _font_url(face: Face, templates: Path) -> str:
    """A face's URL, relative to the templates' (the page's base): a shipped file, or one in the mount of a
    packaged font's folder beside them (a relative URL, as the page audit accepts no other in CSS)."""
    if face.path.is_relative_to(templates):
        return face.path.relative_to(templates).as_posix()
    return f"../{_font_mount(face.path.parent)}/{face.path.name}"


def _font_folders(fonts: FontSet, templates: Path) -> dict[str, Path]:
    """The folders of faces from system packages (see font_sources), each mounted on its own."""
    folders = {face.path.parent for face in fonts.faces if not face.path.is_relative_to(templates)}
    return {_font_mount(folder): folder for folder in folders}


def _font_mount(folder: Path) -> str:
    # Named after the folder's own name, not its place: WeasyPrint derives internal names from URLs, and
    # the PDF must be the same on every machine, whatever the home or cache folder.
    return "fonts-" + hashlib.sha256(folder.name.encode()).hexdigest()[:12]


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
