"""Translations that know when they are out of date: section status, notices, fallback, release policy."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from checkers import epubcheck_file, pdf_text
from conftest import REPO, command, run
from lxml import html as lxml_html

SOURCE_EDIT = ("Collective measures work better", "Collective measures, a 2024 review found, work better")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _page(root: Path, tag: str):
    return lxml_html.parse(str(root / "output" / "sample" / tag / "index.html")).getroot()


def _notices(page) -> list[tuple[str, str]]:
    """(section id, notice text) for every translation notice of a page."""
    return [
        (notice.getparent().get("id"), notice.text_content())
        for notice in page.find_class("translation-notice")
    ]


def test_translations_status_of_a_fresh_project_is_all_current(sample: Path) -> None:
    result = command(sample, "i18n", "status")
    assert result.code == 0, result.output
    assert "sample: source en (English), 4 sections" in result.output
    assert "fr     current 4 · stale 0 · missing 0 · orphaned 0" in result.output


@pytest.mark.validators
def test_translations_editing_one_source_section_makes_exactly_it_stale(sample: Path) -> None:
    _edit(sample / "reports" / "sample" / "en.md", *SOURCE_EDIT)
    status = command(sample, "i18n", "status", "sample")
    assert "fr     current 3 · stale 1 · missing 0 · orphaned 0" in status.output, status.output
    assert "stale     risks  reports/sample/en.md:20 → reports/sample/fr/02-findings.md:3" in status.output, (
        status.output
    )
    assert "not found in git history" in status.output  # the sample is no repository: fingerprints instead

    build = run(sample, "--format", "html")
    assert build.code == 0, build.output
    notices = _notices(_page(sample, "fr"))
    assert notices == [("risks", "L’original de cette section a été modifié depuis sa traduction.")]
    assert _notices(_page(sample, "en")) == []

    release = run(sample, "--format", "html", "--release", "--force")
    assert release.code == 1
    assert "sample/fr not released: the release policy refuses missing and stale sections" in release.output
    assert "stale section 'risks' (reports/sample/fr/02-findings.md:3)" in release.output
    assert "1 of 1 editions built" in release.output  # the English source edition is built all the same


@pytest.mark.validators
def test_translations_changed_front_matter_puts_the_notice_on_the_abstract(sample: Path) -> None:
    _edit(sample / "reports" / "sample" / "en.md", "A short abstract", "A shorter abstract")
    assert "stale     front matter  reports/sample/en.md:1" in command(sample, "i18n", "status").output
    assert run(sample, "--format", "html").code == 0
    page = _page(sample, "fr")
    notices = page.find_class("translation-notice")
    assert len(notices) == 1 and notices[0].getparent().get("aria-labelledby") == "abstract-title"


@pytest.mark.validators
def test_translations_accept_brings_a_section_back_to_current(sample: Path) -> None:
    _edit(sample / "reports" / "sample" / "en.md", *SOURCE_EDIT)
    record = sample / "reports" / "sample" / "fr.translation.toml"
    before = record.read_text(encoding="utf-8").splitlines()
    accepted = command(sample, "i18n", "accept", "sample", "fr", "--section", "risks")
    assert accepted.code == 0, accepted.output
    after = record.read_text(encoding="utf-8").splitlines()
    assert [line for line in after if line not in before] == [
        next(line for line in after if line.startswith('"risks"'))
    ]
    assert "current 4 · stale 0" in command(sample, "i18n", "status").output
    assert run(sample, "--format", "html", "--release").code == 0


def test_translations_status_shows_the_commits_and_the_change_from_git(sample: Path) -> None:
    git = ["git", "-C", str(sample), "-c", "user.name=PI", "-c", "user.email=pubs@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "First edition"], check=True)
    _edit(sample / "reports" / "sample" / "en.md", *SOURCE_EDIT)
    subprocess.run([*git, "commit", "-qam", "Add the 2024 review"], check=True)
    status = command(sample, "i18n", "status")
    assert "the source changed since the translation:" in status.output, status.output
    assert "Add the 2024 review" in status.output
    assert "First edition" not in status.output
    assert "-Collective measures work better [@manual2009, p. 12].[^findings-1]" in status.output
    assert "+Collective measures, a 2024 review found, work better" in status.output


@pytest.mark.validators
def test_translations_missing_section_falls_back_to_the_source_language(sample: Path) -> None:
    (sample / "reports" / "sample" / "fr" / "02-findings.md").unlink()
    status = command(sample, "i18n", "status")
    assert "fr     current 2 · stale 0 · missing 2 · orphaned 0" in status.output, status.output
    build = run(sample)
    assert build.code == 0, build.output
    page = _page(sample, "fr")
    findings = page.get_element_by_id("findings")
    assert findings.get("lang") == "en" and "untranslated" in findings.get("class")
    notice = findings.find_class("translation-notice")[0]
    assert notice.get("lang") == "fr"
    assert notice.text_content() == (
        "Cette section n’a pas encore été traduite. Elle est présentée en anglais, sa langue d’origine."
    )
    assert page.get_element_by_id("risks").get("lang") is None  # inside the English section, not marked again
    assert "Collective measures work better" in findings.text_content()
    notes = [li.text_content() for li in page.iter("li") if (li.get("id") or "").startswith("fn")]
    assert any("Second note." in note for note in notes)  # the source's notes come along, numbered on
    toc = [a for a in page.find_class("toc")[0].iter("a") if a.get("href") == "#findings"]
    assert toc[0].get("lang") == "en"
    text = " ".join(pdf_text(sample / "output" / "sample" / "fr" / "sample-fr.pdf").split())
    assert "Traduit de l’original en anglais par Équipe de traduction de PI." in text
    assert "2 sections sont en attente de traduction ou de révision." in text
    with zipfile.ZipFile(sample / "output" / "sample" / "fr" / "sample-fr.epub") as book:
        nav = book.read("EPUB/nav.xhtml").decode("utf-8")
    assert '<a href="chapter-02.xhtml#findings" lang="en" xml:lang="en">' in nav
    findings = epubcheck_file(sample / "output" / "sample" / "fr" / "sample-fr.epub")
    assert (findings.errors, findings.warnings) == ([], [])
    assert run(sample, "--release", "--force").code == 1


def test_translations_orphaned_section_is_reported(sample: Path) -> None:
    path = sample / "reports" / "sample" / "fr" / "02-findings.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n## Annexe {#annex}\n\nTexte.\n", encoding="utf-8")
    status = command(sample, "i18n", "status")
    assert "fr     current 4 · stale 0 · missing 0 · orphaned 1" in status.output, status.output
    assert "orphaned  annex  reports/sample/fr/02-findings.md:16" in status.output


@pytest.mark.validators
def test_translations_release_policy_can_allow_stale_sections(sample: Path) -> None:
    _edit(sample / "reports" / "sample" / "en.md", *SOURCE_EDIT)
    toml = sample / "reports" / "sample" / "report.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[release]\nstale = "allow"\n', encoding="utf-8")
    assert run(sample, "--format", "html", "--release").code == 0


def test_translations_accept_refuses_unknown_sections(sample: Path) -> None:
    result = command(sample, "i18n", "accept", "sample", "fr", "--section", "nowhere")
    assert result.code == 2
    assert "no section 'nowhere' in this report" in result.output


@pytest.mark.validators
def test_translations_one_source_edit_makes_that_section_stale_in_every_translation(tmp_path: Path) -> None:
    """The brief in five languages: an edit to one English section, and only that section is stale in the
    French, Spanish, Thai and Arabic editions, which show the notice there; --release refuses all four and
    still builds the English one."""
    root = tmp_path / "project"
    (root / "reports").mkdir(parents=True)
    shutil.copytree(REPO / "reports" / "communities-are-hrds", root / "reports" / "communities-are-hrds")
    for name in ("templates", "locales"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    _edit(
        root / "reports" / "communities-are-hrds" / "en.md",
        "PI values every award given to defenders",
        "PI values every award ever given to defenders",
    )
    status = command(root, "i18n", "status")
    for tag in ("fr", "es", "th", "ar"):
        assert f"  {tag}     current 4 · stale 1 · missing 0 · orphaned 0" in status.output, status.output
    stale = [line.split()[1] for line in status.output.splitlines() if line.strip().startswith("stale ")]
    assert stale == ["our-call"] * 4, status.output

    build = run(root, "--format", "html")
    assert build.code == 0, build.output
    for tag in ("fr", "es", "th", "ar"):
        page = lxml_html.parse(str(root / "output" / "communities-are-hrds" / tag / "index.html")).getroot()
        assert [section for section, _ in _notices(page)] == ["our-call"], tag
    landing = lxml_html.parse(str(root / "output" / "communities-are-hrds" / "index.html")).getroot()
    pending = {
        block.get("lang"): block.find_class("pending") for block in landing.find_class("language-block")
    }
    assert pending["en"] == [] and pending["fr"][0].text_content() == (
        "1 section est en attente de traduction ou de révision."
    )
    release = run(root, "--format", "html", "--release", "--force")
    assert release.code == 1
    assert "1 of 1 editions built" in release.output
    for tag in ("fr", "es", "th", "ar"):
        assert f"communities-are-hrds/{tag} not released" in release.output
