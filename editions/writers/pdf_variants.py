"""The two PDFs of one layout, serialised from one generation: the print file gets crop marks outside
its bleed, the screen file is cut to the trim size and its images are downsampled.

WeasyPrint's `write_pdf` generates the whole PDF at each call: it draws every page, subsets and embeds
every font, builds the structure tree, then serialises. The writer generates the PDF once
(`generate`), serialises it with crop marks for print, takes the marks away again, and cuts and
downsamples the same objects for the screen (`serialise_print_and_screen`). WeasyPrint's own `dpi`,
`jpeg_quality` and `marks: crop` options act when the document is laid out or drawn, so they would need a
second layout or a second generation: the finishers here change the generated objects instead.
"""

from __future__ import annotations

import functools
import gc
import io
import struct
import zlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pydyf
from PIL import Image as PILImage
from weasyprint import DEFAULT_OPTIONS, Document
from weasyprint import pdf as weasyprint_pdf
from weasyprint.document import Page

from editions import forked

# 150 dpi across the widest text block of an A4 page (about 170 mm): sharp on a screen, a fraction of
# the print file's bytes for photographs.
SCREEN_PIXELS = 1000
JPEG_QUALITY = 75
_COLOUR_TYPES = {"/DeviceGray": (0, "L"), "/DeviceRGB": (2, "RGB")}


@dataclass(frozen=True)
class Generated:
    """A PDF WeasyPrint generated once, and how its variant says to serialise it."""

    pdf: pydyf.PDF
    version: str
    identifier: object
    compress: bool


def generate(document: Document, variant: str) -> Generated:
    """Generate `document`'s PDF once, as `Document.write_pdf` would for `variant`, without writing it."""
    options = {**DEFAULT_OPTIONS, "pdf_variant": variant}
    _, properties = weasyprint_pdf.VARIANTS[variant]
    for key, value in tuple(options.items()):
        if value is None and key in properties:
            options[key] = properties[key]
    pdf = weasyprint_pdf.generate_pdf(document, None, 1, **options)
    return Generated(pdf, options["pdf_version"], options["pdf_identifier"], not options["uncompressed_pdf"])


def serialise_print_and_screen(generated: Generated, scratch: Path | None = None) -> tuple[bytes, bytes]:
    """The print file, then the screen file, of one generated PDF (which the screen finisher changes).

    With `scratch`, a folder of the edition's, the screen file is finished and serialised in a forked
    child (editions/forked.py) on a core the build leaves idle, while this process serialises the print
    file: the child has its own copy of the PDF to change. The child's bytes are those this process
    would write; a child that fails leaves the screen file to this process.
    """
    _freeze(generated.pdf)
    target = scratch / "screen.pdf" if scratch is not None else None
    child = forked.fork(functools.partial(_write_screen, generated, target)) if target is not None else None
    # The laid-out boxes, which the frozen page streams no longer hold, form cycles (children point at
    # their parents): they are freed before the files are written, the peak of memory being behind.
    # After the fork, so that the child works meanwhile.
    gc.collect()
    try:
        with crop_marks(generated.pdf):
            printed = _serialise(generated)
    except BaseException:  # the edition fails (or the build is given up): the child is of no use
        if child is not None:
            forked.stop(child)
        raise
    if child is not None and forked.succeeded(child) and target is not None:
        screen = target.read_bytes()
        target.unlink()
        return printed, screen
    finish_for_screen(generated.pdf)
    return printed, _serialise(generated)


def _write_screen(generated: Generated, target: Path) -> None:
    """In a forked child: the screen file, written to `target`, under another name until it is whole."""
    # The child leaves as soon as the file is written: collecting the parent's garbage here would only
    # copy the pages it shares with the parent.
    gc.disable()
    finish_for_screen(generated.pdf)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(_serialise(generated))
    partial.replace(target)


def _serialise(generated: Generated) -> bytes:
    """The bytes of the PDF as it is now; it can be changed and serialised again afterwards."""
    pdf = generated.pdf
    count = len(pdf.objects)
    output = io.BytesIO()
    pdf.write(output, generated.version, generated.identifier, generated.compress)
    # write() appends the info dictionary, the object stream and the cross-reference stream, and counts
    # the bytes it wrote: as they were, for the next serialisation.
    del pdf.objects[count:]
    pdf.current_position, pdf.xref_position = 0, None
    return output.getvalue()


@contextmanager
def pages_compressed_as_drawn(beside: bool = False) -> Iterator[None]:
    """Compress each page's content as soon as WeasyPrint has drawn it, for the length of this one render.

    A drawn page is a list of small operators, several megabytes for a long book until the PDF is
    written: compressed at once, the pages no longer add up while the rest is drawn, and the peak of
    memory is lower. The bytes are those pydyf would write. `Page.paint` is wrapped, for this render
    only; renders never run concurrently within one process.

    `beside`: on a core the build leaves idle, a thread compresses each page while the next is drawn
    (zlib lets go of Python's lock); every page is compressed when the block ends.
    """
    original = Page.paint
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="compress") if beside else None
    pending: list[tuple[pydyf.Stream, Future[bytes]]] = []

    def paint(page: Page, stream: pydyf.Stream, *args: object, **kwargs: object) -> None:
        original(page, stream, *args, **kwargs)
        data = _flat(stream)
        if data is None:
            return
        if pool is None:
            stream.stream = [_deflate(data)]
        else:
            stream.stream = []  # until the block ends: nothing reads a drawn page's content before
            pending.append((stream, pool.submit(_deflate, data)))

    Page.paint = paint
    try:
        yield
    finally:
        Page.paint = original
        if pool is not None:
            for stream, compressed in pending:
                stream.stream = [compressed.result()]
            pool.shutdown()


def _compress(stream: pydyf.Stream) -> None:
    """Compress `stream` now as pydyf would when writing it (zlib level 9, /Filter after its other keys)."""
    data = _flat(stream)
    if data is not None:
        stream.stream = [_deflate(data)]


def _flat(stream: pydyf.Stream) -> bytes | None:
    """The content of `stream` as pydyf would compress it, marked compressed; None if it is not to be."""
    if not stream.compress or "Filter" in stream.extra:
        return None
    stream.extra["Filter"] = "/FlateDecode"
    stream.compress = False
    return b"\n".join(pydyf._to_bytes(item) for item in stream.stream)


def _deflate(data: bytes) -> bytes:
    """`data` compressed as pydyf compresses a stream."""
    compressor = zlib.compressobj(level=9)
    return compressor.compress(data) + compressor.flush()


def _freeze(pdf: pydyf.PDF) -> None:
    """Serialise now, once for both files, every object the two files share unchanged.

    Streams are compressed, and WeasyPrint's page streams, which keep their drawing state and, through
    their tags, the laid-out boxes, become plain ones that free them. Every other object but the pages
    (which crop marks and the cut change) and the images (which the screen file downsamples) is kept
    as its bytes: the structure tree, the outline, the fonts' dictionaries are written twice but
    serialised once, and their many small Python objects are freed.
    """
    pages = {number for number in pdf.pages["Kids"][::3]}
    for index, obj in enumerate(pdf.objects):
        if obj.free == "f" or obj.number in pages or _is_image(obj):
            continue
        if isinstance(obj, pydyf.Stream):
            _compress(obj)
            plain = pydyf.Stream(obj.stream, dict(obj.extra), compress=obj.compress)
        else:
            plain = _Serialised(obj.data)
        plain.number, plain.generation = obj.number, obj.generation
        pdf.objects[index] = plain


class _Serialised(pydyf.Object):
    """An object that is already its bytes."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = data

    @property
    def data(self) -> bytes:
        """The object's bytes, as they were when it was serialised."""
        return self._data


# Crop marks start 3 mm from the trim (past the bleed) and are 5 mm long, in hairlines of registration
# colour (every ink), as print shops expect; the page grows to hold them.
MM = 72 / 25.4
MARK_OFFSET = 3 * MM
MARK_LENGTH = 5 * MM
MARK_MARGIN = MARK_OFFSET + MARK_LENGTH + 1 * MM


@contextmanager
def crop_marks(pdf: pydyf.PDF) -> Iterator[None]:
    """Draw crop marks at the corners of every page's trim box, outside its bleed, as artifacts; take
    them away again afterwards, leaving the PDF as it was."""
    count = len(pdf.objects)
    pages = [pdf.objects[number] for number in pdf.pages["Kids"][::3]]
    saved = [(page, page["Contents"], page["MediaBox"]) for page in pages]
    for page in pages:
        if "TrimBox" in page:
            _add_crop_marks(pdf, page)
    try:
        yield
    finally:
        for page, contents, media_box in saved:
            page["Contents"], page["MediaBox"] = contents, media_box
        del pdf.objects[count:]


def _add_crop_marks(pdf: pydyf.PDF, page: pydyf.Dictionary) -> None:
    """Draw the crop marks of one page, which grows to hold them."""
    left, bottom, right, top = (float(value) for value in page["TrimBox"])
    # WeasyPrint writes boxes top-down; PDF user space runs bottom-up from the trim's corner.
    low, high = min(bottom, top), max(bottom, top)
    marks = pydyf.Stream(compress=True)
    marks.stream = [b"/Artifact BMC q 0.25 w 1 1 1 1 K"]
    for x, y, dx, dy in (
        (left, low, -1, -1),
        (right, low, 1, -1),
        (left, high, -1, 1),
        (right, high, 1, 1),
    ):
        for horizontal in (True, False):
            x1 = x + dx * MARK_OFFSET if horizontal else x
            y1 = y if horizontal else y + dy * MARK_OFFSET
            x2 = x1 + dx * MARK_LENGTH if horizontal else x1
            y2 = y1 if horizontal else y1 + dy * MARK_LENGTH
            marks.stream.append(f"{x1:.3f} {y1:.3f} m {x2:.3f} {y2:.3f} l S".encode())
    marks.stream.append(b"Q EMC")
    pdf.add_object(marks)
    page["Contents"] = pydyf.Array([marks.reference, page["Contents"]])
    page["MediaBox"] = pydyf.Array(
        [left - MARK_MARGIN, low - MARK_MARGIN, right + MARK_MARGIN, high + MARK_MARGIN]
    )


def finish_for_screen(pdf: pydyf.PDF) -> None:
    """Cut every page to its trim box (no bleed, no crop marks) and downsample every image."""
    for index in range(0, len(pdf.pages["Kids"]), 3):
        page = pdf.objects[pdf.pages["Kids"][index]]
        if "TrimBox" in page:
            page["MediaBox"] = page.pop("TrimBox")
            page.pop("BleedBox", None)
    masks = {str(obj.extra["SMask"]) for obj in pdf.objects if _is_image(obj) and "SMask" in obj.extra}
    for obj in pdf.objects:
        if _is_image(obj) and f"{obj.number} 0 R" not in masks:
            _downsample(obj)


def _is_image(obj: object) -> bool:
    return isinstance(obj, pydyf.Stream) and obj.extra.get("Subtype") == "/Image"


def _downsample(image: pydyf.Stream) -> None:
    """Replace a PNG-predicted image by a smaller one: JPEG, or PNG when that is smaller (diagrams)."""
    picture = _decode(image)
    if picture is None or (max(picture.size) <= SCREEN_PIXELS and image.extra.get("Filter") == "/DCTDecode"):
        return
    picture.thumbnail((SCREEN_PIXELS, SCREEN_PIXELS), PILImage.Resampling.LANCZOS)
    jpeg = io.BytesIO()
    picture.save(jpeg, "JPEG", quality=JPEG_QUALITY, optimize=True)
    png = _png_data(picture)
    original = b"".join(_bytes(item) for item in image.stream)
    smallest = min(len(jpeg.getvalue()), len(png), len(original))
    if smallest == len(original):
        return
    image.extra["Width"], image.extra["Height"] = picture.size
    if smallest == len(png):
        image.extra["Filter"] = "/FlateDecode"
        image.extra["DecodeParms"] = pydyf.Dictionary(
            {"Predictor": 15, "Columns": picture.width, "Colors": 3 if picture.mode == "RGB" else 1}
        )
        image.stream = [png]
    else:
        image.extra["Filter"] = "/DCTDecode"
        image.extra.pop("DecodeParms", None)
        image.stream = [jpeg.getvalue()]


def _decode(image: pydyf.Stream) -> PILImage.Image | None:
    """The pixels of an image object WeasyPrint wrote: a JPEG, or PNG scanlines behind a predictor."""
    data = b"".join(_bytes(item) for item in image.stream)
    space = str(image.extra.get("ColorSpace"))
    if image.extra.get("Filter") == "/DCTDecode":
        picture = PILImage.open(io.BytesIO(data))
        return picture.convert("RGB") if picture.mode not in ("RGB", "L") else picture
    if image.extra.get("Filter") != "/FlateDecode" or space not in _COLOUR_TYPES:
        return None
    width, height = int(image.extra["Width"]), int(image.extra["Height"])
    colour_type, mode = _COLOUR_TYPES[space]
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")
    picture = PILImage.open(io.BytesIO(png))
    picture.load()
    return picture.convert(mode)


def _png_data(picture: PILImage.Image) -> bytes:
    """The compressed scanlines of `picture` as PNG stores them, which a PDF reads with a predictor."""
    buffer = io.BytesIO()
    # zlib's default level: level 9 (`optimize`) took 2.7 times as long for 0.6 % fewer bytes on the
    # benchmark's charts, and the screen file is the one that is quick to make.
    picture.save(buffer, "PNG", compress_level=6)
    return png_chunks(buffer.getvalue(), b"IDAT")


def png_chunks(png: bytes, kind: bytes) -> bytes:
    """The bodies of the chunks of `kind` in the PNG file `png`, joined (the scanlines, for IDAT)."""
    position, found = 8, []
    while position + 8 <= len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        if png[position + 4 : position + 8] == kind:
            found.append(png[position + 8 : position + 8 + length])
        position += 12 + length
    return b"".join(found)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _bytes(item: object) -> bytes:
    if isinstance(item, bytes):
        return item
    return item.data if hasattr(item, "data") else str(item).encode()
