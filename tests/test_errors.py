"""Errors that are not one bad input of tests/test_bad_inputs.py: the command line, and bugs of ours."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import run
from fontTools.ttLib import TTFont


def test_errors_unknown_report_on_the_command_line(sample: Path) -> None:
    result = run(sample, "--report", "nope", "--format", "html")
    assert result.code == 1
    assert "--report nope: no such report; the reports are: sample" in result.output


def test_errors_a_font_file_that_is_no_font_or_is_cut_short_is_named(sample: Path) -> None:
    font = sample / "templates" / "fonts" / "NotoSans-Regular.ttf"
    whole = font.read_bytes()
    for damaged in (b"not a font at all", whole[: len(whole) // 2]):
        font.write_bytes(damaged)
        result = run(sample, "--lang", "en", "--format", "html")
        assert result.code == 1
        assert (
            "templates/fonts/NotoSans-Regular.ttf: error: NotoSans-Regular.ttf is not a font file that can "
            "be read (damaged, cut short, or another kind of file): put the font's original file back"
        ) in result.output, result.output
        assert "internal error" not in result.output


def test_errors_a_bug_of_ours_is_one_line_and_a_log_file(sample: Path) -> None:
    font = sample / "templates" / "fonts" / "NotoSans-Regular.ttf"
    # Its outlines overwritten, the font still reads and HarfBuzz still cuts it down, but fontTools fails
    # to compress the subset: a failure no stage expects, so a bug of ours, not a mistake in the Markdown.
    data = bytearray(font.read_bytes())
    with TTFont(font, lazy=True) as parsed:
        outlines = parsed.reader.tables["glyf"]
    data[outlines.offset : outlines.offset + outlines.length] = b"\xff" * outlines.length
    font.write_bytes(data)
    result = run(sample, "--lang", "en", "--format", "html")
    assert result.code == 1
    assert "an internal error, a bug in editions and not in your sources:" in result.output
    assert "Traceback" not in result.output
    log = Path(re.search(r"the full trace is in (\S+):", result.output).group(1))
    assert "Traceback (most recent call last)" in log.read_text(encoding="utf-8")
    assert "sample/en:" in log.read_text(encoding="utf-8")
    log.unlink()


@pytest.mark.validators
def test_errors_a_bug_of_ours_while_loading_a_report_is_one_line_and_spares_the_others(sample: Path) -> None:
    reports = sample / "reports"
    shutil.copytree(reports / "sample", reports / "other")
    source = reports / "sample" / "en.md"
    # Nested a few thousand levels deep, the front matter exhausts the YAML reader's recursion: a failure
    # the loader does not expect, so a bug of ours, not a mistake to blame on the author.
    text = source.read_text(encoding="utf-8")
    source.write_text(
        text.replace("keywords: [protection, communities]", "keywords: " + "[" * 3000 + "]" * 3000)
    )
    result = run(sample, "--lang", "en", "--format", "html", "--jobs", "1")
    assert result.code == 1
    assert re.search(
        r"^reports/sample: error: an internal error, a bug in editions and not in your sources: "
        r"RecursionError",
        result.output,
        re.MULTILINE,
    ), result.output
    assert "Traceback" not in result.output
    assert "✓ other/en: built html" in result.output
    log = Path(re.search(r"the full trace is in (\S+):", result.output).group(1))
    trace = log.read_text(encoding="utf-8")
    log.unlink()
    assert "sample:\nTraceback (most recent call last)" in trace and "RecursionError" in trace
