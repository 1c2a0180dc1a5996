"""Security by default: no metadata leaks from photos, no raw HTML, no reads outside the report."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import PROFILE_SECRET, run
from lxml import html as lxml_html
from PIL import Image
from weasyprint.urls import FatalURLFetchingError

from editions.writers.fetcher import SandboxFetcher, mount_url


def _add_to_source(sample: Path, markdown: str) -> None:
    """Append `markdown` to the sample's English source, as an author (or an attacker) would."""
    source = sample / "reports" / "sample" / "en.md"
    source.write_text(source.read_text(encoding="utf-8") + markdown, encoding="utf-8")


SECRETS = (b"PhoneMaker", b"/home/reporter", b"secret GPS comment", b"Exif", PROFILE_SECRET[:20])


@pytest.mark.validators
def test_security_photos_lose_exif_gps_and_comments_in_every_format(sample: Path) -> None:
    assert run(sample, "--lang", "en", "--jobs", "1").code == 0
    edition = sample / "output" / "sample" / "en"
    blobs = [p.read_bytes() for p in (edition / "assets").glob("img-*")]
    with zipfile.ZipFile(edition / "sample-en.epub") as book:
        blobs += [book.read(name) for name in book.namelist() if "/images/img-" in name]
    blobs.append((edition / "sample-en.pdf").read_bytes())
    assert len(blobs) == 3
    for blob in blobs:
        for secret in SECRETS:
            assert secret not in blob
    picture = Image.open(io.BytesIO(blobs[0]))
    assert not picture.getexif() and "comment" not in picture.info


@pytest.mark.validators
def test_security_raw_html_is_text_not_markup(sample: Path) -> None:
    _add_to_source(sample, '\n<script>alert(\'x\')</script>\n<img src="x" onerror="alert(1)">\n')
    assert run(sample, "--lang", "en", "--format", "html").code == 0
    page = lxml_html.parse(str(sample / "output" / "sample" / "en" / "index.html")).getroot()
    assert page.find(".//script") is None
    assert not [element for element in page.iter() if element.get("onerror")]
    assert "<script>alert(" in page.text_content()


def test_security_relative_link_out_of_the_edition_is_refused(sample: Path) -> None:
    _add_to_source(sample, "\nSee [this](../../../etc/passwd).\n")
    result = run(sample, "--lang", "en", "--format", "pdf")
    assert result.code == 1
    assert "link to '../../../etc/passwd' is not allowed" in result.output


def test_security_image_outside_the_report_is_refused(sample: Path) -> None:
    _add_to_source(sample, '\n![x](../../pyproject.toml){alt="x"}\n')
    result = run(sample, "--lang", "en", "--format", "html")
    assert result.code == 1
    assert "is outside the report's folder" in result.output


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.css",
        "file:///dev/zero",
        "https://editions.invalid/other/x.css",
        "https://editions.invalid/templates/../../etc/passwd",
        "https://editions.invalid/templates/%2e%2e/secret.txt",
    ],
)
def test_security_pdf_fetcher_refuses_everything_outside_its_mounts(tmp_path: Path, url: str) -> None:
    (tmp_path / "secret.txt").write_text("secret")
    fetcher = SandboxFetcher({"templates": tmp_path / "templates"})
    with pytest.raises(FatalURLFetchingError):
        fetcher.fetch(url)


def test_security_pdf_fetcher_serves_files_inside_its_mounts(tmp_path: Path) -> None:
    (tmp_path / "style.css").write_text("p { color: red }")
    response = SandboxFetcher({"templates": tmp_path}).fetch(mount_url("templates", "style.css"))
    assert response.read() == b"p { color: red }"


# What exiftool may find in a published image: the file itself and how its pixels are stored, nothing more.
_PIXEL_GROUPS = {"ExifTool", "System", "File", "JFIF", "PNG", "Composite"}


@pytest.mark.validators
def test_security_every_image_copy_holds_pixels_only(sample: Path, tmp_path: Path) -> None:
    assert run(sample, "--lang", "en", "--jobs", "1").code == 0
    edition = sample / "output" / "sample" / "en"
    copies = sorted((edition / "assets").glob("img-*"))
    with zipfile.ZipFile(edition / "sample-en.epub") as book:
        for name in (n for n in book.namelist() if "/images/img-" in n):
            copies.append(tmp_path / f"epub-{Path(name).name}")
            copies[-1].write_bytes(book.read(name))
    subprocess.run(["pdfimages", "-all", str(edition / "sample-en.pdf"), str(tmp_path / "pdf")], check=True)
    copies += sorted(tmp_path.glob("pdf-*"))
    assert len(copies) == 3, copies
    found = json.loads(
        subprocess.run(
            ["exiftool", "-j", "-a", "-G1", *map(str, copies)], capture_output=True, check=True
        ).stdout
    )
    for tags in found:
        groups = {key.split(":")[0] for key in tags if ":" in key}
        assert groups <= _PIXEL_GROUPS, (tags["SourceFile"], groups - _PIXEL_GROUPS)
        assert "Goma" not in json.dumps(tags) and "PhoneMaker" not in json.dumps(tags)
