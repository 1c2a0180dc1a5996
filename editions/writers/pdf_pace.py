"""WeasyPrint's layout and generation of a long book made cheaper, without changing a byte of the PDF.

Three costs of WeasyPrint grow faster than the book, and one is paid for every figure, measured on a
324-page edition:

- **Full garbage collections during the layout.** As the laid-out pages pile up, Python runs a full
  collection each time the objects grow by a quarter: 11 of them, each longer than the last, 2.9 s in
  all. They find nothing: the layout keeps what it makes, and the short-lived cycles it drops die young,
  where the young collections find them. `no_full_collections` keeps those young collections and leaves
  the full ones to the writer, which runs one where it frees something: when the layout ends (it drops
  the states it kept to make each page, in cycles) and once the drawn pages let go of the boxes.
- **Page references formatted again for every tag.** `pydyf.PDF.page_references` formats a reference
  for every page each time it is read, and WeasyPrint reads it for each of the structure tree's
  elements and each named destination: 28,600 reads of 324 references, 9.3 million strings.
  `page_references_counted_once` formats them once for as long as the pages do not change.
- **Every box of every line compared with every footnote still to place.** To find the footnotes a
  line calls, WeasyPrint asks, for each box of the line, whether its note (most often none) is in the
  list of notes not yet placed: a walk of that whole list, hundreds of notes long in a report, for
  each of the book's boxes. `footnotes_found_at_once` answers "no note" without the walk.
- **Every PNG figure decoded and encoded again**, only to take the compressed scanlines out of the new
  file: 1.7 s for 80 figures. A PDF reads the scanlines of any 8-bit, non-interlaced PNG of the same
  colours as they are (a Flate stream behind a PNG predictor), so `png_scanlines_as_stored` takes them
  from the file the edition already holds: our cleaned images were written by the same encoder with the
  same settings, so even the bytes are those WeasyPrint would write.

Each changes a class or the interpreter's collector for the length of one block only; renders never run
concurrently within one process.
"""

from __future__ import annotations

import gc
import io
import struct
from collections.abc import Iterator
from contextlib import contextmanager

import pydyf
from PIL import Image as PILImage
from weasyprint.images import RasterImage
from weasyprint.layout import LayoutContext

from editions.writers.pdf_variants import png_chunks

_KEPT = "_editions_page_references"


@contextmanager
def no_full_collections() -> Iterator[None]:
    """No full (oldest-generation) garbage collection inside the block; the young ones go on."""
    thresholds = gc.get_threshold()
    # The oldest generation is collected after `threshold2` collections of the middle one: a count the
    # block never reaches. What they would have freed waits for the caller's own `gc.collect()`.
    gc.set_threshold(thresholds[0], thresholds[1], 2**30)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@contextmanager
def page_references_counted_once() -> Iterator[None]:
    """`pydyf.PDF.page_references` formatted once per number of pages, inside the block."""
    original = pydyf.PDF.page_references

    def kept(pdf: pydyf.PDF) -> tuple[bytes, ...]:
        # Pages are only ever added (`add_page`), so their number says whether the references changed.
        count = len(pdf.pages["Kids"])
        known = pdf.__dict__.get(_KEPT)
        if known is None or known[0] != count:
            known = (count, original.fget(pdf))
            pdf.__dict__[_KEPT] = known
        return known[1]

    pydyf.PDF.page_references = property(kept)
    try:
        yield
    finally:
        pydyf.PDF.page_references = original


class _Footnotes(list):
    """WeasyPrint's list of footnotes still to place, where looking up "no footnote" is immediate.

    The list holds only footnote boxes, never None: `None in footnotes` is False whatever the list
    holds, and every other lookup is the list's own. Its copies are of the same kind.
    """

    def __contains__(self, item: object) -> bool:
        return item is not None and list.__contains__(self, item)

    def copy(self) -> _Footnotes:
        """A shallow copy, that looks up "no footnote" at once too."""
        return _Footnotes(self)


@contextmanager
def footnotes_found_at_once() -> Iterator[None]:
    """Inside the block, each layout's list of footnotes to place answers "no footnote" at once."""
    original = LayoutContext.__init__

    def init(context: LayoutContext, *args: object, **kwargs: object) -> None:
        original(context, *args, **kwargs)
        context.footnotes = _Footnotes(context.footnotes)

    LayoutContext.__init__ = init
    try:
        yield
    finally:
        LayoutContext.__init__ = original


# The PNG colour types a PDF reads as WeasyPrint declares them: grey (0) as /DeviceGray, RGB (2) as
# /DeviceRGB, 8 bits each, with the image's mode as Pillow opens them.
_AS_STORED = {(0, "L"), (2, "RGB")}


def stored_scanlines(picture: PILImage.Image) -> bytes | None:
    """The compressed scanlines of the PNG file `picture` was opened from, as a PDF can read them; None
    when it was not opened from a whole PNG file in memory, or is not 8-bit, grey or RGB, non-interlaced."""
    source = getattr(picture, "fp", None)
    if picture.format != "PNG" or not isinstance(source, io.BytesIO):
        return None
    png = source.getvalue()
    header = png_chunks(png, b"IHDR")
    if len(header) != 13:
        return None
    _, _, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or interlace != 0 or (colour_type, picture.mode) not in _AS_STORED:
        return None
    return png_chunks(png, b"IDAT")


@contextmanager
def png_scanlines_as_stored() -> Iterator[None]:
    """Inside the block, WeasyPrint takes a PNG figure's scanlines from its file instead of encoding
    them again; pictures it made itself (a mask, a converted copy) it still encodes."""
    kept, original = RasterImage.__dict__["_get_png_data"], RasterImage._get_png_data

    def scanlines(picture: PILImage.Image) -> bytes:
        stored = stored_scanlines(picture)
        return stored if stored is not None else original(picture)

    RasterImage._get_png_data = staticmethod(scanlines)
    try:
        yield
    finally:
        RasterImage._get_png_data = kept
