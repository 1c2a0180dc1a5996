"""Broken input never stops anything else: each case is refused at its place, the others still build."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run

FR = Path("reports/sample/fr")
AT = r"reports/sample/fr/0"  # where the French chapters are, as the errors name them


def _latin1(root: Path) -> None:
    chapter = root / FR / "02-findings.md"
    chapter.write_bytes(chapter.read_bytes().replace("é".encode(), b"\xe9", 1))


def _utf16(root: Path) -> None:
    chapter = root / FR / "02-findings.md"
    chapter.write_bytes(chapter.read_text(encoding="utf-8").encode("utf-16"))


def _folder_as_chapter(root: Path) -> None:
    (root / FR / "03-annex.md").mkdir()


def _missing_translation(root: Path) -> None:
    for chapter in (root / FR).iterdir():
        chapter.unlink()
    (root / FR).rmdir()


CASES: list[tuple[str, Callable[[Path], None], str]] = [
    (
        "latin-1",
        _latin1,
        r"reports/sample/fr/02-findings\.md:\d+: error: this file is not in UTF-8: byte 0xe9",
    ),
    (
        "utf-16",
        _utf16,
        r"reports/sample/fr/02-findings\.md:1: error: this file is in UTF-16: save it as UTF-8",
    ),
    (
        "folder",
        _folder_as_chapter,
        r"reports/sample/fr/03-annex\.md: error: this is a folder, not a text file",
    ),
    ("missing", _missing_translation, r"reports/sample/report\.toml: error: no sources for language 'fr'"),
]


@pytest.mark.parametrize(("name", "damage", "message"), CASES, ids=[case[0] for case in CASES])
def test_input_a_broken_translation_is_refused_alone(
    sample: Path, name: str, damage: Callable[[Path], None], message: str
) -> None:
    assert run(sample, "--format", "html").code == 0
    french = (sample / "output" / "sample" / "fr" / "index.html").read_bytes()
    damage(sample)
    result = run(sample, "--format", "html", "--force")
    assert result.code == 1
    assert re.search(message, result.output), result.output
    assert "✓ sample/en: built html" in result.output  # the source edition is not held back
    assert "Traceback" not in result.output
    assert (sample / "output" / "sample" / "fr" / "index.html").read_bytes() == french  # kept as published


def test_input_bom_crlf_and_decomposed_letters_are_read_as_written(sample: Path) -> None:
    source = sample / "reports" / "sample" / "en.md"
    text = source.read_text(encoding="utf-8").replace("Defenders rarely", "De\u0301fenders rarely")
    source.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    result = run(sample, "--lang", "en", "--format", "html")
    assert result.code == 0, result.output
    page = (sample / "output" / "sample" / "en" / "index.html").read_text(encoding="utf-8")
    assert "Défenders rarely" in page and unicodedata.is_normalized("NFC", page)
    assert (
        '<h2 id="introduction"' in page or 'id="introduction"' in page
    )  # the first heading survived the BOM
