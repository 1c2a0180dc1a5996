"""Bad input: one located line per problem, no traceback, and the other editions still build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import ROOTS, copy_project, run, write_photo

LOCATED = re.compile(r"^\s*(?P<path>[^:\s]+)(?::(?P<line>\d+))?: error: (?P<message>.+)$", re.MULTILINE)


def _two_reports(tmp_path: Path) -> Path:
    """The sample report twice: `sample` (to be broken) and `good`, which must keep building."""
    root = copy_project(ROOTS / "basic", tmp_path / "project")
    write_photo(root / "reports" / "sample" / "images" / "photo.jpg")
    shutil.copytree(root / "reports" / "sample", root / "reports" / "good")
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class Breakage(NamedTuple):
    """An author's mistake: `old` replaced by `new` in `file` (None: the file is deleted), and the error."""

    file: str
    old: str | None
    new: str | None
    where: str  # the file the error names
    line: int | None
    message: str


IMAGE_LINE = (
    "![A village meeting under a tree](images/photo.jpg)"
    '{#fig-photo alt="People sitting in a circle under a large tree"}'
)
BREAKAGES = {
    "malformed-toml": Breakage(
        "report.toml", 'licence = "CC BY-NC-SA 4.0"', "licence = CC", "report.toml", 7, "TOML"
    ),
    "unknown-language": Breakage(
        "report.toml",
        'translations = ["fr"]',
        'translations = ["xx-bad"]',
        "report.toml",
        2,
        "not a language",
    ),
    "missing-metadata": Breakage(
        "report.toml",
        'publisher = "Protection International"\n',
        "",
        "report.toml",
        None,
        "'publisher' is required",
    ),
    "bad-isbn": Breakage("report.toml", "9782930539003", "9782930539004", "report.toml", 15, "check digit"),
    "missing-title": Breakage(
        "en.md", 'title: "Sample report on collective protection"\n', "", "en.md", 2, "non-empty 'title:'"
    ),
    "missing-image": Breakage(
        "en.md", "images/photo.jpg", "images/nowhere.jpg", "en.md", 14, "does not exist"
    ),
    "missing-alt": Breakage("en.md", IMAGE_LINE, "![](images/photo.jpg)", "en.md", 14, "no alternative text"),
    "missing-citation": Breakage(
        "en.md",
        "[@manual2009, p. 12]",
        "[@nobody2020]",
        "en.md",
        29,
        "'@nobody2020' is not in the bibliography",
    ),
    "duplicate-note": Breakage(
        "en.md",
        "[^findings-1]: Second note.",
        "[^findings-1]: A.\n\n[^findings-1]: B.",
        "en.md",
        33,
        "Duplicate note",
    ),
    "undefined-note": Breakage(
        "en.md",
        "12].[^findings-1]",
        "12].[^findings-1][^missing-note]",
        "en.md",
        29,
        "[^missing-note] has no definition",
    ),
    "unsafe-link": Breakage(
        "en.md",
        "(https://www.protectioninternational.org)",
        "(javascript:alert(1))",
        "en.md",
        12,
        "is not allowed",
    ),
    "image-in-abstract": Breakage(
        "en.md",
        "with *emphasis*.",
        "with ![a map](images/photo.jpg).",
        "en.md",
        4,
        "abstract cannot hold images",
    ),
    "chapter-without-id": Breakage(
        "fr/02-findings.md", "# Constats {#findings}", "# Constats", "fr/02-findings.md", 1, "has no id"
    ),
    "duplicate-section-id": Breakage(
        "en.md", "## Risks {#risks}", "## Risks {#introduction}", "en.md", 20, "used twice"
    ),
    "character-in-no-font": Breakage(
        "en.md",
        "Defenders rarely work alone.",
        "Defenders (守护者) rarely work alone.",
        "en.md",
        11,
        "'守' (U+5B88 CJK UNIFIED IDEOGRAPH-5B88) is in no font configured for 'en' (Noto Serif)",
    ),
    "unknown-inline-language": Breakage(
        "en.md", "work alone.", "work [alone]{lang=xx-nope}.", "en.md", 11, "{lang=xx-nope}"
    ),
}


@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_errors_are_located_and_spare_the_other_reports(tmp_path: Path, case: str) -> None:
    file, old, new, where, line, message = BREAKAGES[case]
    root = _two_reports(tmp_path)
    target = root / "reports" / "sample" / file
    if old is None:
        target.unlink()
    else:
        _edit(target, old, new)
    # English only: the French sources still load and are checked, and half the editions build faster.
    result = run(root, "--format", "html", "--lang", "en", "--jobs", "2")
    assert result.code == 1, result.output
    assert "Traceback" not in result.output
    located = [
        m
        for m in LOCATED.finditer(result.output)
        if m["path"] == f"reports/sample/{where}" and message in m["message"]
    ]
    assert located, result.output
    assert located[0]["line"] == (str(line) if line else None), result.output
    assert (root / "output" / "good" / "en" / "index.html").exists()


def test_errors_template_mistake_names_the_template(tmp_path: Path) -> None:
    root = _two_reports(tmp_path)
    _edit(root / "templates" / "web" / "edition.html", "{{ tr.title }}</h1>", "{{ tr.no_such_field }}</h1>")
    result = run(root, "--format", "html", "--report", "good", "--lang", "en")
    assert result.code == 1
    assert re.search(r"templates/web/edition\.html:\d+: error: template: .*no_such_field", result.output)
    assert "Traceback" not in result.output


def test_errors_unknown_report_on_the_command_line(sample: Path) -> None:
    result = run(sample, "--report", "nope", "--format", "html")
    assert result.code == 1
    assert "--report nope: no such report; the reports are: sample" in result.output


def test_errors_a_bug_of_ours_is_one_line_and_a_log_file(sample: Path) -> None:
    font = sample / "templates" / "fonts" / "NotoSans-Regular.ttf"
    font.write_bytes(b"not a font at all")  # our own tools fail on it: not a mistake in the Markdown
    result = run(sample, "--lang", "en", "--format", "html")
    assert result.code == 1
    assert "an internal error, a bug in editions and not in your sources:" in result.output
    assert "Traceback" not in result.output
    log = Path(re.search(r"the full trace is in (\S+):", result.output).group(1))
    assert "Traceback (most recent call last)" in log.read_text(encoding="utf-8")
    assert "sample/en:" in log.read_text(encoding="utf-8")
    log.unlink()
