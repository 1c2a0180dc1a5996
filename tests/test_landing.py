"""Landing pages and covers: every file with its size, pages and checksum, each page in every language,
sharing cards that point at a cover that exists, our own fonts in small subsets, covers from our fonts."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import BASE_URL, REPO, ROOTS, copy_project
from lxml import html as lxml_html
from PIL import Image

from editions import i18n
from editions.errors import RenderError
from editions.prepare.cover import HEIGHT, WIDTH, render_cover
from editions.prepare.fonts import load_fonts
from editions.sources.discover import discover_reports
from editions.writers.templating import make_environment


def _page(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.parse(str(path)).getroot()


def _meta(page: lxml_html.HtmlElement, key: str) -> str:
    found = page.xpath(f'//meta[@property="{key}" or @name="{key}"]/@content')
    return found[0] if found else ""


def test_landing_lists_every_file_with_its_size_pages_and_checksum(published: Path) -> None:
    manifest = {
        entry["path"]: entry for entry in json.loads((published / "manifest.json").read_bytes())["files"]
    }
    page = _page(published / "sample" / "index.html")
    for tag in ("en", "fr"):
        block = page.get_element_by_id(tag)
        items = [li for li in block.find_class("downloads")[0] if li.find("a") is not None]
        hrefs = [li.find("a").get("href") for li in items]
        assert hrefs == [
            f"{tag}/index.html",
            f"{tag}/sample-{tag}.pdf",
            f"{tag}/sample-{tag}-print.pdf",
            f"{tag}/sample-{tag}.epub",
        ]
        for li in items[1:]:
            path = f"sample/{li.find('a').get('href')}"
            digest = hashlib.sha256((published / path).read_bytes()).hexdigest()
            # The checksum is text in the page, ready to select and copy: no script, no image.
            assert li.xpath(".//code/text()") == [digest] == [manifest[path]["sha256"]]
        for item, name in ((items[1], f"sample-{tag}.pdf"), (items[2], f"sample-{tag}-print.pdf")):
            pdf = published / "sample" / tag / name
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
            pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
            assert re.search(rf"\b{pages} pages\b", item.text_content())
        cover = block.find_class("block-cover")[0].get("src")
        assert cover == f"{tag}/cover-small.jpg" and (published / "sample" / cover).is_file()


def test_landing_pages_speak_every_language_they_list(published: Path) -> None:
    english, french = (
        _page(published / "sample" / "index.html"),
        _page(published / "sample" / "index.fr.html"),
    )
    assert (english.get("lang"), french.get("lang")) == ("en", "fr")
    assert french.find_class("site-header")[0].find("a").text_content() == "Toutes les publications"
    labels = [a.text_content() for a in french.get_element_by_id("fr").find_class("downloads")[0].iter("a")]
    assert labels == [
        "Lire en ligne",
        "Télécharger le PDF",
        "Télécharger le PDF pour l’imprimeur (fonds perdus et traits de coupe)",
        "Télécharger l’EPUB",
    ]
    # The page's own language comes first, and the switcher says which page this is.
    assert [s.get("id") for s in french.find_class("language-block")] == ["fr", "en"]
    current = french.xpath('//nav[@class="page-languages"]//a[@aria-current="page"]')
    assert [(a.get("hreflang"), a.get("href")) for a in current] == [("fr", "index.fr.html")]
    assert _page(published / "index.fr.html").get("lang") == "fr"


def test_landing_sharing_card_shows_a_cover_that_exists(published: Path) -> None:
    page = _page(published / "sample" / "index.fr.html")
    assert page.xpath('//link[@rel="canonical"]/@href') == [f"{BASE_URL}sample/index.fr.html"]
    image = _meta(page, "og:image")
    assert image == f"{BASE_URL}sample/fr/cover.jpg"
    with Image.open(published / image.removeprefix(BASE_URL)) as cover:
        assert (cover.format, cover.size) == ("JPEG", (WIDTH, HEIGHT))
    assert _meta(page, "og:title") == "Rapport d’exemple sur la\u00a0protection collective"  # "la" tied
    assert _meta(page, "twitter:card") == "summary_large_image"
    alternates = dict(
        (link.get("hreflang"), link.get("href")) for link in page.xpath('//link[@rel="alternate"]')
    )
    assert alternates == {
        "en": f"{BASE_URL}sample/index.html",
        "fr": f"{BASE_URL}sample/index.fr.html",
        "x-default": f"{BASE_URL}sample/",
    }
    assert (published / page.xpath('//link[@rel="icon"]/@href')[0].removeprefix("../")).is_file()


def test_landing_fonts_are_our_subsets_shown_at_once(published: Path) -> None:
    page = (published / "sample" / "index.html").read_text(encoding="utf-8")
    sources = re.findall(r'src: url\("\.\./(fonts/[^"]+)"\)', page)
    assert sources and all((published / source).is_file() for source in sources)
    assert page.count("font-display: swap;") == len(sources)
    assert not any("Serif" in source for source in sources)  # landing pages are set in sans only
    preload = _page(published / "sample" / "index.html").xpath('//link[@rel="preload"]/@href')[0]
    assert preload.startswith("../fonts/NotoSans-Regular-") and (published / preload[3:]).is_file()
    # Subsets: far smaller than the fonts they come from.
    shipped = (REPO / "templates" / "fonts" / "NotoSans-Regular.ttf").stat().st_size
    assert (published / preload[3:]).stat().st_size < shipped / 10


@pytest.fixture(scope="module")
def thai() -> tuple:
    reports, _ = discover_reports(REPO / "reports")
    report = next(r for r in reports if r.slug == "communities-are-hrds")
    return report, report.translation("th")


def _cover(report, translation, fonts) -> bytes:
    language = translation.language
    environment = make_environment(
        REPO / "templates", language, i18n.load_translations(REPO / "locales", language)
    )
    return render_cover(environment, report, translation, fonts, REPO / "templates")


@pytest.mark.validators
def test_cover_draws_thai_with_our_fonts_the_same_every_time(thai: tuple) -> None:
    report, translation = thai
    fonts = load_fonts(REPO / "templates" / "fonts")
    first = _cover(report, translation, fonts)
    assert _cover(report, translation, fonts) == first
    with Image.open(io.BytesIO(first)) as image:
        title = image.convert("L").crop((100, 250, 1100, 700))
        ink = sum(title.histogram()[201:])  # pixels of the white title on the dark background
    assert ink > 20_000
    # Without our Thai faces the renderer has only boxes for the title: the cover is refused, never drawn.
    latin = replace(fonts, faces=tuple(f for f in fonts.faces if "Thai" not in f.family))
    latin = replace(latin, stacks={"": latin.stacks[""]})
    with pytest.raises(RenderError, match="cannot draw every character"):
        _cover(report, translation, latin)


@pytest.mark.validators
def test_cover_shows_the_logos_and_photo_report_toml_declares(tmp_path: Path) -> None:
    root = copy_project(ROOTS / "basic", tmp_path / "project")
    images = root / "reports" / "sample" / "images"
    images.mkdir()
    (images / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 90 90">'
        '<rect width="90" height="90" fill="#ff0000"/></svg>',
        encoding="utf-8",
    )
    Image.new("RGB", (800, 500), (0, 200, 0)).save(images / "photo.jpg")
    settings = root / "reports" / "sample" / "report.toml"
    text = settings.read_text(encoding="utf-8").replace(
        'accent = "#f2c14e"\n',
        'accent = "#f2c14e"\nlogo = "images/logo.svg"\nphoto = "images/photo.jpg"\n'
        'photo_credit = "Photo: PI"\n',
    )
    settings.write_text(text, encoding="utf-8")
    (report,), problems = discover_reports(root / "reports")
    assert problems == []
    data = _cover(report, report.source, load_fonts(REPO / "templates" / "fonts"))
    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
        logo, photo = rgb.getpixel((145, 135)), rgb.getpixel((600, 450))
    assert logo[0] > 200 and logo[1] < 60  # the red logo where the wordmark would be
    assert photo[1] > 170 and photo[0] < 60  # the green photo under the rule
    settings.write_text(text.replace("images/logo.svg", "images/missing.svg"), encoding="utf-8")
    _, problems = discover_reports(root / "reports")
    assert any(
        "[cover] logo: 'images/missing.svg' is not a file of the report's folder" in str(p) for p in problems
    )
