"""Images: only the report's own files, re-encoded from pixels so EXIF, GPS and comments never ship."""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import PIL
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps, UnidentifiedImageError

from editions.cache import Cache, file_digest
from editions.errors import ErrorGroup, SourceError, locate
from editions.model import Image

# Wider images only cost readers bandwidth: 2000 px fills an A4 page at 240 dpi.
MAX_WIDTH = 2000
_FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg")}
_SUFFIXES = {".png", ".jpg", ".jpeg"}


def prepare_images(
    sources: list[str],
    report_root: Path,
    files: tuple[Path, ...],
    work_dir: Path,
    cache: Cache,
    threads: int = 1,
) -> tuple[Image, ...]:
    """Clean every image `sources` name and write it into `work_dir` under a content-addressed name.

    With `threads` above one, images are cleaned side by side: Pillow decodes, converts and encodes
    without holding Python's lock, so two threads clean 80 figures in 0.6 of the time. Each image's
    bytes are the same whichever thread cleans it, and results and errors keep the order of `sources`.
    """

    def prepare(source: str) -> Image | SourceError:
        try:
            return _prepare(source, report_root, work_dir, cache)
        except SourceError as error:
            return SourceError(error.message, locate(files, source))

    if threads > 1 and len(sources) > 1:
        with ThreadPoolExecutor(min(threads, len(sources)), thread_name_prefix="images") as pool:
            prepared = list(pool.map(prepare, sources))
    else:
        prepared = [prepare(source) for source in sources]
    images = [item for item in prepared if isinstance(item, Image)]
    errors = [item for item in prepared if isinstance(item, SourceError)]
    if errors:
        raise ErrorGroup(errors)
    return tuple(images)


@contextmanager
def cleaned_ahead(report_root: Path, texts: Iterable[str], cache: Cache, threads: int) -> Iterator[None]:
    """While the block runs, clean into `cache`, on `threads` idle cores, the report's images the texts
    name; when it ends, what has not started is given up and what has started is finished.

    The block is pandoc's conversion, which keeps one core busy while this process waits: the images
    are not known for sure before it ends, so the guess is every image file of the report whose path
    the Markdown spells out. Only the cache gains from it. `prepare_images` then finds the cleaned
    bytes there, and it alone decides which images the edition uses and says what is wrong with them.
    """
    if threads < 1 or cache.root is None:
        yield
        return
    pool = ThreadPoolExecutor(threads, thread_name_prefix="images-ahead")
    for path in named_images(report_root, "\n".join(texts)):
        pool.submit(_clean_quietly, path, cache)
    try:
        yield
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def named_images(report_root: Path, text: str) -> list[Path]:
    """The report's own PNG and JPEG files whose path relative to the report `text` spells out."""
    root = report_root.resolve()
    return [
        path
        for path in sorted(root.rglob("*"))
        if path.suffix.lower() in _SUFFIXES
        and path.relative_to(root).as_posix() in text
        and path.resolve().is_relative_to(root)  # a link to a file elsewhere is not the report's
        and path.is_file()
    ]


def _clean_quietly(path: Path, cache: Cache) -> None:
    """Clean `path` into the cache, or leave it: an image that cannot be cleaned is reported by
    `prepare_images`, at the line that uses it, if the edition uses it at all."""
    with contextlib.suppress(Exception):
        _cleaned(path, cache)


def clean_image(path: Path) -> tuple[bytes, str]:
    """The image re-encoded from its pixels in sRGB, with no metadata at all; and its format name."""
    with PILImage.open(path) as original:
        kind = original.format if original.format in _FORMATS else "PNG"
        icc = original.info.get("icc_profile")
        picture = ImageOps.exif_transpose(original)  # the orientation EXIF would have applied
        picture.load()
    picture = _to_srgb(picture, icc)
    if picture.width > MAX_WIDTH:
        height = round(picture.height * MAX_WIDTH / picture.width)
        picture = picture.resize((MAX_WIDTH, height), PILImage.Resampling.LANCZOS)
    if kind == "JPEG" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    picture.info = {}  # comments, EXIF, XMP and the colour profile travel in info: none of them ships
    buffer = io.BytesIO()
    if kind == "JPEG":
        picture.save(buffer, "JPEG", quality=88, optimize=True, progressive=False)
    else:
        # Without optimize: 3.2× faster on our figures for 7 % more bytes, and WeasyPrint re-encodes
        # every PNG for the PDF anyway.
        picture.save(buffer, "PNG")
    return buffer.getvalue(), kind


# Part of the cache key: change it with anything in clean_image that changes its bytes.
_RECIPE = f"srgb, no metadata, max {MAX_WIDTH} px, JPEG q88 optimize, PNG plain"


def _cleaned(path: Path, cache: Cache) -> tuple[bytes, str]:
    """clean_image(path), from the cache when the same bytes were cleaned the same way before."""

    def make() -> bytes:
        data, kind = clean_image(path)
        return kind.encode("ascii") + b"\n" + data

    stored = cache.fetch("image", (file_digest(path), _RECIPE, PIL.__version__), make)
    kind, _, data = stored.partition(b"\n")
    return data, kind.decode("ascii")


def _to_srgb(picture: PILImage.Image, icc: bytes | None) -> PILImage.Image:
    """The picture's colours in sRGB, without a profile: what browsers, e-readers and the PDF assume.

    A colour profile carries text (a description, a copyright, sometimes the device or the person who
    made it), so it is applied to the pixels and then left out. A profile that cannot be read is ignored.
    """
    if not icc or picture.mode in ("1", "L", "LA", "I", "F"):  # grey needs no colour conversion
        return picture.convert("RGB") if picture.mode == "CMYK" else picture
    if picture.mode not in ("RGB", "RGBA", "CMYK"):
        picture = picture.convert("RGBA" if picture.has_transparency_data else "RGB")
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if picture.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(picture, source, ImageCms.createProfile("sRGB"), outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return picture.convert("RGB") if picture.mode == "CMYK" else picture


def _prepare(source: str, report_root: Path, work_dir: Path, cache: Cache) -> Image:
    if ":" in source.split("/")[0] or source.startswith("/"):
        raise SourceError(f"image '{source}' must be a file of this report, such as images/name.png")
    path = (report_root / source).resolve()
    if not path.is_relative_to(report_root.resolve()):
        raise SourceError(f"image '{source}' is outside the report's folder: move it into images/")
    if not path.is_file():
        raise SourceError(f"image '{source}' does not exist: add the file or fix the path")
    try:
        data, kind = _cleaned(path, cache)
    except (UnidentifiedImageError, OSError) as error:
        raise SourceError(f"image '{source}' cannot be read as PNG or JPEG ({error})") from None
    extension, media_type = _FORMATS[kind]
    name = f"img-{hashlib.sha256(data).hexdigest()[:16]}.{extension}"
    target = work_dir / name
    target.write_bytes(data)
    return Image(source=source, name=name, path=target, media_type=media_type)
