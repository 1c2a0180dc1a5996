"""Web editions: the current language marked, sharing metadata, fonts shown at once, a print style without
navigation, dark colours that pass axe, titles in sentence case, and the EPUB's accessibility claim."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import BASE_URL, REPO
from lxml import html as lxml_html

from editions.check.accessibility import axe_pages
from editions.check.tools import chromium
from editions.sources.discover import discover_reports
from editions.writers.epub import CONFORMANCE
from editions.writers.sharing import DESCRIPTION_LENGTH, describe


def _page(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.parse(str(path)).getroot()


def test_web_edition_marks_its_language_and_shares_its_cover(published: Path) -> None:
    page = _page(published / "sample" / "fr" / "index.html")
    switcher = [
        (a.get("hreflang"), a.get("href"), a.get("aria-current"))
        for a in page.find_class("languages")[0].iter("a")
    ]
    assert switcher == [("en", "../en/index.html", None), ("fr", "index.html", "page")]
    assert page.xpath('//link[@rel="canonical"]/@href') == [f"{BASE_URL}sample/fr/"]
    alternates = {link.get("hreflang"): link.get("href") for link in page.xpath('//link[@rel="alternate"]')}
    assert alternates == {
        "en": f"{BASE_URL}sample/en/",
        "fr": f"{BASE_URL}sample/fr/",
        "x-default": f"{BASE_URL}sample/",
    }
    image = page.xpath('//meta[@property="og:image"]/@content')[0]
    assert (published / image.removeprefix(BASE_URL)).read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG
    assert (published / "sample" / "fr" / page.xpath('//link[@rel="icon"]/@href')[0]).resolve().is_file()
    labels = [a.text_content() for a in page.find_class("downloads")[0].iter("a")]
    assert [label.split(" (")[0] for label in labels] == [
        "Télécharger le PDF",
        "Télécharger le PDF pour l’imprimeur",
        "Télécharger l’EPUB",
    ]


def test_web_description_is_cut_at_a_word() -> None:
    text = "Defenders rarely work alone. " * 12
    cut = describe(text)
    assert len(cut) <= DESCRIPTION_LENGTH and cut.endswith("…")
    kept = cut.removesuffix("…")
    assert text.startswith(kept) and text[len(kept)] in " ."  # the next character ends a word
    assert describe("  A short\n abstract. ") == "A short abstract."


def test_web_fonts_are_shown_at_once_and_the_body_font_preloaded(published: Path) -> None:
    folder = published / "sample" / "en"
    css = (folder / "assets" / "fonts.css").read_text(encoding="utf-8")
    assert css.count("@font-face") == css.count("font-display: swap;") > 0
    preload = _page(folder / "index.html").xpath('//link[@rel="preload"]')[0]
    assert preload.get("href") == "assets/fonts/NotoSerif-Regular.woff2"
    assert (preload.get("as"), preload.get("type")) == ("font", "font/woff2")
    assert (folder / preload.get("href")).is_file()


@pytest.mark.validators
def test_web_printing_drops_the_navigation_and_the_buttons(published: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "printed.pdf"
    page = (published / "sample" / "en" / "index.html").as_uri()
    subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", page],
        capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    printed = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(printed.split())
    assert "SAMPLE REPORT ON COLLECTIVE PROTECTION" in text  # capitals by the style, as on screen
    assert "Defenders rarely work alone" in text
    for chrome in ("All languages and formats", "Download the PDF", "Skip to content", "français"):
        assert chrome not in text


@pytest.mark.validators
def test_web_dark_colours_pass_axe(published: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(published / "sample" / "en", tmp_path / "en")
    stylesheet = copy / "assets" / "edition.css"
    css = stylesheet.read_text(encoding="utf-8")
    assert "@media (prefers-color-scheme: dark)" in css
    # The dark colours for every reader, as a browser set to dark applies them.
    stylesheet.write_text(css.replace("@media (prefers-color-scheme: dark)", "@media all"), encoding="utf-8")
    found = axe_pages([copy / "index.html"])
    assert found == {copy / "index.html": []}


def test_web_titles_are_written_in_sentence_case_in_the_sources() -> None:
    reports, _ = discover_reports(REPO / "reports")
    for report in reports:
        for translation in report.translations:
            letters = [c for c in translation.title if c.isalpha()]
            # Capitals are the style's job (text-transform): screen readers spell out words in capitals.
            assert not (letters and all(c.isupper() for c in letters)), (report.slug, translation.title)


def test_epub_declares_its_accessibility_conformance_and_cover(published: Path) -> None:
    with zipfile.ZipFile(published / "sample" / "fr" / "sample-fr.epub") as book:
        opf = book.read("EPUB/content.opf").decode("utf-8")
        assert book.read("EPUB/images/cover.jpg") == (published / "sample" / "fr" / "cover.jpg").read_bytes()
    assert f'<meta property="dcterms:conformsTo">{CONFORMANCE}</meta>' in opf
    assert re.search(r'<meta property="schema:accessibilitySummary">[^<]{40,}</meta>', opf)
    assert re.search(r'<item [^>]*href="images/cover.jpg"[^>]*properties="cover-image"', opf) or re.search(
        r'<item [^>]*properties="cover-image"[^>]*href="images/cover.jpg"', opf
    )


def test_web_pages_fetch_only_the_letters_of_another_script_they_show(repository: Path) -> None:
    output = repository / "output"
    # The Arabic brief names Thai (ไทย) in its switcher, and the Thai brief names Arabic (العربية):
    # each ships those few letters, not the other script's whole font (with the letters FreeType's
    # autohinter measures the script by, so that Chromium draws them as the full font does: 8–10 KB, where
    # the whole face is over 100 KB).
    for tag, other in (("ar", "Thai"), ("th", "Arabic")):
        fonts = output / "communities-are-hrds" / tag / "assets" / "fonts"
        foreign = [path for path in fonts.iterdir() if other in path.name]
        assert foreign and all(path.stat().st_size < 12_000 for path in foreign), [
            (path.name, path.stat().st_size) for path in foreign
        ]
    page = (output / "index.th.html").read_text(encoding="utf-8")
    arabic = re.findall(r'url\("(fonts/NotoSansArabic-[^"]+)"\)', page)
    assert arabic and all((output / name).stat().st_size < 12_000 for name in arabic)


def test_web_edition_and_epub_ship_the_same_font_files(repository: Path) -> None:
    """The fonts are cut once for both screen formats (editions/writers/screen_fonts.py): every edition's
    EPUB holds, byte for byte, the font files its web edition serves, whatever sizes the web page shows."""
    output = repository / "output"
    epubs = sorted(output.glob("*/*/*.epub"))
    assert len(epubs) >= 10
    for path in epubs:
        with zipfile.ZipFile(path) as book:
            packed = {
                Path(name).name: book.read(name) for name in book.namelist() if name.startswith("EPUB/fonts/")
            }
        served = {font.name: font.read_bytes() for font in (path.parent / "assets" / "fonts").iterdir()}
        assert packed and packed == served, (path.name, sorted(packed), sorted(served))
