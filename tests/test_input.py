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


def _append(text: str) -> Callable[[Path], int]:
    """A change that appends `text` to the English source; it returns the line where `text` starts."""

    def change(root: Path) -> int:
        source = root / "reports" / "sample" / "en.md"
        before = source.read_text(encoding="utf-8")
        source.write_text(before + "\n" + text, encoding="utf-8")
        return len(before.splitlines()) + 2

    return change


def _front_matter(line: str) -> Callable[[Path], int]:
    """A change that adds `line` to the English front matter; it returns its line number."""

    def change(root: Path) -> int:
        source = root / "reports" / "sample" / "en.md"
        lines = source.read_text(encoding="utf-8").splitlines()
        lines.insert(3, line)
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return 4

    return change


def _no_bibliography(root: Path) -> int:
    (root / "reports" / "sample" / "references.bib").unlink()
    return 12  # where the sample cites @declaration1998


SILENT: list[tuple[str, Callable[[Path], int], str]] = [
    (
        "image-beside-text",
        _append('Look: ![a tree](images/photo.jpg){alt="A tree"} here.\n'),
        "has text beside it in its paragraph",
    ),
    (
        "table-row-too-wide",
        _append("| a | b |\n|---|---|\n| 1 | 2 | 3 |\n"),
        "this table row has 3 cells but its header has 2",
    ),
    ("section-without-id", _append("## A section without id\n\nText.\n"), "this section heading has no id"),
    ("duplicate-yaml-key", _front_matter('title: "A second title"'), "the key 'title' is written twice"),
    ("no-bibliography", _no_bibliography, "citation '@declaration1998', but this report has no bibliography"),
]


@pytest.mark.parametrize(("name", "change", "message"), SILENT, ids=[case[0] for case in SILENT])
def test_input_what_pandoc_would_render_wrong_is_a_located_error(
    sample: Path, name: str, change: Callable[[Path], int], message: str
) -> None:
    line = change(sample)
    result = run(sample, "--lang", "en", "--format", "html")
    assert result.code == 1, result.output
    line_part = "" if name == "table-row-too-wide" else f":{line}"
    assert re.search(
        rf"reports/sample/en\.md{re.escape(line_part)}:?\d*: error: [^\n]*{re.escape(message)}", result.output
    ), result.output


def test_input_author_comments_are_never_published(sample: Path) -> None:
    _append("Public text. <!-- call the witness in Goma on Monday -->\n\n<!--\nA private note\n-->\n")(sample)
    result = run(sample, "--lang", "en", "--format", "html")
    assert result.code == 0, result.output
    page = (sample / "output" / "sample" / "en" / "index.html").read_text(encoding="utf-8")
    assert "Public text." in page and "witness" not in page and "private note" not in page


def test_input_an_automatic_id_equal_to_a_written_one_names_both_places(sample: Path) -> None:
    first = _append("### Shared name\n\nText.\n\n## Later {#shared-name}\n\nMore.\n")(sample)
    result = run(sample, "--lang", "en", "--format", "html")
    assert result.code == 1
    assert (
        f"the id 'shared-name' is given twice, at reports/sample/en.md:{first} and "
        f"reports/sample/en.md:{first + 4}"
    ) in result.output, result.output
