"""The command line: subsets, summaries, exit codes, progress without a terminal."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run, site_at

import editions
from editions.cli.main import main
from editions.cli.progress import LiveProgress, make_progress
from editions.model import Format
from editions.pipeline import build
from editions.plan import Selection


@pytest.mark.validators
def test_cli_summary_names_editions_time_and_place(sample: Path) -> None:
    result = run(sample, "--format", "html", "--jobs", "2")
    assert result.code == 0, result.output
    assert "building 2 editions" in result.output
    assert "✓ sample/en: built html in" in result.output
    assert "✓ sample/fr: built html in" in result.output
    assert "2 of 2 editions built in" in result.output
    assert "\x1b[" not in result.output  # no terminal: plain lines for CI logs


@pytest.mark.validators
def test_cli_output_option_writes_elsewhere(sample: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    assert run(sample, "--format", "html", "--lang", "fr", "--output", str(target)).code == 0
    assert (target / "sample" / "fr" / "index.html").exists()
    assert (target / "index.html").exists() and (target / "manifest.json").exists()
    assert not (sample / "output").exists()


@pytest.mark.validators
def test_cli_failed_edition_is_named_in_the_summary(sample: Path) -> None:
    chapter = sample / "reports" / "sample" / "fr" / "02-findings.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nVoir [@inconnu].\n", encoding="utf-8")
    result = run(sample, "--format", "html", "--jobs", "2")
    assert result.code == 1
    assert "1 of 2 editions built" in result.output
    assert "FAILED: sample/fr" in result.output
    assert "reports/sample/fr/02-findings.md:16: error: citation '@inconnu'" in result.output


@pytest.mark.validators
def test_cli_unchanged_editions_are_not_rebuilt(sample: Path) -> None:
    assert run(sample, "--format", "html", "--jobs", "2").code == 0
    page = sample / "output" / "sample" / "en" / "index.html"
    first = page.stat().st_mtime_ns
    again = run(sample, "--format", "html")
    assert again.code == 0
    assert "editions built" not in again.output and "2 editions already up to date" in again.output
    assert page.stat().st_mtime_ns == first
    # In a process of its own, as a user runs it: a build with nothing to build loads none of the code
    # that makes or publishes editions (its time is the goal's: 2 % of a full build).
    loaded = _modules_after(["build", "--root", str(sample), "--format", "html"])
    assert "editions.edition" not in loaded and "editions.resources" in loaded
    heavy = {"weasyprint", "jinja2", "fontTools", "ebooklib", "PIL", "editions.prepare.fonts"}
    assert not heavy & loaded, heavy & loaded
    source = sample / "reports" / "sample" / "en.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    changed = run(sample, "--format", "html", "--format", "pdf")
    assert "✓ sample/en: built html, pdf" in changed.output
    assert "✓ sample/fr: built html, pdf" in changed.output  # its PDF was never built
    forced = run(sample, "--format", "html", "--force")
    assert "2 of 2 editions built" in forced.output


def _modules_after(argv: list[str]) -> set[str]:
    """The modules a fresh Python process has loaded after running `editions` with `argv`."""
    script = (
        "import sys; from editions.cli.main import main; code = main(sys.argv[1:]); "
        "print(' '.join(sorted(sys.modules))); sys.exit(code)"
    )
    done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, check=True)
    return set(done.stdout.splitlines()[-1].split())


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.validators
def test_cli_progress_on_a_terminal_redraws_lines_in_place(sample: Path) -> None:
    terminal = _Terminal()
    assert isinstance(make_progress(terminal), LiveProgress)
    site = site_at(sample)
    outcome = build(site, Selection(formats=(Format.HTML,)), workers=1, progress=make_progress(terminal))
    assert outcome.ok
    screen = terminal.getvalue()
    assert "… sample/en: pandoc" in screen and "… sample/fr: html" in screen
    assert "\x1b[2F" in screen  # cursor back up over the two edition lines
    final = [re.sub(r"\x1b\[\d*[A-Z]", "", line) for line in screen.strip().splitlines()[-2:]]
    assert final[0].startswith("✓ sample/en: built html in ") and final[1].startswith(
        "✓ sample/fr: built html in "
    )


def test_cli_finds_the_project_from_the_current_folder_or_dash_c(
    sample: Path, tmp_path: Path, monkeypatch
) -> None:
    from editions.cli.main import main

    inside = sample / "reports" / "sample"
    monkeypatch.chdir(inside)
    assert main(["i18n", "status"]) == 0
    monkeypatch.chdir(tmp_path)
    assert main(["-C", str(sample), "i18n", "status"]) == 0
    assert main(["i18n", "status", "-C", str(sample)]) == 0
    assert main(["i18n", "status"]) == 2  # no project in tmp_path or above


def test_cli_version_and_program_name(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"editions {editions.__version__}"
    with pytest.raises(SystemExit):
        main(["--help"])
    assert capsys.readouterr().out.startswith("usage: editions ")
