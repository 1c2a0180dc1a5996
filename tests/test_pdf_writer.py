"""The PDF writer's one generation: two files serialised from it, the Thai text corrected inside it."""

from __future__ import annotations

import contextlib
import os
import unicodedata
from pathlib import Path

import pikepdf
import pydyf
import pytest
import weasyprint
from weasyprint import pdf as weasyprint_pdf
from weasyprint.document import Page

from editions.check.pdf import check_pdf, pdf_text
from editions.writers import pdf_variants
from editions.writers.pdf_access import completed_text_mappings, logical_text, tagged_structure
from editions.writers.pdf_pace import (
    footnotes_found_at_once,
    no_full_collections,
    page_references_counted_once,
)
from editions.writers.pdf_variants import (
    MARK_MARGIN,
    crop_marks,
    generate,
    pages_compressed_as_drawn,
    serialise_print_and_screen,
)

FONTS = Path(__file__).resolve().parent.parent / "templates" / "fonts"

# Three A5 pages with 2 mm of bleed, a heading, a footnote and Thai text whose clusters WeasyPrint maps
# alone to the wrong text: ทำ (SARA AM, drawn as NIKHAHIT + SARA AA) and a tone mark over a consonant.
PAGE = f"""<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8"><title>ทดสอบ</title><style>
@font-face {{ font-family: Thai; src: url("{(FONTS / "NotoSerifThai-Regular.ttf").as_uri()}"); }}
@font-face {{ font-family: Latin; src: url("{(FONTS / "NotoSerif-Regular.ttf").as_uri()}"); }}
@page {{ size: A5; bleed: 2mm; margin: 15mm; }}
@page {{ @footnote {{ float: bottom; }} }}
.footnote {{ float: footnote; }}
body {{ font-family: Thai, Latin; }}
h1 {{ break-before: page; }}
</style></head><body>
<h1>บทนำ</h1><p>ชุมชนทำงานร่วมกัน ก่อนที่น้ำจะมา<span class="footnote">หมายเหตุ</span></p>
<h1>บทที่สอง</h1><p>ผู้พิทักษ์สิทธิมนุษยชนทำงาน</p>
<h1>Three</h1><p>Latin text, once more.</p>
</body></html>"""


def _generated(*wrappers: contextlib.AbstractContextManager) -> pdf_variants.Generated:
    """The tiny page laid out and generated once, within the writer's render-time wrappers."""
    with tagged_structure("th"), logical_text(), completed_text_mappings(), contextlib.ExitStack() as stack:
        for wrapper in wrappers:
            stack.enter_context(wrapper)
        return generate(weasyprint.HTML(string=PAGE).render(), "pdf/ua-1")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The print and the screen file of one generation of the tiny page, as the writer makes them."""
    folder = tmp_path_factory.mktemp("pdf-writer")
    printed, screen = serialise_print_and_screen(_generated(pages_compressed_as_drawn()))
    (folder / "tiny-print.pdf").write_bytes(printed)
    (folder / "tiny.pdf").write_bytes(screen)
    return folder / "tiny-print.pdf", folder / "tiny.pdf"


def test_pdf_writer_print_and_screen_files_of_one_generation_are_valid_and_tagged(
    files: tuple[Path, Path],
) -> None:
    for path in files:
        assert check_pdf(path, path.parent) == [], path.name  # qpdf, embedded fonts, tags, boxes
    with pikepdf.open(files[0]) as printed, pikepdf.open(files[1]) as screen:
        assert len(printed.pages) == len(screen.pages) == 3
        for print_page, screen_page in zip(printed.pages, screen.pages, strict=True):
            trim = [float(value) for value in print_page.TrimBox]
            media = [float(value) for value in print_page.MediaBox]
            # The print page grows around its trim to hold the crop marks, drawn before the page.
            assert media[0] == pytest.approx(trim[0] - MARK_MARGIN)
            assert media[2] == pytest.approx(trim[2] + MARK_MARGIN)
            assert len(print_page.Contents) == 2
            assert b"/Artifact BMC" in print_page.Contents[0].read_bytes()
            # The screen page is the trim itself, one content stream, no bleed.
            assert [float(value) for value in screen_page.MediaBox] == pytest.approx(trim)
            assert "/TrimBox" not in screen_page and "/BleedBox" not in screen_page
            assert isinstance(screen_page.Contents, pikepdf.Stream)
            assert screen_page.Contents.read_bytes() == print_page.Contents[1].read_bytes()
        # One structure tree for both: the same headings, and the same footnote ids (note-1, not a
        # count that goes on from the print file's).
        for pdf in (printed, screen):
            assert pdf.Root.Lang == "th" and "/StructTreeRoot" in pdf.Root
        assert _note_ids(printed) == _note_ids(screen) == ["note-1"]


def _note_ids(pdf: pikepdf.Pdf) -> list[str]:
    return [
        str(obj.ID) for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Note"
    ]


def _comparable(text: str) -> str:
    """Text as a PDF can carry it: SARA AM only as NIKHAHIT + SARA AA, which NFKC also makes of it."""
    return unicodedata.normalize("NFKC", text)


WORDS = ("ชุมชนทำงานร่วมกัน", "ก่อนที่", "ผู้พิทักษ์สิทธิมนุษยชนทำงาน")


def test_pdf_writer_thai_text_is_corrected_within_the_one_generation(files: tuple[Path, Path]) -> None:
    for path in files:
        text = _comparable(pdf_text(path))
        for words in WORDS:
            assert _comparable(words) in text, (path.name, text)


def test_pdf_writer_thai_text_is_wrong_without_the_correction(tmp_path: Path) -> None:
    """The check above can fail: WeasyPrint alone gives ทำ as ทา (what the correction is for)."""
    with tagged_structure("th"), logical_text():
        generated = generate(weasyprint.HTML(string=PAGE).render(), "pdf/ua-1")
    path = tmp_path / "uncorrected.pdf"
    path.write_bytes(serialise_print_and_screen(generated)[1])
    text = _comparable(pdf_text(path))
    assert not all(_comparable(words) in text for words in WORDS), text


def test_pdf_writer_pages_compressed_as_drawn_give_the_bytes_pydyf_writes() -> None:
    plain = serialise_print_and_screen(_generated())
    assert serialise_print_and_screen(_generated(pages_compressed_as_drawn())) == plain
    # Compressed by a thread while the next page is drawn: the same bytes.
    assert serialise_print_and_screen(_generated(pages_compressed_as_drawn(beside=True))) == plain


def test_pdf_writer_paced_layout_and_generation_give_the_same_bytes() -> None:
    """No full collections during the layout, page references formatted once, footnotes found at once
    (the page has one): the same two files."""
    paced = _generated(
        no_full_collections(),
        page_references_counted_once(),
        footnotes_found_at_once(),
        pages_compressed_as_drawn(),
    )
    assert serialise_print_and_screen(paced) == serialise_print_and_screen(
        _generated(pages_compressed_as_drawn())
    )


def test_pdf_writer_screen_file_finished_in_a_forked_child_is_the_one_written_here(tmp_path: Path) -> None:
    """On an idle core the screen file is finished and serialised by a forked child, while this process
    serialises the print file: both files are byte for byte those written one after the other, and the
    child leaves nothing behind in the scratch folder."""
    alone = serialise_print_and_screen(_generated(pages_compressed_as_drawn()))
    parent, generated = os.getpid(), _generated(pages_compressed_as_drawn())
    beside = serialise_print_and_screen(generated, tmp_path)
    assert os.getpid() == parent  # the child never came back here
    assert beside == alone
    # The child cut its own copy's pages to the trim size: this process's pages still have their bleed.
    assert all("TrimBox" in page for page in _pages(generated.pdf))
    assert alone[0] != alone[1]
    assert list(tmp_path.iterdir()) == []


def _pages(pdf: pydyf.PDF) -> list[pydyf.Dictionary]:
    return [pdf.objects[int(number)] for number in pdf.pages["Kids"][::3]]


def test_pdf_writer_crop_marks_leave_the_pdf_as_it_was() -> None:
    generated = _generated()
    pdf_variants._freeze(generated.pdf)
    before = pdf_variants._serialise(generated)
    with crop_marks(generated.pdf):
        marked = pdf_variants._serialise(generated)
    assert marked != before
    assert pdf_variants._serialise(generated) == before


def test_pdf_writer_wrappers_last_for_one_render_only() -> None:
    originals = (weasyprint_pdf.build_fonts_dictionary, Page.paint)
    with completed_text_mappings(), pages_compressed_as_drawn():
        assert (weasyprint_pdf.build_fonts_dictionary, Page.paint) != originals
    assert (weasyprint_pdf.build_fonts_dictionary, Page.paint) == originals
