"""The cover: one design for the PDF, the EPUB, the web edition, the landing pages and the sharing image.

The PDF's first page draws it as text (templates/print/book.html calls the same macro with the same
stylesheet, templates/cover/front.html and cover.css); for every other use it is an image of an A4 page,
laid out by WeasyPrint with our own fonts (templates/cover/cover.html) and rasterised by poppler's
`pdftoppm`, which builds already need, then encoded as a JPEG by Pillow: the image never depends on the
fonts of the reader's machine (the old SVG cover showed empty boxes for Thai where Noto was missing),
and the same sources give the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup
from PIL import Image
from weasyprint import HTML

from editions.errors import RenderError, SourceLocation
from editions.model import Report, Translation
from editions.prepare.embedded_fonts import faces_for, font_face_rules, font_mounts
from editions.prepare.fonts import FontSet
from editions.prepare.images import clean_image
from editions.writers import templating
from editions.writers.fetcher import SandboxFetcher, mount_url
from editions.writers.layout_cache import cached_layout

NAME = "cover.jpg"  # the cover's file name in every edition's folder
THUMBNAIL = "cover-small.jpg"  # the same cover for lists of reports, a tenth of the bytes
MEDIA_TYPE = "image/jpeg"
# Pixels; the EPUB cover and the sharing image need no more. The cover is the PDF's first page, an A4
# page (210 × 297 mm), so the image keeps its proportions: 1200 × 1697.
WIDTH, HEIGHT = 1200, round(1200 * 297 / 210)
_QUALITY = 88  # flat colours and text: no visible ringing, about a tenth of the PNG's bytes


def render_cover(
    environment: jinja2.Environment,
    report: Report,
    translation: Translation,
    fonts: FontSet,
    templates: Path,
    mark: str = "",
) -> bytes:
    """The cover of `report` in `translation`'s language, as JPEG bytes, reproducible to the byte;
    `mark` (an internal edition's) is printed across its top."""
    folder = report.root.resolve()
    faces = faces_for(fonts, {translation.language.tag})

    def image(path: Path | None) -> str:
        # Relative to the templates' mount, where the page is laid out: ../report/<path in the report>.
        return f"../report/{path.relative_to(folder).as_posix()}" if path else ""

    page = templating.render(
        environment,
        "cover/cover.html",
        report=report,
        tr=translation,
        logo=image(report.cover.logo),
        partner_logos=[image(path) for path in report.cover.partner_logos],
        photo=image(report.cover.photo),
        internal_mark=mark,
        font_faces=Markup(font_face_rules(faces, templates)),
        font_stacks=Markup(fonts.css()),
    )
    mounts = {"templates": templates, "report": folder, **font_mounts(faces, templates)}

    def draw(fetcher: SandboxFetcher) -> dict[str, bytes]:
        with _missing_glyphs() as missing:
            pdf = HTML(string=page, base_url=mount_url("templates"), url_fetcher=fetcher).write_pdf()
        if missing:
            raise RenderError(
                f"the cover cannot draw every character of its text ({missing[0]}); add a font for it to "
                "templates/fonts/fonts.toml",
                SourceLocation(translation.files[0]),
            )
        return {"jpeg": _jpeg(_rasterise(pdf))}

    # Laid out and rasterised once per design, text and images: every format and rebuild reuses it.
    return cached_layout(fonts.cache, "cover", page, mounts, draw, also=(_poppler_version(),)).parts["jpeg"]


@dataclass(frozen=True)
class CoverImages:
    """Where a page finds the cover's images: the publisher's logo, the partners' logos, the photo."""

    logo: str = ""
    partner_logos: tuple[str, ...] = ()
    photo: str = ""


def stage_cover_images(report: Report, folder: Path, url: Callable[[str], str]) -> CoverImages:
    """Copies of the cover's images in `folder`, for a file that keeps them as they are (the PDF):
    raster images re-encoded from their pixels, so no EXIF, GPS or comment ships; SVG logos as they
    are, since WeasyPrint draws them as vectors and keeps none of their metadata. `url` names a copy."""

    def stage(path: Path | None) -> str:
        if path is None:
            return ""
        if path.suffix.lower() == ".svg":
            data, extension = path.read_bytes(), "svg"
        else:
            data, kind = clean_image(path)
            extension = "jpg" if kind == "JPEG" else "png"
        name = f"cover-{hashlib.sha256(data).hexdigest()[:16]}.{extension}"
        (folder / name).write_bytes(data)
        return url(name)

    return CoverImages(
        logo=stage(report.cover.logo),
        partner_logos=tuple(stage(path) for path in report.cover.partner_logos),
        photo=stage(report.cover.photo),
    )


@functools.cache
def _poppler_version() -> str:
    """pdftoppm's version, which the cover's pixels depend on (part of the cover's cache key)."""
    program = shutil.which("pdftoppm")
    if program is None:
        return "no pdftoppm"  # _rasterise says what to install
    done = subprocess.run([program, "-v"], capture_output=True, text=True, check=False)
    return (done.stderr or done.stdout).splitlines()[0] if (done.stderr or done.stdout) else "pdftoppm"


def _rasterise(pdf: bytes) -> bytes:
    """The first page of `pdf` as PNG bytes of WIDTH × HEIGHT pixels, by poppler's pdftoppm."""
    program = shutil.which("pdftoppm")
    if program is None:
        raise RenderError(
            "pdftoppm (Debian package poppler-utils) is needed to draw covers; install it, or run "
            "build.py once, which installs it"
        )
    result = subprocess.run(
        [
            program,
            *("-png", "-f", "1", "-singlefile", "-aa", "yes", "-aaVector", "yes"),
            *("-scale-to-x", str(WIDTH), "-scale-to-y", str(HEIGHT), "-"),
        ],
        input=pdf,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0 or not result.stdout:
        raise RenderError(f"pdftoppm could not draw the cover: {result.stderr.decode(errors='replace')}")
    return result.stdout


def _jpeg(png: bytes) -> bytes:
    """`png` as a baseline JPEG with no metadata: the same pixels always give the same bytes."""
    with Image.open(io.BytesIO(png)) as image:
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "JPEG", quality=_QUALITY, optimize=True, subsampling="4:2:0")
    return buffer.getvalue()


def thumbnail(cover: bytes) -> bytes:
    """The cover at 360 × 509 pixels, for landing pages on slow connections."""
    with Image.open(io.BytesIO(cover)) as image:
        small = image.resize((WIDTH * 3 // 10, HEIGHT * 3 // 10), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        small.save(buffer, "JPEG", quality=_QUALITY, optimize=True, subsampling="4:2:0")
    return buffer.getvalue()


@contextmanager
def _missing_glyphs() -> Iterator[list[str]]:
    """WeasyPrint's warnings for characters no font draws: they would be boxes on the cover."""
    records: list[str] = []

    class Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith(".notdef"):
                records.append(record.getMessage())

    handler = Handler(level=logging.WARNING)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
