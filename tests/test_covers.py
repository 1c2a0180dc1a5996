"""Covers: the PDF's first page is the cover image drawn as text, the back cover closes every PDF, and
titles carry the typography of their language everywhere they are shown.

Most checks read the repository's editions, built once for the session (the `repository` fixture, which
test_print.py and others share); one small project is built in French for what the repository's
reports do not have (a postal address, a title with « » and Markdown characters).
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from checkers import pdf_text
from conftest import PROFILE_SECRET, ROOTS, copy_project, run, write_photo
from lxml import html as lxml_html
from PIL import Image, ImageChops

from editions.check.pdf import page_boxes, structure_problems
from editions.errors import ErrorGroup
from editions.prepare.cover import HEIGHT, WIDTH
from editions.sources.config import load_site
from editions.sources.report_settings import load_report_settings

NBSP, NNBSP = "\u00a0", "\u202f"
BRIEF = "communities-are-hrds"
# The French title as written: "Appel à l'action : les communautés sont des DDH !"
FRENCH_TITLE = f"Appel à{NBSP}l'action{NNBSP}: les communautés sont des DDH{NNBSP}!"

# How far PDF page 1, rasterised like the cover image, may be from that image. Measured on the editions
# below: the same design differs only by JPEG ringing at the edges of letters (a mean of 0.47–0.55 of
# 255, no pixel more than 48 apart); the old PDF cover differed by a mean of 13–14 with 8–9 % of its
# pixels more than 48 apart, and another language's cover of the same report (same colours, another
# title) by a mean of 8–15 with 4–9 %. A title moved by a line, or a word changed, breaks both limits.
MEAN_LIMIT = 2.0
# What a phone writes into a photograph (conftest.write_photo): none of it may reach the PDF.
SECRETS = (b"PhoneMaker", b"/home/reporter", b"secret GPS comment", b"Exif", PROFILE_SECRET[:20])
FAR, FAR_SHARE_LIMIT = 48, 0.001


def _edition(repository: Path, slug: str, tag: str) -> Path:
    return repository / "output" / slug / tag


def _first_page(pdf: Path) -> Image.Image:
    """Page 1 rasterised as the cover image is (prepare/cover.py): pdftoppm, antialiased, WIDTH × HEIGHT."""
    done = subprocess.run(
        [
            *("pdftoppm", "-png", "-f", "1", "-l", "1", "-singlefile", "-aa", "yes", "-aaVector", "yes"),
            *("-scale-to-x", str(WIDTH), "-scale-to-y", str(HEIGHT), str(pdf)),
        ],
        capture_output=True,
        check=True,
    )
    return Image.open(io.BytesIO(done.stdout)).convert("RGB")


def _difference(page: Image.Image, cover: Path) -> tuple[float, float]:
    """The mean difference of two images (0–255) and the share of pixels more than FAR apart."""
    with Image.open(cover) as image:
        grey = ImageChops.difference(page, image.convert("RGB")).convert("L")
    histogram = grey.histogram()
    pixels = grey.width * grey.height
    mean = sum(level * count for level, count in enumerate(histogram)) / pixels
    return mean, sum(histogram[FAR + 1 :]) / pixels


@pytest.mark.parametrize(("slug", "tag", "other"), [("la-lucha", "fr", "en"), (BRIEF, "ar", "fr")])
def test_covers_pdf_first_page_is_the_cover_image_as_text(
    repository: Path, slug: str, tag: str, other: str
) -> None:
    folder = _edition(repository, slug, tag)
    page = _first_page(folder / f"{slug}-{tag}.pdf")
    assert page.size == (WIDTH, HEIGHT)
    mean, far = _difference(page, folder / "cover.jpg")
    assert mean <= MEAN_LIMIT and far <= FAR_SHARE_LIMIT, (mean, far)
    # The comparison tells covers apart: the same report's cover in another language is refused.
    mean, far = _difference(page, _edition(repository, slug, other) / "cover.jpg")
    assert mean > MEAN_LIMIT or far > FAR_SHARE_LIMIT, (mean, far)
    # Text, not a picture of text: page 1 draws no image, its words are extracted, its title is an H1.
    with pikepdf.open(folder / f"{slug}-{tag}.pdf") as pdf:
        first = pdf.pages[0]
        images = [
            operands[0]
            for operands, operator in pikepdf.parse_content_stream(first)
            if str(operator) == "Do" and first.Resources.XObject[operands[0]].get("/Subtype") == "/Image"
        ]
        headings = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/StructElem" and o.get("/S") == "/H1"
        ]
        assert not images
        assert headings and headings[0].Pg.objgen == first.obj.objgen
        # Capitals by style: the title's words reach screen readers as written.
        written = {"fr": "La criminalisation des mouvements sociaux", "ar": "دعوة إلى التحرك"}[tag]
        assert str(headings[0].ActualText).replace(NBSP, " ").startswith(written)
    words = pdf_text(folder / f"{slug}-{tag}.pdf", raw=False).split("\f")[0]
    expected = {"fr": "CRIMINALISATION", "ar": "المجتمعات"}[tag]
    assert expected in words and "2018" in words


def test_covers_print_cover_and_back_cover_bleed(repository: Path) -> None:
    """The cover's colour runs 3 mm past the trim on every side, and stops where the crop marks begin."""
    printed = _edition(repository, "la-lucha", "fr") / "la-lucha-fr-print.pdf"
    with pikepdf.open(printed) as pdf:
        count = len(pdf.pages)
        boxes = [page_boxes(pdf.pages[index]) for index in (0, count - 1)]
    for number, box in zip((1, count), boxes, strict=True):
        pages = ("-f", str(number), "-l", str(number))
        done = subprocess.run(
            ["pdftoppm", "-png", "-r", "72", *pages, "-singlefile", str(printed)],
            capture_output=True,
            check=True,
        )
        image = Image.open(io.BytesIO(done.stdout)).convert("RGB")
        trim, bleed = box["trim"], box["bleed"]
        middle_x, middle_y = (trim[0] + trim[2]) / 2, (trim[1] + trim[3]) / 2
        inside_bleed = [
            ((trim[0] + bleed[0]) / 2, middle_y),
            ((trim[2] + bleed[2]) / 2, middle_y),
            (middle_x, (trim[1] + bleed[1]) / 2),
            (middle_x, (trim[3] + bleed[3]) / 2),
        ]
        for x, y in inside_bleed:
            colour = _pixel(image, box["media"], x, y)
            assert _close(colour, (0x8C, 0x1C, 0x2B)), (number, x, y, colour)  # [cover] background
        assert _close(_pixel(image, box["media"], bleed[0] - 3, middle_y), (255, 255, 255))  # paper


def _pixel(image: Image.Image, media: tuple[float, ...], x: float, y: float) -> tuple[int, int, int]:
    """The colour at (x, y) in PDF points from the bottom left of a page drawn at 72 dpi."""
    return image.getpixel((round(x - media[0]), round(media[3] - y)))


def _close(colour: tuple[int, int, int], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 6 for a, b in zip(colour, expected, strict=True))


@pytest.mark.parametrize(("slug", "tag"), [("la-lucha", "fr"), (BRIEF, "ar")])
def test_covers_back_cover_is_the_last_page_on_an_even_page(repository: Path, slug: str, tag: str) -> None:
    folder = _edition(repository, slug, tag)
    for name in (f"{slug}-{tag}.pdf", f"{slug}-{tag}-print.pdf"):
        pages = pdf_text(folder / name, raw=False).split("\f")[:-1]
        assert len(pages) % 2 == 0, name
        back = " ".join(pages[-1].split())
        assert "Protection International" in back and "https://www.protectioninternational.org" in back
        assert "CC BY-NC-SA 4.0" in back and "©" in back and "2018" in back  # bidi may swap © and 2018
        if tag == "fr":
            assert "Publié par Protection International" in back
            assert "Vous pouvez partager et adapter cette publication" in back
        with pikepdf.open(folder / name) as pdf:
            links = {str(a.A.URI) for a in pdf.pages[-1].get("/Annots", []) if "/URI" in a.get("/A", {})}
        deed = "https://creativecommons.org/licenses/by-nc-sa/4.0/deed." + tag
        assert links == {"https://www.protectioninternational.org", deed}, links
    # The report's text ends on an odd page here: the blank verso before the back cover keeps it even.
    if tag == "fr":
        assert not pages[-2].strip()


def test_covers_titles_carry_french_spacing_everywhere(repository: Path) -> None:
    """The title "Appel à l'action : les communautés sont des DDH !" gets narrow no-break spaces before
    ":" and "!" and a tied "à", in every place that shows it; an English title is left as written."""
    folder = _edition(repository, BRIEF, "fr")
    web = lxml_html.parse(str(folder / "index.html")).getroot()
    assert web.findtext(".//title").startswith(FRENCH_TITLE + " — ")
    assert web.find(".//h1").text_content() == FRENCH_TITLE
    landing = lxml_html.parse(str(repository / "output" / BRIEF / "index.fr.html")).getroot()
    assert FRENCH_TITLE in [h.text_content() for h in landing.iter("h1", "h2")]
    with zipfile.ZipFile(folder / f"{BRIEF}-fr.epub") as book:
        package = book.read("EPUB/content.opf").decode("utf-8")
        pages = " ".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith("html"))
    assert f">{FRENCH_TITLE}</dc:title>" in package.replace("&#x27;", "'").replace("&#39;", "'")
    assert f">{FRENCH_TITLE}</h1>" in pages.replace("&#x27;", "'").replace("&#39;", "'")
    pdf = folder / f"{BRIEF}-fr.pdf"
    with pikepdf.open(pdf) as document:
        assert str(document.docinfo["/Title"]) == FRENCH_TITLE
    text = pdf_text(pdf, raw=False)
    # pdftotext gives every kind of space as a space: the words of the cover, in capitals, and of the
    # running head of a left-hand page (the typeset title's, from data-title).
    spaced = FRENCH_TITLE.replace(NBSP, " ").replace(NNBSP, " ")
    pages = [" ".join(page.replace(NBSP, " ").replace(NNBSP, " ").split()) for page in text.split("\f")]
    assert spaced.upper() in pages[0] and spaced in pages[3]
    english = lxml_html.parse(str(_edition(repository, BRIEF, "en") / "index.html")).getroot()
    assert english.find(".//h1").text_content() == "Call for Action: Communities are HRDs!"


@pytest.fixture(scope="module")
def french_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample in French only, as PDF: a title with « », Markdown characters and a handle, the
    publisher's address in the site settings rather than in report.toml, and a cover with a logo and
    a photograph whose metadata says where it was taken."""
    root = copy_project(ROOTS / "basic", tmp_path_factory.mktemp("covers") / "project")
    images = root / "reports" / "sample" / "images"
    write_photo(images / "photo.jpg")
    square = '<rect width="90" height="90" fill="#f00"/>'
    (images / "logo.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 90 90">{square}</svg>', encoding="utf-8"
    )
    toml = root / "reports" / "sample" / "report.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'accent = "#f2c14e"\n',
            'accent = "#f2c14e"\nlogo = "images/logo.svg"\nphoto = "images/photo.jpg"\n'
            'photo_credit = "Photo : PI"\npartner_logos = ["images/logo.svg"]\n',
        ),
        encoding="utf-8",
    )
    chapter = root / "reports" / "sample" / "fr" / "01-introduction.md"
    chapter.write_text(
        re.sub(
            r'^title: ".*"$',
            'title: "Rapport d’exemple : la *protection* « collective » de @defenseurs"',
            chapter.read_text(encoding="utf-8"),
            count=1,
            flags=re.MULTILINE,
        ),
        encoding="utf-8",
    )
    settings = root / "pyproject.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + '\n[tool.editions.contact]\naddress = "Rue de l’Exemple 1\\n1000 Bruxelles"\n'
        'email = "info@example.org"\n',
        encoding="utf-8",
    )
    result = run(root, "--lang", "fr", "--format", "pdf")
    assert result.code == 0, result.output
    return root / "output" / "sample" / "fr" / "sample-fr.pdf"


@pytest.mark.validators
def test_covers_title_is_plain_text_with_its_typography(french_sample: Path) -> None:
    expected = (
        f"Rapport d’exemple{NNBSP}: la{NBSP}*protection* «{NNBSP}collective{NNBSP}» de{NBSP}@defenseurs"
    )
    with pikepdf.open(french_sample) as pdf:
        assert str(pdf.docinfo["/Title"]) == expected


@pytest.mark.validators
def test_covers_back_cover_takes_the_address_from_the_site_settings(french_sample: Path) -> None:
    back = pdf_text(french_sample, raw=False).split("\f")[:-1][-1]
    lines = [" ".join(line.split()) for line in back.splitlines()]
    assert "Rue de l’Exemple 1" in lines and "1000 Bruxelles" in lines  # one line each, as written
    assert "info@example.org" in lines


def test_covers_site_contact_is_checked_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.editions]\nname = "N"\npublisher = "P"\n\n[tool.editions.contact]\nweb = "www.example.org"\n'
        'email = "nobody"\n',
        encoding="utf-8",
    )
    with pytest.raises(ErrorGroup) as raised:
        load_site(tmp_path)
    messages = [error.render(tmp_path) for error in raised.value.errors]
    assert any(m.startswith("pyproject.toml:6: error:") and "https://" in m for m in messages), messages
    assert any(m.startswith("pyproject.toml:7: error:") and "e-mail" in m for m in messages), messages


@pytest.mark.validators
def test_covers_pdf_cover_with_logo_and_photo_is_the_cover_image_without_photo_metadata(
    french_sample: Path,
) -> None:
    mean, far = _difference(_first_page(french_sample), french_sample.parent / "cover.jpg")
    assert mean <= MEAN_LIMIT and far <= FAR_SHARE_LIMIT, (mean, far)
    page = _first_page(french_sample)
    assert page.getpixel((140, 130))[0] > 200 and page.getpixel((140, 130))[1] < 60  # the red logo
    assert page.getpixel((600, 500)) == pytest.approx((120, 160, 90), abs=8)  # the photograph
    data = french_sample.read_bytes()
    assert not [secret for secret in SECRETS if secret in data]
    assert not structure_problems(french_sample)


def test_covers_partner_logos_need_their_partners_names(tmp_path: Path) -> None:
    """A partner's logo is named, for screen readers, by the partner at the same place in `partners`."""
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    toml = tmp_path / "report.toml"
    toml.write_text(
        'source_language = "en"\ndate = 2018-06-01\npublisher = "PI"\nauthors = ["PI"]\n'
        'licence = "CC BY 4.0"\n[cover]\nbackground = "#22415e"\ntext = "#ffffff"\naccent = "#f2c14e"\n'
        'partner_logos = ["logo.svg"]\n',
        encoding="utf-8",
    )
    messages = [error.render(tmp_path) for error in load_report_settings(toml)[1]]
    assert messages == [
        "report.toml:10: error: [cover] partner_logos: more logos (1) than partners (0); give one logo per "
        "partner, in the order of 'partners', and name every partner there"
    ], messages
