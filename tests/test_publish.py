"""Publishing: atomic, all-or-nothing per edition; a failed rebuild keeps the last good files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import run


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.validators
def test_publish_failed_rebuild_keeps_the_previous_good_output(sample: Path) -> None:
    assert run(sample).code == 0
    edition = sample / "output" / "sample" / "en"
    before = _snapshot(edition)
    source = sample / "reports" / "sample" / "en.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace(
            "# Findings {#findings}", "# Findings {#findings}\n\nA new paragraph [@unknown-key].", 1
        ),
        encoding="utf-8",
    )
    result = run(sample, "--lang", "en")
    assert result.code == 1
    assert _snapshot(edition) == before
    assert not any(p.name.startswith(".") for p in (sample / "output").rglob("*"))
    assert not (sample / ".output.staging").exists()


@pytest.mark.validators
def test_publish_builds_only_the_requested_formats(sample: Path) -> None:
    result = run(sample, "--lang", "fr", "--format", "epub")
    assert result.code == 0, result.output
    edition = sample / "output" / "sample" / "fr"
    assert sorted(p.name for p in edition.iterdir()) == ["cover-small.jpg", "cover.jpg", "sample-fr.epub"]
    assert not (sample / "output" / "sample" / "en").exists()
    assert "1 of 1 editions built" in result.output
    landing = (sample / "output" / "sample" / "index.html").read_text(encoding="utf-8")
    assert "<p>Un\xa0court résumé avec de\xa0l’<em>emphase</em>.</p>" in landing  # as pandoc made it, once
    assert "sample-fr.epub" in landing and "sample-fr.pdf" not in landing


@pytest.mark.validators
def test_publish_removes_web_assets_the_new_page_no_longer_uses(sample: Path) -> None:
    assert run(sample, "--lang", "en", "--format", "html").code == 0
    assets = sample / "output" / "sample" / "en" / "assets"
    images = [p.name for p in assets.glob("img-*")]
    assert len(images) == 1
    photo = sample / "reports" / "sample" / "images" / "photo.jpg"
    from PIL import Image

    Image.new("RGB", (300, 200), (10, 20, 30)).save(photo, "JPEG")
    assert run(sample, "--lang", "en", "--format", "html").code == 0
    now = [p.name for p in assets.glob("img-*")]
    assert len(now) == 1 and now != images
