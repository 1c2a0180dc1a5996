"""Finding a report's sources: which files of a language's folder are its chapters."""

from __future__ import annotations

from pathlib import Path

from editions.sources.discover import source_files


def test_discover_chapters_skip_an_editors_hidden_files(tmp_path: Path) -> None:
    chapters = tmp_path / "en"
    chapters.mkdir()
    for name in ("01-introduction.md", "02-findings.md"):
        (chapters / name).write_text("# A heading\n", encoding="utf-8")
    # What editors leave beside a file being edited: Emacs's lock (a dangling link), Vim's swap file,
    # backups and autosaves.
    (chapters / ".#01-introduction.md").symlink_to("user@host.1234:1700000000")
    for name in (".01-introduction.md.swp", "01-introduction.md~", "#02-findings.md#"):
        (chapters / name).write_text("", encoding="utf-8")
    assert source_files(tmp_path, "en") == (chapters / "01-introduction.md", chapters / "02-findings.md")
