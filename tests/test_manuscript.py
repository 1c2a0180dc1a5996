"""What pandoc reads for one edition (editions/sources/manuscript.py): the translation's files, and each
section it lacks copied from the source where the source has it, every piece at its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from editions.i18n import parse_language
from editions.i18n.tracking import compare
from editions.model import Translation
from editions.sources.manuscript import Piece, assemble
from editions.sources.sections import read_sections

SOURCE = (
    "---\n"  # 1
    "title: Report\n"  # 2
    "---\n"  # 3
    "# A {#a}\n"  # 4
    "Alpha.[^a-note]\n"  # 5
    "\n"  # 6
    "[^a-note]: A's note.\n"  # 7
    "# B {#b}\n"  # 8
    "Beta.[^b-note]\n"  # 9
    "## B1 {#b1}\n"  # 10
    "Beta one.\n"  # 11
    "# C {#c}\n"  # 12
    "Gamma.\n"  # 13
    "\n"  # 14
    "[^b-note]: B's note.\n"  # 15
)
FIRST = (
    "---\n"  # 1
    "title: Rapport\n"  # 2
    "---\n"  # 3
    "# A {#a}\n"  # 4
    "Alpha fr.[^a-note]\n"  # 5
    "\n"  # 6
    "[^a-note]: Note de A.\n"  # 7
)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    """A report folder with the English source in one file."""
    (tmp_path / "en.md").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "fr").mkdir()
    return tmp_path


def _translations(report: Path, tag: str, chapters: dict[str, str]) -> tuple[Translation, Translation]:
    """The source and a translation made of `chapters` (file name → text), compared with no record."""
    source = Translation(parse_language("en"), (report / "en.md",), "Report", "")
    folder = report / tag
    folder.mkdir(exist_ok=True)
    for name, text in chapters.items():
        (folder / name).write_text(text, encoding="utf-8")
    files = tuple(folder / name for name in chapters)
    status = compare(read_sections(source.files), read_sections(files), {}, "en", report / "x.toml")
    return Translation(parse_language(tag), files, "Titre", "", status=status), source


def _pieces(translation: Translation, source: Translation) -> list[Piece]:
    return [piece for piece in assemble(translation, source) if piece.text]  # an empty piece reads as nothing


def test_manuscript_the_source_and_a_complete_translation_are_read_as_written(report: Path) -> None:
    source = Translation(parse_language("en"), (report / "en.md",), "Report", "")
    assert assemble(source, source) == (Piece(SOURCE, report / "en.md", 1),)
    complete = {"01-a.md": FIRST, "02-b.md": "# B {#b}\nBêta.[^b-note]\n\n[^b-note]: Note.\n## B1 {#b1}\nx\n"}
    complete["03-c.md"] = "# C {#c}\nGamma fr.\n"
    translation, source = _translations(report, "fr", complete)
    assert translation.status.count("stale") == 5  # stale sections are shown as translated, not replaced
    assert assemble(translation, source) == tuple(
        Piece(text, report / "fr" / name, 1) for name, text in complete.items()
    )


def test_manuscript_a_missing_chapter_comes_from_the_source_before_the_next_translated_one(
    report: Path,
) -> None:
    translation, source = _translations(report, "fr", {"01-a.md": FIRST, "02-c.md": "# C {#c}\nGamma fr.\n"})
    en, a, c = report / "en.md", report / "fr/01-a.md", report / "fr/02-c.md"
    assert _pieces(translation, source) == [
        Piece(FIRST, a, 1),
        Piece("::: {.untranslated lang=en}", en, 8),
        # The chapter with its subsection and the note it calls, written after chapter C in the source;
        # the copied note gets a label of its own.
        Piece("# B {#b}\nBeta.[^en:b-note]", en, 8),
        Piece("## B1 {#b1}\nBeta one.", en, 10),
        Piece("[^en:b-note]: B's note.", en, 15),
        Piece(":::", en, 8),
        Piece("# C {#c}\nGamma fr.\n", c, 1),
    ]


def test_manuscript_a_missing_subsection_goes_inside_the_same_file_at_its_line(report: Path) -> None:
    text = FIRST + "# B {#b}\nBêta.\n# C {#c}\nGamma fr.\n"  # B at line 8, C at line 10
    translation, source = _translations(report, "fr", {"01-all.md": text})
    en, fr = report / "en.md", report / "fr/01-all.md"
    assert _pieces(translation, source) == [
        Piece(FIRST + "# B {#b}\nBêta.", fr, 1),
        Piece("::: {.untranslated lang=en}", en, 10),
        Piece("## B1 {#b1}\nBeta one.", en, 10),
        Piece(":::", en, 10),
        Piece("# C {#c}\nGamma fr.", fr, 10),
    ]


def test_manuscript_a_missing_last_chapter_goes_at_the_end(report: Path) -> None:
    text = FIRST + "# B {#b}\nBêta.[^b-note]\n## B1 {#b1}\nUn.\n\n[^b-note]: Note.\n"
    translation, source = _translations(report, "fr", {"01-all.md": text})
    pieces = _pieces(translation, source)
    assert pieces[0] == Piece(text, report / "fr/01-all.md", 1)
    assert [piece.text for piece in pieces[1:]] == [
        "::: {.untranslated lang=en}",
        "# C {#c}\nGamma.\n",
        ":::",
    ]
    assert pieces[2].first_line == 12


def test_manuscript_a_source_in_another_direction_is_marked_with_its_direction(report: Path) -> None:
    translation, source = _translations(report, "ar", {"01-a.md": FIRST, "02-c.md": "# C {#c}\nجيم.\n"})
    markers = [piece.text for piece in _pieces(translation, source) if piece.text.startswith(":::")]
    assert markers == ["::: {.untranslated lang=en dir=ltr}", ":::"]


def test_manuscript_every_piece_maps_its_lines_back_to_the_file_they_were_written_in(report: Path) -> None:
    # pandoc names line L of a piece; errors show line first_line + L - 1 of its origin (convert/markdown.py).
    text = FIRST + "# B {#b}\nBêta.\n# C {#c}\nGamma fr.\n"
    translation, source = _translations(report, "fr", {"01-all.md": text})
    checked = 0
    for piece in _pieces(translation, source):
        if piece.text.startswith(":::"):
            continue
        written = piece.origin.read_text(encoding="utf-8").splitlines()
        for offset, line in enumerate(piece.text.split("\n")):
            assert written[piece.first_line - 1 + offset] == line.replace("[^en:", "[^"), (piece, offset)
            checked += 1
    assert checked == 9 + 2 + 2  # the text before the subsection, the subsection, chapter C


def test_manuscript_a_note_two_missing_chapters_call_is_copied_once(report: Path) -> None:
    # pandoc refuses a note defined twice ("Duplicate note reference"): that would be our doing, not the
    # author's, whose source defines it once and calls it from two chapters.
    (report / "en.md").write_text(
        "---\n"  # 1
        "title: Report\n"  # 2
        "---\n"  # 3
        "# A {#a}\n"  # 4
        "Alpha.\n"  # 5
        "# B {#b}\n"  # 6
        "Beta.[^shared]\n"  # 7
        "# C {#c}\n"  # 8
        "Gamma, again.[^shared]\n"  # 9
        "\n"  # 10
        "[^shared]: The shared note.\n",  # 11
        encoding="utf-8",
    )
    only_a = "---\ntitle: Rapport\n---\n# A {#a}\nAlpha fr.\n"
    translation, source = _translations(report, "fr", {"01-a.md": only_a})
    en = report / "en.md"
    assert _pieces(translation, source) == [
        Piece(only_a, report / "fr/01-a.md", 1),
        Piece("::: {.untranslated lang=en}", en, 6),
        Piece("# B {#b}\nBeta.[^en:shared]", en, 6),
        Piece("[^en:shared]: The shared note.", en, 11),
        Piece(":::", en, 6),
        Piece("::: {.untranslated lang=en}", en, 8),
        Piece("# C {#c}\nGamma, again.[^en:shared]\n", en, 8),  # calls the note copied with B
        Piece(":::", en, 8),
    ]
