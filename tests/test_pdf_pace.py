"""What makes WeasyPrint's long layouts cheaper (editions/writers/pdf_pace.py) changes nothing else."""

from __future__ import annotations

import gc
import io
import subprocess
from pathlib import Path

import pikepdf
import pydyf
import pytest
import weasyprint
from PIL import Image as PILImage
from weasyprint.images import RasterImage
from weasyprint.layout import LayoutContext

from editions.writers.pdf_pace import (
    _Footnotes,
    footnotes_found_at_once,
    no_full_collections,
    page_references_counted_once,
    png_scanlines_as_stored,
    stored_scanlines,
)
from editions.writers.pdf_variants import png_chunks


def _add_page(pdf: pydyf.PDF) -> None:
    pdf.add_page(pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference}))


def test_page_references_are_pydyfs_own_even_as_pages_are_added() -> None:
    pdf, plain = pydyf.PDF(), pydyf.PDF()
    original = pydyf.PDF.page_references
    with page_references_counted_once():
        assert pydyf.PDF.page_references is not original
        for count in range(1, 6):
            _add_page(pdf)
            _add_page(plain)
            for _ in range(3):  # read again without a new page: the same references
                assert pdf.page_references == original.fget(plain)
            assert len(pdf.page_references) == count
    assert pydyf.PDF.page_references is original
    assert pdf.page_references == plain.page_references


def _full_collections(make: int) -> int:
    """How many full collections Python runs by itself while `make` long-lived containers are made."""
    seen = []

    def note(phase: str, info: dict) -> None:
        if phase == "stop" and info["generation"] == 2:
            seen.append(info)

    gc.collect()
    gc.callbacks.append(note)
    try:
        kept = [[index] for index in range(make)]
    finally:
        gc.callbacks.remove(note)
    assert len(kept) == make
    return len(seen)


def test_no_full_collections_defers_them_and_then_puts_the_collector_back() -> None:
    thresholds = gc.get_threshold()
    # The same work outside the block runs full collections: the test can tell.
    assert _full_collections(400_000) > 0
    with no_full_collections():
        assert _full_collections(400_000) == 0
        assert gc.get_threshold()[:2] == thresholds[:2]  # the young collections go on
    assert gc.get_threshold() == thresholds


def test_footnotes_still_to_place_are_the_lists_own_but_for_no_footnote() -> None:
    notes = [object(), object()]
    kept = _Footnotes(notes)
    assert notes[0] in kept and notes[1] in kept and object() not in kept
    assert None not in kept
    copy = kept.copy()
    assert type(copy) is _Footnotes and copy == kept and copy is not kept
    kept.remove(notes[0])
    assert notes[0] not in kept and notes[0] in copy


def test_footnotes_found_at_once_serve_the_layout_and_last_for_the_block_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A layout inside the block looks its footnotes up in the quick list (a test that fails if
    WeasyPrint stops keeping the list it was given); outside it, WeasyPrint's own list is back."""
    lookups = []

    def counted(footnotes: _Footnotes, item: object) -> bool:
        lookups.append(item)
        return item is not None and list.__contains__(footnotes, item)

    monkeypatch.setattr(_Footnotes, "__contains__", counted)
    page = "<style>.n { float: footnote }</style><p>Text<span class=n>A note.</span> and more text.</p>"
    original = LayoutContext.__init__
    with footnotes_found_at_once():
        assert LayoutContext.__init__ is not original
        weasyprint.HTML(string=page).render()
    assert lookups and None in lookups  # "no footnote", answered by the quick list
    assert LayoutContext.__init__ is original
    lookups.clear()
    weasyprint.HTML(string=page).render()
    assert lookups == []


def _png(picture: PILImage.Image, **options: object) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", **options)
    return buffer.getvalue()


def test_png_scanlines_as_stored_draw_the_same_pixels(tmp_path: Path) -> None:
    """Figures written by other encoders (zlib level 9, Pillow's optimizer) are embedded with their own
    scanlines, grey and RGB alike; a palette image, which WeasyPrint converts, is encoded again. The
    PDF's pictures are the files' pixels, and qpdf finds the PDF sound."""
    noise = PILImage.effect_noise((97, 61), 60)  # pixels no two encoders compress alike
    pictures = {
        "grey.png": (noise, {"optimize": True}),
        "rgb.png": (PILImage.merge("RGB", (noise, noise.rotate(180), noise)), {"compress_level": 9}),
        "palette.png": (noise.convert("RGB").quantize(16), {}),
    }
    for name, (picture, options) in pictures.items():
        (tmp_path / name).write_bytes(_png(picture, **options))
    stored = {
        name: stored_scanlines(PILImage.open(io.BytesIO((tmp_path / name).read_bytes()))) for name in pictures
    }
    assert stored["grey.png"] and stored["rgb.png"] and stored["palette.png"] is None
    # The stored scanlines are not what Pillow's default encoder writes: the test sees which path ran.
    assert stored["rgb.png"] != png_chunks(_png(pictures["rgb.png"][0]), b"IDAT")
    page = "".join(f'<img src="{name}" style="width: 40mm">' for name in pictures)
    with png_scanlines_as_stored():
        pdf = weasyprint.HTML(string=page, base_url=str(tmp_path) + "/").write_pdf()
    (tmp_path / "figures.pdf").write_bytes(pdf)
    with pikepdf.open(tmp_path / "figures.pdf") as document:
        objects = list(document.pages[0].get_images().values())
        images = [pikepdf.PdfImage(image).as_pil_image() for image in objects]
        raw = {image.read_raw_bytes() for image in objects}
    assert {stored["grey.png"], stored["rgb.png"]} <= raw  # the files' own scanlines, as they are
    expected = [
        picture.convert("RGB").tobytes() if name != "grey.png" else picture.tobytes()
        for name, (picture, _) in pictures.items()
    ]
    assert sorted(image.tobytes() for image in images) == sorted(expected)
    path = str(tmp_path / "figures.pdf")
    checked = subprocess.run(["qpdf", "--check", path], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_png_scanlines_as_stored_give_the_bytes_weasyprint_writes_for_our_cleaned_images(
    tmp_path: Path,
) -> None:
    """Our cleaned images are written by Pillow's default PNG encoder, as WeasyPrint re-encodes them:
    taken as stored, they give the very PDF WeasyPrint writes alone."""
    noise = PILImage.effect_noise((97, 61), 60)
    (tmp_path / "grey.png").write_bytes(_png(noise))
    (tmp_path / "rgb.png").write_bytes(_png(PILImage.merge("RGB", (noise, noise.rotate(90), noise))))
    page = '<img src="grey.png" style="width: 40mm"><img src="rgb.png" style="width: 40mm">'

    def pdf() -> bytes:
        html = weasyprint.HTML(string=page, base_url=str(tmp_path) + "/")
        return html.write_pdf(pdf_identifier=b"0" * 16)

    with png_scanlines_as_stored():
        stored = pdf()
    assert stored == pdf()


def test_png_scanlines_as_stored_lasts_for_the_block_only() -> None:
    kept = RasterImage.__dict__["_get_png_data"]
    with png_scanlines_as_stored():
        assert RasterImage.__dict__["_get_png_data"] is not kept
    assert RasterImage.__dict__["_get_png_data"] is kept
