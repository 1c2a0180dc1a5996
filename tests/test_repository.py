"""The repository's five reports, 14 editions × 3 formats, checked by independent validators."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pikepdf
import pytest
from checkers import pdf_fonts, pdf_text, qpdf_check
from conftest import command
from lxml import html as lxml_html

from editions.cache import Cache
from editions.check import check_site, site_files
from editions.i18n import load_translations
from editions.sources.discover import discover_reports

EDITIONS = {
    "la-lucha": ["fr", "en"],
    "time-is-now": ["es", "en"],
    "collective-protection": ["en", "fr", "es"],
    "land-and-territory": ["es", "en"],
    "communities-are-hrds": ["en", "fr", "es", "th", "ar"],
}
ALL = [(slug, tag) for slug, tags in EDITIONS.items() for tag in tags]


def _translation(root: Path, slug: str, tag: str):
    reports, errors = discover_reports(root / "reports")
    assert not errors
    return next(r for r in reports if r.slug == slug).translation(tag)


def _comparable(text: str) -> str:
    """Text in its compatibility form without white space or invisible direction marks: line breaks,
    poppler's embedding marks and Thai SARA AM (which a PDF can only carry as NIKHAHIT + SARA AA) then
    compare equal with the source.

    Lam and alef are left out too: the PDF maps a lam-alef ligature to both letters in logical order,
    and poppler writes such a multi-letter glyph backwards in right-to-left text ("إل" for "لإ").
    """
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        c for c in text if not c.isspace() and unicodedata.category(c) != "Cf" and c not in _LAM_ALEF
    )


_LAM_ALEF = set("لاأإآى")


def test_repository_has_fourteen_editions_in_three_formats(repository: Path) -> None:
    output = repository / "output"
    assert len(ALL) == 14
    for slug, tag in ALL:
        folder = output / slug / tag
        for name in ("index.html", f"{slug}-{tag}.pdf", f"{slug}-{tag}.epub"):
            assert (folder / name).stat().st_size > 1000, f"{slug}/{tag}/{name}"
    assert (output / "index.html").exists()
    assert all((output / slug / "index.html").exists() for slug in EDITIONS)


def test_repository_studies_are_long_enough(repository: Path) -> None:
    for slug, tags in EDITIONS.items():
        if slug == "communities-are-hrds":
            continue
        for tag in tags:
            words = sum(
                len(path.read_text(encoding="utf-8").split())
                for path in _translation(repository, slug, tag).files
            )
            assert words >= 1500, f"{slug}/{tag} has {words} words"


@pytest.mark.validators
def test_repository_output_passes_every_validator(repository: Path, shared_cache: Path) -> None:
    """EPUBCheck and Ace on every book, Nu and axe on every page, the PDF checks on every PDF: each run
    once over all its files, as `editions check` runs them before a release."""
    files = site_files(repository / "output")
    assert (len(files.books), len(files.pages), len(files.pdfs)) == (14, 33, 28)  # screen and print PDFs
    assert [str(finding) for finding in check_site(repository / "output", Cache(shared_cache)).findings] == []


@pytest.mark.parametrize(("slug", "tag"), ALL)
def test_repository_pdf_is_sound_tagged_and_translated(repository: Path, slug: str, tag: str) -> None:
    path = repository / "output" / slug / tag / f"{slug}-{tag}.pdf"
    code, report = qpdf_check(path)
    assert code == 0, report
    translation = _translation(repository, slug, tag)
    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.Root.Lang) == tag
        # The title as written, with its language's typography (French and Spanish no-break spaces).
        assert _comparable(str(pdf.docinfo["/Title"])) == _comparable(translation.title)
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        assert "/Outlines" in pdf.Root  # bookmarks from the headings
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                action = annotation.get("/A", {})
                uri = str(action.get("/URI", ""))
                assert "/Dest" in annotation or uri.startswith(("https://", "http://", "mailto:")), uri
    fonts = pdf_fonts(path)
    assert fonts and all(embedded for _, embedded in fonts), fonts
    # Right-to-left lines come out of poppler's raw mode in visual order: read those in logical order.
    text = _comparable(pdf_text(path, raw=translation.language.direction == "ltr"))
    contents = load_translations(repository / "locales", translation.language).gettext("Contents")
    assert _comparable(translation.title) in text
    if slug != "communities-are-hrds":  # a call to action has no contents page
        assert _comparable(contents) in text


def test_repository_thai_brief_extracts_as_thai(repository: Path) -> None:
    text = pdf_text(repository / "output" / "communities-are-hrds" / "th" / "communities-are-hrds-th.pdf")
    letters = [c for c in text if c.isalpha()]
    thai = [c for c in letters if "\u0e00" <= c <= "\u0e7f"]
    assert len(thai) > 2000
    assert len(thai) / len(letters) > 0.8
    assert "บทคัดย่อ" in text  # "Abstract", from the Thai catalog (a call to action has no contents)
    # Search, copy and screen readers get the words of the source: nearly every Thai run of the source is
    # found as such (a few differ only in the order HarfBuzz gives stacked marks).
    source = "".join(
        p.read_text(encoding="utf-8") for p in _translation(repository, "communities-are-hrds", "th").files
    )
    runs = set(re.findall(r"[\u0e00-\u0e7f]+", unicodedata.normalize("NFKC", source)))
    found = _comparable(text)
    assert len([run for run in runs if run in found]) / len(runs) > 0.95
    assert not re.search(r"[\u25a1\ufffd]", text)  # no boxes or replacement characters


def test_repository_arabic_brief_is_right_to_left_in_every_format(repository: Path) -> None:
    folder = repository / "output" / "communities-are-hrds" / "ar"
    page = lxml_html.parse(str(folder / "index.html")).getroot()
    assert (page.get("lang"), page.get("dir")) == ("ar", "rtl")
    with zipfile.ZipFile(folder / "communities-are-hrds-ar.epub") as book:
        package = book.read("EPUB/content.opf").decode("utf-8")
        chapter = book.read("EPUB/chapter-01.xhtml").decode("utf-8")
    assert re.search(r'<package [^>]*xml:lang="ar" dir="rtl"', package)
    assert 'page-progression-direction="rtl"' in package
    assert re.search(r'<html [^>]*dir="rtl"', chapter)
    pdf_path = folder / "communities-are-hrds-ar.pdf"
    families = {name.split("+")[-1] for name, _ in pdf_fonts(pdf_path)}
    assert {"Noto-Naskh-Arabic", "Noto-Sans-Arabic-Bold"} <= families, families
    text = pdf_text(pdf_path, raw=False)
    letters = [c for c in text if c.isalpha()]
    arabic = [c for c in letters if "\u0600" <= c <= "\u06ff"]
    assert len(arabic) > 3000 and len(arabic) / len(letters) > 0.8
    assert "ملخص" in text  # "Abstract", from the Arabic catalog (a call to action has no contents)
    # Nearly every Arabic word of the source is found as such in the PDF's text (without its vowel
    # marks, which poppler detaches from their letters).
    source = "".join(
        p.read_text(encoding="utf-8") for p in _translation(repository, "communities-are-hrds", "ar").files
    )
    words = set(re.findall(r"[\u0621-\u064a]+", _unmarked(source)))
    found = _unmarked(text)
    assert len([word for word in words if word in found]) / len(words) > 0.95
    assert not re.search(r"[\u25a1\ufffd]", text)


def _unmarked(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) != "Mn")


def test_repository_arabic_pdf_mirrors_its_running_heads(repository: Path) -> None:
    """A right-to-left book opens from the right: page 1 is a left-hand page, the chapter title runs at
    the outer (left) corner of left-hand pages and the report title at the outer corner of right-hand ones."""
    path = repository / "output" / "communities-are-hrds" / "ar" / "communities-are-hrds-ar.pdf"
    title = _translation(repository, "communities-are-hrds", "ar").title
    heads = {
        (number, side): _comparable(_region_text(path, number, side))
        for number in (3, 2)
        for side in ("left", "right")
    }
    assert heads[(3, "right")] == "" and heads[(2, "left")] == ""
    assert heads[(3, "left")] and heads[(3, "left")] not in _comparable(title)
    assert heads[(2, "right")] == _comparable(title)


def _region_text(path: Path, page: int, side: str) -> str:
    """The text in the top margin of one half of a page (A4: 595 × 842 pt)."""
    x = 0 if side == "left" else 298
    return subprocess.run(
        [
            "pdftotext",
            "-f",
            str(page),
            "-l",
            str(page),
            "-x",
            str(x),
            "-y",
            "0",
            "-W",
            "297",
            "-H",
            "60",
            "-enc",
            "UTF-8",
            str(path),
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_repository_inline_language_changes_keep_their_language(repository: Path) -> None:
    folder = repository / "output" / "communities-are-hrds" / "ar"
    page = lxml_html.parse(str(folder / "index.html")).getroot()
    spans = {span.text_content(): span.get("dir") for span in page.iter("span") if span.get("lang") == "en"}
    assert spans == {"Communities are HRDs!": "ltr", "#CommunitiesareHRDs": "ltr"}
    with zipfile.ZipFile(folder / "communities-are-hrds-ar.epub") as book:
        xhtml = book.read("EPUB/chapter-04.xhtml").decode("utf-8")
    assert '<span lang="en" dir="ltr">Communities are HRDs!</span>' in xhtml
    with pikepdf.open(folder / "communities-are-hrds-ar.pdf") as pdf:
        tagged = [
            str(element.Lang)
            for element in pdf.objects
            if isinstance(element, pikepdf.Dictionary)
            and element.get("/Type") == "/StructElem"
            and "/Lang" in element
        ]
    assert tagged and set(tagged) == {"en"}


def test_repository_bibliography_entries_keep_their_own_language(repository: Path) -> None:
    """Each reference keeps the conventions of its own language (its langid), whatever the edition's:
    the English manual is joined with "and" in every edition of the brief."""
    for tag in ("en", "fr", "es", "ar"):
        joiner = " and "
        page = lxml_html.parse(
            str(repository / "output" / "communities-are-hrds" / tag / "index.html")
        ).getroot()
        entry = next(e.text_content() for e in page.find_class("csl-entry") if "Eguren" in e.text_content())
        assert joiner in entry, (tag, entry)


def test_repository_translation_status_is_complete(repository: Path) -> None:
    result = command(repository, "i18n", "status")
    assert result.code == 0, result.output
    for locale in ("ar", "en", "es", "fr", "th"):
        assert re.search(
            rf"^  {locale}\s+(\d+) of \1 translated \(100 %\) · 0 fuzzy · 0 untranslated$",
            result.output,
            re.M,
        )
    for slug, tags in EDITIONS.items():
        assert f"\n{slug}: source {tags[0]} " in result.output
        for tag in tags[1:]:
            assert re.search(
                rf"^  {tag}\s+current \d+ · stale 0 · missing 0 · orphaned 0$", result.output, re.M
            ), (slug, tag)


def test_repository_outputs_leak_no_local_path(repository: Path) -> None:
    for path in (repository / "output").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert str(repository).encode() not in data, path
            assert b"file://" not in data, path


def test_repository_manifest_lists_every_file_with_its_checksum(repository: Path) -> None:
    output = repository / "output"
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["path"]: entry for entry in manifest["files"]}
    on_disk = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}
    on_disk -= {"manifest.json", "SHA256SUMS"}
    assert set(listed) == on_disk
    for name, entry in listed.items():
        data = (output / name).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    pdf = listed["la-lucha/fr/la-lucha-fr.pdf"]
    assert (pdf["report"], pdf["language"], pdf["format"]) == ("la-lucha", "fr", "pdf")


def test_repository_report_page_lists_every_language_and_format_with_sizes(repository: Path) -> None:
    page = lxml_html.parse(str(repository / "output" / "communities-are-hrds" / "index.html")).getroot()
    alternates = {link.get("hreflang") for link in page.iter("link") if link.get("rel") == "alternate"}
    assert alternates == {"en", "fr", "es", "th", "ar", "x-default"}
    names = {
        section.get("lang"): section.find_class("language-name")[0].text_content()
        for section in page.find_class("language-block")
    }
    assert names == {"en": "English", "fr": "français", "es": "español", "th": "ไทย", "ar": "العربية"}
    for tag in names:
        links = [a.get("href") for a in page.get_element_by_id(tag).iter("a")]
        assert links == [
            f"{tag}/index.html",
            f"{tag}/communities-are-hrds-{tag}.pdf",
            f"{tag}/communities-are-hrds-{tag}-print.pdf",
            f"{tag}/communities-are-hrds-{tag}.epub",
        ]
    sizes = [size.text_content() for size in page.find_class("size")]
    assert len(sizes) == 15 and all(re.search(r"\d", size) for size in sizes)
    assert any("ko" in size for size in sizes)  # French writes kilobytes "ko"


def test_repository_web_edition_links_languages_and_downloads(repository: Path) -> None:
    page = lxml_html.parse(str(repository / "output" / "la-lucha" / "fr" / "index.html")).getroot()
    assert page.get("lang") == "fr" and page.get("dir") == "ltr"
    assert page.find(".//main") is not None
    assert page.find_class("skip-link")[0].get("href") == "#main"
    switcher = [(a.get("hreflang"), a.get("href")) for a in page.find_class("languages")[0].iter("a")]
    assert switcher == [("fr", "index.html"), ("en", "../en/index.html")]
    assert [a.get("aria-current") for a in page.find_class("languages")[0].iter("a")] == ["page", None]
    downloads = [a.get("href") for a in page.find_class("downloads")[0].iter("a")]
    assert downloads == ["la-lucha-fr.pdf", "la-lucha-fr-print.pdf", "la-lucha-fr.epub"]
    assert page.find(".//script") is None
