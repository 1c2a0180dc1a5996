"""`editions check`: built outputs pass every validator; defects planted in a copy show as located lines."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOTS, copy_project, run, write_photo

from editions.cache import Cache
from editions.check import Finding, check_site
from editions.cli.main import main

BOOK_EN = "sample/en/sample-en.epub"
BOOK_FR = "sample/fr/sample-fr.epub"
PAGE_FR = "sample/fr/index.html"
PDF_EN = "sample/en/sample-en.pdf"
PDF_FR = "sample/fr/sample-fr.pdf"
# What our pages will soon carry: no script may run. The checkers inject theirs all the same.
NO_SCRIPTS = (
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'none'\"/>"
)


@dataclass(frozen=True)
class Checked:
    """The verdicts of every validator over `clean/` (the sample as built) and `planted/` (with defects),
    kept in the suite's cache as the repository's are: each validator ran on these very bytes, in this
    run or in an earlier one with the same validators and the same checking code."""

    site: Path
    cache: Cache
    lines: list[str]
    broken_line: int  # where the XHTML of the English book's chapter 2 was broken
    image_line: int  # where an image without text alternative went into the French web edition
    unembedded_font: str  # the font of the English PDF whose file was taken out


@dataclass(frozen=True)
class Outcome:
    """What `editions check` returned and printed."""

    code: int
    stdout: str
    stderr: str


def check(*argv: str) -> Outcome:
    """Run `editions check` in-process, capturing what it prints."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", *argv])
    return Outcome(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `basic` sample's output folder, built once for this module."""
    project = copy_project(ROOTS / "basic", tmp_path_factory.mktemp("check") / "project")
    write_photo(project / "reports" / "sample" / "images" / "photo.jpg")
    result = run(project)
    assert result.code == 0, result.output
    return project / "output"


@pytest.fixture(scope="module")
def checked(built: Path, shared_cache: Path) -> Checked:
    """Both copies in one folder, so the validators start once for the clean and the planted files."""
    site = built.parent / "site"
    shutil.copytree(built, site / "clean")
    planted = shutil.copytree(built, site / "planted")
    broken_line = _rewrite_member(
        planted / BOOK_EN, "EPUB/chapter-02.xhtml", "<h1>Findings</h1>", "<h1>Findings<p></h1>"
    )
    alt = ' alt="Des personnes assises en cercle sous un grand arbre"'  # as written: no ties in alt text
    _rewrite_member(planted / BOOK_FR, "EPUB/chapter-01.xhtml", alt, "")
    _rewrite_member(planted / BOOK_FR, "EPUB/chapter-01.xhtml", "<head>", f"<head>{NO_SCRIPTS}")
    image_line = _replace_line(
        planted / PAGE_FR, '<main id="main">', '<main id="main"><p><img src="a.jpg"></p>'
    )
    _replace_line(planted / PAGE_FR, "<head>", f"<head>{NO_SCRIPTS}")
    with pikepdf.open(planted / PDF_FR, allow_overwriting_input=True) as pdf:
        del pdf.Root.Lang
        pdf.save(planted / PDF_FR)
    font = _unembed_first_font(planted / PDF_EN)
    cache = Cache(shared_cache)
    done = check_site(site, cache)
    return Checked(site, cache, [str(finding) for finding in done.findings], broken_line, image_line, font)


@pytest.mark.validators
def test_check_site_passes_the_sample_as_built(checked: Checked) -> None:
    assert [line for line in checked.lines if line.startswith("clean/")] == []
    assert [line for line in checked.lines if line.startswith("planted/")]  # the same run did find


@pytest.mark.validators
def test_check_site_reuses_a_verdict_only_for_the_very_same_bytes(checked: Checked) -> None:
    """Checked again unchanged, every verdict comes from the cache, findings and all. One page changed in
    a way no run made before: the validators that read pages run again, and find the defect planted."""
    again = check_site(checked.site, checked.cache)
    assert again.reused == ("ace", "axe", "epubcheck", "nu", "pdf")
    assert [str(finding) for finding in again.findings] == checked.lines
    page = checked.site / "clean" / PAGE_FR
    never_seen = f'lang="fr" dir="sideways" data-run="{uuid.uuid4()}"'  # new bytes: no verdict kept
    page.write_text(page.read_text(encoding="utf-8").replace('lang="fr"', never_seen, 1))
    changed = check_site(checked.site, checked.cache)
    assert changed.reused == ("ace", "epubcheck", "pdf")
    new = sorted(set(map(str, changed.findings)) - set(checked.lines))
    assert new and all(line.startswith(f"clean/{PAGE_FR}:") for line in new), new
    assert any(": nu: Bad value “sideways” for attribute “dir”" in line for line in new), new


@pytest.mark.validators
def test_check_site_locates_broken_xhtml_in_an_epub(checked: Checked) -> None:
    where = f"planted/{BOOK_EN}/EPUB/chapter-02.xhtml:{checked.broken_line}"
    assert (
        f'{where}: epubcheck: ERROR RSC-005: Error while parsing file: element "p" not allowed here'
        in "\n".join(checked.lines)
    )
    # Ace cannot read the book either, and says so rather than passing it.
    assert any(
        line.startswith(f"planted/{BOOK_EN}: ace: could not check the book:") for line in checked.lines
    )


@pytest.mark.validators
def test_check_site_finds_an_epub_image_without_text_alternative(checked: Checked) -> None:
    """In a document that forbids scripts: Ace's are injected all the same."""
    assert any(
        line.startswith(f"planted/{BOOK_FR}/EPUB/chapter-01.xhtml: ace: image-alt (critical):")
        for line in checked.lines
    ), checked.lines


@pytest.mark.validators
def test_check_site_locates_a_page_image_without_alt(checked: Checked) -> None:
    """In a page that forbids scripts: axe is injected all the same."""
    assert any(
        line.startswith(f"planted/{PAGE_FR}:{checked.image_line}: nu: An “img” element must have an “alt”")
        for line in checked.lines
    ), checked.lines
    assert any(
        re.match(
            rf'planted/{re.escape(PAGE_FR)}: axe: image-alt \(critical\): .* at img\[src="a\.jpg"\]$', line
        )
        for line in checked.lines
    ), checked.lines


@pytest.mark.validators
def test_check_site_finds_a_pdf_without_language(checked: Checked) -> None:
    assert f"planted/{PDF_FR}: pdf: no document language: the catalog has no /Lang" in checked.lines


@pytest.mark.validators
def test_check_site_finds_a_font_not_embedded(checked: Checked) -> None:
    assert f"planted/{PDF_EN}: pdffonts: font {checked.unembedded_font} is not embedded" in checked.lines


@pytest.mark.validators
def test_check_command_prints_findings_and_fails(built: Path, tmp_path: Path) -> None:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    shutil.copy(built / PDF_FR, folder / "clean.pdf")
    with pikepdf.open(built / PDF_FR) as pdf:
        del pdf.Root.Lang
        pdf.save(folder / "no-lang.pdf")
    cache = ("--cache-dir", str(tmp_path / "cache"))
    outcome = check(str(folder), *cache)
    assert outcome.code == 1
    assert outcome.stdout == "no-lang.pdf: pdf: no document language: the catalog has no /Lang\n"
    summary = (
        rf"checked 0 EPUBs, 0 HTML pages and 2 PDFs in {re.escape(str(folder))} in [\d.]+ s: 1 problem found"
    )
    assert re.fullmatch(summary + "\n", outcome.stderr), outcome.stderr
    # The same files again: the same verdict, and the command says where it comes from.
    again = check(str(folder), *cache)
    assert (again.code, again.stdout) == (1, outcome.stdout)
    reused = (
        "(the PDF checks: the same verdict as the last check of these very files; --no-cache runs them again)"
    )
    assert again.stderr.endswith(reused + "\n"), again.stderr
    assert reused not in check(str(folder), *cache, "--no-cache").stderr
    (folder / "no-lang.pdf").unlink()
    assert check(str(folder), *cache).code == 0


@pytest.mark.validators
def test_check_command_refuses_a_folder_with_nothing_to_check(tmp_path: Path) -> None:
    outcome = check(str(tmp_path))
    assert outcome.code == 2
    assert "nothing to check" in outcome.stderr


@pytest.mark.validators
def test_check_command_names_a_missing_validator_and_the_set_up(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(built / PDF_FR, tmp_path / "edition.pdf")
    monkeypatch.setenv("PATH", str(tmp_path))  # no java, node, qpdf or pdffonts to be found
    outcome = check(str(tmp_path))
    assert outcome.code == 2
    assert outcome.stdout == ""
    assert "Java (Debian: default-jre-headless) is not installed" in outcome.stderr
    assert "qpdf (Debian: qpdf) is not installed" in outcome.stderr
    assert "run `python3 tests/run.py` once to install the validators" in outcome.stderr


def test_finding_is_one_located_line() -> None:
    assert (
        str(Finding("la-lucha/fr/index.html", 12, "nu", "Bad value."))
        == "la-lucha/fr/index.html:12: nu: Bad value."
    )
    assert str(Finding("la-lucha/fr/la-lucha-fr.pdf", None, "pdf", "no /Lang")) == (
        "la-lucha/fr/la-lucha-fr.pdf: pdf: no /Lang"
    )


def _rewrite_member(book: Path, member: str, old: str, new: str) -> int:
    """Replace text in one file of an EPUB, keeping the container valid; return the line changed."""
    with zipfile.ZipFile(book) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    rewritten = book.with_suffix(".tmp")
    line = 0
    with zipfile.ZipFile(rewritten, "w") as archive:
        for info, data in entries:
            if info.filename == member:
                text = data.decode("utf-8")
                assert old in text, (member, old)
                line = text[: text.index(old)].count("\n") + 1
                data = text.replace(old, new).encode("utf-8")
            archive.writestr(info, data)  # each entry keeps its compression: `mimetype` stays stored
    rewritten.replace(book)
    return line


def _replace_line(path: Path, old: str, new: str) -> int:
    """Replace text on one line of a file; return that line's number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(n for n, line in enumerate(lines, start=1) if old in line)
    lines[number - 1] = lines[number - 1].replace(old, new)
    path.write_text("\n".join(lines), encoding="utf-8")
    return number


def _unembed_first_font(path: Path) -> str:
    """Take the font file out of the PDF's first font, as a PDF made with a system font would lack it."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        font = next(
            obj
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary)
            and obj.get("/Type") == "/Font"
            and obj.get("/Subtype") == "/Type0"
        )
        descriptor = font.DescendantFonts[0].FontDescriptor
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            if key in descriptor:
                del descriptor[key]
        pdf.save(path)
        return str(font.BaseFont)[1:]
