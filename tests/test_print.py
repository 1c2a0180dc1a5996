"""Print and PDF: briefs, the screen and print PDFs, the imprint, typography and the bibliography,
checked on the repository's own editions (built once for the session) and on one small sample."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest
from checkers import pdf_text
from conftest import ROOTS, copy_project, run
from lxml import html as lxml_html
from PIL import Image, ImageFilter

from editions.check.pdf import page_boxes, structure_problems
from editions.i18n import load_translations, parse_language
from editions.model import Format
from editions.sources.imprint import default_identifier
from editions.sources.report_settings import load_report_settings

BRIEF = "communities-are-hrds"
BRIEF_LANGUAGES = ("en", "fr", "es", "th", "ar")
NNBSP = "\u202f"


def _pdfs(repository: Path, slug: str, tag: str) -> tuple[Path, Path]:
    folder = repository / "output" / slug / tag
    return folder / f"{slug}-{tag}.pdf", folder / f"{slug}-{tag}-print.pdf"


def _page_count(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


@pytest.mark.parametrize("tag", BRIEF_LANGUAGES)
def test_print_brief_is_a_cover_and_two_to_four_pages(repository: Path, tag: str) -> None:
    """The call for action was 9 pages, most of them empty: now a cover and its text, no contents page.
    The back cover, on an even page for print, is a cover too: it and the blank verso before it, if
    any, are not pages of the brief."""
    screen, printed = _pdfs(repository, BRIEF, tag)
    pages = _page_count(screen)
    blank = not pdf_text(screen).split("\f")[pages - 2].strip()  # pdftotext ends each page with \f
    assert pages % 2 == 0 and 3 <= pages - 1 - blank <= 5
    assert _page_count(printed) == _page_count(screen)
    contents = load_translations(repository / "locales", parse_language(tag)).gettext("Contents")
    assert contents not in pdf_text(screen, raw=tag != "ar")


def test_print_report_keeps_its_contents_page(repository: Path) -> None:
    assert "Table des matières" in pdf_text(_pdfs(repository, "la-lucha", "fr")[0])
    assert "Contents" not in pdf_text(_pdfs(repository, BRIEF, "en")[0])


def test_print_file_has_bleed_and_crop_marks_and_screen_file_is_cut_to_the_page(repository: Path) -> None:
    screen, printed = _pdfs(repository, "la-lucha", "fr")
    with pikepdf.open(printed) as pdf:
        for page in pdf.pages:
            boxes = page_boxes(page)
            trim, bleed, media = boxes["trim"], boxes["bleed"], boxes["media"]
            assert bleed[0] < trim[0] and bleed[1] < trim[1] and bleed[2] > trim[2] and bleed[3] > trim[3]
            assert round(trim[0] - bleed[0], 1) == round(3 * 72 / 25.4, 1)  # 3 mm
            assert media[0] < bleed[0] and media[2] > bleed[2]  # room for the marks
            marks = page.obj.Contents[0].read_bytes().decode()
            assert (
                marks.startswith("/Artifact BMC") and len(re.findall(r" m [\d.-]+ [\d.-]+ l S", marks)) == 8
            )
    with pikepdf.open(screen) as pdf:
        for page in pdf.pages:
            boxes = page_boxes(page)
            assert boxes["media"] == boxes["trim"]
            assert tuple(round(v) for v in boxes["trim"]) == (0, 0, 595, 842)  # A4, no bleed
    assert structure_problems(printed) == [] and structure_problems(screen) == []


def test_print_both_pdfs_are_declared_artifacts_of_the_pdf_format(repository: Path) -> None:
    manifest = json.loads((repository / "output" / "manifest.json").read_text(encoding="utf-8"))
    paths = {entry["path"]: entry["format"] for entry in manifest["files"]}
    assert paths["la-lucha/fr/la-lucha-fr.pdf"] == "pdf"
    assert paths["la-lucha/fr/la-lucha-fr-print.pdf"] == "pdf"


@pytest.mark.validators
def test_print_screen_pdf_of_a_photograph_is_at_most_40_percent_of_the_print_pdf(tmp_path: Path) -> None:
    """A report with a photograph: the screen file downsamples it, the print file keeps every pixel."""
    root = copy_project(ROOTS / "basic", tmp_path / "project")
    _write_photograph(root / "reports" / "sample" / "images" / "photo.jpg")
    result = run(root, "--lang", "en", "--format", "pdf")
    assert result.code == 0, result.output
    folder = root / "output" / "sample" / "en"
    screen, printed = folder / "sample-en.pdf", folder / "sample-en-print.pdf"
    assert screen.stat().st_size <= 0.4 * printed.stat().st_size, (screen.stat(), printed.stat())
    assert " ".join(pdf_text(screen).split()) == " ".join(pdf_text(printed).split())  # the same text
    for path in (screen, printed):
        with pikepdf.open(path) as pdf:
            assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked)
    with pikepdf.open(printed) as pdf:
        sizes = [(int(o.Width), int(o.Height)) for o in pdf.objects if _is_image(o)]
    assert (2000, 1333) in sizes


def _is_image(obj: object) -> bool:
    return isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image" and "/SMask" not in obj


def _write_photograph(path: Path) -> None:
    """A picture with a photograph's grain and gradients, 2000 × 1333 pixels."""
    path.parent.mkdir(parents=True, exist_ok=True)
    grain = Image.effect_noise((2000, 1333), 48).filter(ImageFilter.GaussianBlur(1.2))
    sky = Image.linear_gradient("L").resize((2000, 1333))
    picture = Image.merge("RGB", (grain, sky, Image.blend(grain, sky, 0.5)))
    picture.save(path, "JPEG", quality=92)


@pytest.mark.parametrize("tag", BRIEF_LANGUAGES)
def test_print_hashtags_are_never_hyphenated(repository: Path, tag: str) -> None:
    for path in _pdfs(repository, BRIEF, tag):
        tags = re.findall(r"#\S+", pdf_text(path, raw=False))
        assert tags and all("‐" not in t and "-" not in t for t in tags), tags
    html = (repository / "output" / BRIEF / tag / "index.html").read_text(encoding="utf-8")
    assert '<span class="nohyphen">#CommunitiesareHRDs' in html


def test_print_right_to_left_pdfs_open_from_the_right(repository: Path) -> None:
    for path in _pdfs(repository, BRIEF, "ar"):
        with pikepdf.open(path) as pdf:
            assert pdf.Root.ViewerPreferences.Direction == "/R2L"
    with pikepdf.open(_pdfs(repository, BRIEF, "en")[0]) as pdf:
        assert "/Direction" not in pdf.Root.ViewerPreferences


@pytest.mark.parametrize("tag", ["en", "ar"])
def test_print_footnotes_are_note_elements_with_ids(repository: Path, tag: str) -> None:
    source = (repository / "reports" / BRIEF / f"{tag}.md").read_text(encoding="utf-8")
    calls = len(set(re.findall(r"\[\^([\w-]+)\](?!:)", source)))
    for path in _pdfs(repository, BRIEF, tag):
        with pikepdf.open(path) as pdf:
            notes = [
                o
                for o in pdf.objects
                if isinstance(o, pikepdf.Dictionary)
                and o.get("/Type") == "/StructElem"
                and o.get("/S") == "/Note"
            ]
            ids = [str(note.ID) for note in notes]
        assert len(notes) >= calls > 0 and len(set(ids)) == len(ids)


def test_print_imprint_carries_copyright_licence_citation_number_and_contact(repository: Path) -> None:
    screen, _ = _pdfs(repository, "la-lucha", "fr")
    text = " ".join(pdf_text(screen).split())
    for expected in (
        "© 2018 Protection International",
        "CC BY-NC-SA 4.0. Vous pouvez partager et adapter cette publication à des fins non commerciales",
        "Pour citer ce document",
        "Protection International (2018). La criminalisation des mouvements sociaux. Protection",
        "Numéro du document PI-2018-LL",
        "https://www.protectioninternational.org",
    ):
        assert expected.replace(NNBSP, " ") in text.replace(NNBSP, " "), expected
    assert "ISBN" not in text
    with pikepdf.open(screen) as pdf:
        links = {
            str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", []) if "/URI" in a.get("/A", {})
        }
    assert "https://creativecommons.org/licenses/by-nc-sa/4.0/deed.fr" in links


def test_print_identifiers_are_derived_uuids_unless_an_isbn_is_assigned(
    repository: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(repository / "output" / BRIEF / "th" / f"{BRIEF}-th.epub") as book:
        package = book.read("EPUB/content.opf").decode("utf-8")
    assert default_identifier(BRIEF, "th", Format.EPUB) in package
    assert "isbn" not in package.lower()
    toml = tmp_path / "report.toml"
    toml.write_text(
        'source_language = "en"\ndate = 2018-06-01\npublisher = "PI"\nauthors = ["PI"]\n'
        'licence = "CC BY 4.0"\n'
        'kind = "leaflet"\n[cover]\nbackground = "#22415e"\ntext = "#ffffff"\naccent = "#f2c14e"\n'
        '[identifiers.en]\npdf = "urn:isbn:9795000000006"\n',
        encoding="utf-8",
    )
    messages = [error.render() for error in load_report_settings(toml)[1]]
    assert any("report.toml:6: error: 'kind': 'leaflet' is none of: report, brief" in m for m in messages), (
        messages
    )
    assert any("isbn_assigned is not true" in m for m in messages), messages


def test_print_bibliography_entries_keep_their_own_language(repository: Path) -> None:
    """English references stay English in the Arabic edition (no "و", no "ط."), with the edition's
    quotation marks; Spanish titles are not title-cased in the English edition."""
    arabic = lxml_html.parse(str(repository / "output" / BRIEF / "ar" / "index.html")).getroot()
    entries = [e for e in arabic.find_class("csl-entry")]
    assert entries and all(e.get("lang") == "en" for e in entries)
    text = " ".join(e.text_content() for e in entries)
    assert " و" not in text and "ط." not in text and "3rd ed." in text and " and " in text
    assert "«Critical Perspectives" in text
    french = lxml_html.parse(str(repository / "output" / BRIEF / "fr" / "index.html")).getroot()
    bennett = next(e.text_content() for e in french.find_class("csl-entry") if "Bennett" in e.text_content())
    assert f"«{NNBSP}Critical Perspectives" in bennett
    english = lxml_html.parse(
        str(repository / "output" / "land-and-territory" / "en" / "index.html")
    ).getroot()
    spanish = next(e for e in english.find_class("csl-entry") if "Hacia una" in e.text_content())
    assert "Hacia una política integral de protección" in " ".join(spanish.text_content().split())
    assert spanish.get("lang") == "es"


def test_print_french_spacing_and_numbered_cross_references(repository: Path) -> None:
    html = (repository / "output" / BRIEF / "fr" / "index.html").read_text(encoding="utf-8")
    assert f"«{NNBSP}" in html and f"{NNBSP}»" in html
    assert f"collectif{NNBSP}: des" in html and f"{NNBSP}; " not in html.replace(f"{NNBSP};", "")
    text = " ".join(pdf_text(_pdfs(repository, "land-and-territory", "es")[0]).split())
    assert "La Tabla 1 resume" in text and "La Figura 1 muestra" in text
    text = " ".join(pdf_text(_pdfs(repository, "la-lucha", "fr")[0]).split())
    assert "figure ci-dessous (Figure 1)" in text
