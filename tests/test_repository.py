"""The repository's five reports, 13 editions × 3 formats, checked by independent validators."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf
import pytest
from checkers import ace_file, axe_pages, epubcheck_file, pdf_fonts, pdf_text, qpdf_check, vnu_files
from lxml import html as lxml_html

from editions.discover import discover_reports
from editions.i18n import load_translations

EDITIONS = {
    "la-lucha": ["fr", "en"],
    "time-is-now": ["es", "en"],
    "collective-protection": ["en", "fr", "es"],
    "land-and-territory": ["es", "en"],
    "communities-are-hrds": ["en", "fr", "es", "th"],
}
ALL = [(slug, tag) for slug, tags in EDITIONS.items() for tag in tags]


def _translation(root: Path, slug: str, tag: str):
    reports, errors = discover_reports(root / "reports")
    assert not errors
    return next(r for r in reports if r.slug == slug).translation(tag)


def _comparable(text: str) -> str:
    """Text in its compatibility form without white space: line breaks and Thai SARA AM (which a PDF can
    only carry as NIKHAHIT + SARA AA) then compare equal with the source."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_repository_has_thirteen_editions_in_three_formats(repository: Path) -> None:
    output = repository / "output"
    assert len(ALL) == 13
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


def _books(repository: Path) -> list[Path]:
    return [repository / "output" / slug / tag / f"{slug}-{tag}.epub" for slug, tag in ALL]


@pytest.fixture(scope="session")
def epubcheck_findings(repository: Path) -> dict[Path, object]:
    """EPUBCheck on every book, two at a time (each run starts a JVM: most of its time)."""
    with ThreadPoolExecutor(2) as pool:
        return dict(zip(_books(repository), pool.map(epubcheck_file, _books(repository)), strict=True))


@pytest.fixture(scope="session")
def ace_findings(repository: Path) -> dict[Path, list[str]]:
    """DAISY Ace on every book, one at a time: each run starts a Chromium that keeps both cores busy."""
    return {book: ace_file(book) for book in _books(repository)}


@pytest.mark.parametrize(("slug", "tag"), ALL)
def test_repository_epub_passes_epubcheck(repository: Path, epubcheck_findings, slug: str, tag: str) -> None:
    findings = epubcheck_findings[repository / "output" / slug / tag / f"{slug}-{tag}.epub"]
    assert findings.errors == []
    assert findings.warnings == []


def test_repository_html_passes_nu_html_checker(repository: Path) -> None:
    pages = sorted((repository / "output").rglob("*.html"))
    assert len(pages) == 13 + 5 + 1
    assert vnu_files(pages) == []


@pytest.mark.parametrize(("slug", "tag"), ALL)
def test_repository_epub_passes_ace_accessibility_checks(
    repository: Path, ace_findings, slug: str, tag: str
) -> None:
    assert ace_findings[repository / "output" / slug / tag / f"{slug}-{tag}.epub"] == []


def test_repository_html_passes_axe_accessibility_checks(repository: Path) -> None:
    pages = sorted((repository / "output").rglob("*.html"))
    violations = {page: found for page, found in axe_pages(pages).items() if found}
    assert violations == {}


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
        assert str(pdf.docinfo["/Title"]) == translation.title
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
    text = _comparable(pdf_text(path))
    contents = load_translations(repository / "locales", translation.language).gettext("Contents")
    assert _comparable(translation.title) in text
    assert _comparable(contents) in text


def test_repository_thai_brief_extracts_as_thai(repository: Path) -> None:
    text = pdf_text(repository / "output" / "communities-are-hrds" / "th" / "communities-are-hrds-th.pdf")
    letters = [c for c in text if c.isalpha()]
    thai = [c for c in letters if "\u0e00" <= c <= "\u0e7f"]
    assert len(thai) > 2000
    assert len(thai) / len(letters) > 0.8
    assert "สารบัญ" in text  # "Contents", from the Thai catalog
    # Search, copy and screen readers get the words of the source: nearly every Thai run of the source is
    # found as such (a few differ only in the order HarfBuzz gives stacked marks).
    source = "".join(
        p.read_text(encoding="utf-8") for p in _translation(repository, "communities-are-hrds", "th").files
    )
    runs = set(re.findall(r"[\u0e00-\u0e7f]+", unicodedata.normalize("NFKC", source)))
    found = _comparable(text)
    assert len([run for run in runs if run in found]) / len(runs) > 0.95
    assert not re.search(r"[\u25a1\ufffd]", text)  # no boxes or replacement characters


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
    on_disk = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()} - {"manifest.json"}
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
    assert alternates == {"en", "fr", "es", "th"}
    names = {
        section.get("lang"): section.find_class("language-name")[0].text_content()
        for section in page.find_class("language-block")
    }
    assert names == {"en": "English", "fr": "français", "es": "español", "th": "ไทย"}
    for tag in names:
        links = [a.get("href") for a in page.get_element_by_id(tag).iter("a")]
        assert links == [
            f"{tag}/index.html",
            f"{tag}/communities-are-hrds-{tag}.pdf",
            f"{tag}/communities-are-hrds-{tag}.epub",
        ]
    sizes = [size.text_content() for size in page.find_class("size")]
    assert len(sizes) == 8 and all(re.search(r"\d", size) for size in sizes)
    assert any("ko" in size for size in sizes)  # French writes kilobytes "ko"


def test_repository_web_edition_links_languages_and_downloads(repository: Path) -> None:
    page = lxml_html.parse(str(repository / "output" / "la-lucha" / "fr" / "index.html")).getroot()
    assert page.get("lang") == "fr" and page.get("dir") == "ltr"
    assert page.find(".//main") is not None
    assert page.find_class("skip-link")[0].get("href") == "#main"
    switcher = [(a.get("hreflang"), a.get("href")) for a in page.find_class("languages")[0].iter("a")]
    assert switcher == [("en", "../en/index.html")]
    downloads = [a.get("href") for a in page.find_class("downloads")[0].iter("a")]
    assert downloads == ["la-lucha-fr.pdf", "la-lucha-fr.epub"]
    assert page.find(".//script") is None
