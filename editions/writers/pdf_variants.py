"""The two PDFs written from one layout, as WeasyPrint finishers: the print file gets crop marks
outside its bleed, the screen file is cut to the trim size and its images are downsampled.

Laying out an edition is most of the PDF's cost; writing it twice from one layout is cheap. WeasyPrint's
own `dpi` and `jpeg_quality` options act when the document is laid out, so they would need a second
layout: the screen finisher re-encodes the image objects of the second file instead. WeasyPrint 70 can
draw crop marks itself (`marks: crop`), but it adds them to the layout again at each write, so the
second file would carry two sets: the print finisher draws them instead.
"""

from __future__ import annotations

import io
import struct
import zlib

import pydyf
from PIL import Image as PILImage

# 150 dpi across the widest text block of an A4 page (about 170 mm): sharp on a screen, a fraction of
# the print file's bytes for photographs.
SCREEN_PIXELS = 1000
JPEG_QUALITY = 75
_COLOUR_TYPES = {"/DeviceGray": (0, "L"), "/DeviceRGB": (2, "RGB")}


# Crop marks start 3 mm from the trim (past the bleed) and are 5 mm long, in hairlines of registration
# colour (every ink), as print shops expect; the page grows to hold them.
MM = 72 / 25.4
MARK_OFFSET = 3 * MM
MARK_LENGTH = 5 * MM
MARK_MARGIN = MARK_OFFSET + MARK_LENGTH + 1 * MM


def finish_for_print(_document: object, pdf: pydyf.PDF) -> None:
    """Draw crop marks at the corners of every page's trim box, outside its bleed, as artifacts."""
    for index in range(0, len(pdf.pages["Kids"]), 3):
        page = pdf.objects[pdf.pages["Kids"][index]]
        if "TrimBox" not in page:
            continue
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


def finish_for_screen(_document: object, pdf: pydyf.PDF) -> None:
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
    picture.save(buffer, "PNG", optimize=True)
    data, position, blob = buffer.getvalue(), 8, []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        if kind == b"IDAT":
            blob.append(data[position + 8 : position + 8 + length])
        position += 12 + length
    return b"".join(blob)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _bytes(item: object) -> bytes:
    if isinstance(item, bytes):
        return item
    return item.data if hasattr(item, "data") else str(item).encode()
