"""Planning on a tiny project written to a temporary folder: what changes an edition's fingerprint and
what must not (editions/plan/fingerprint.py), and which editions a build would make (pipeline.plan_build).

Nothing is built: fingerprints come from the files, and "published" from a manifest written here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from editions.model import Format, Listing, Project, ReleasePolicy
from editions.pipeline import plan_build
from editions.plan import Selection
from editions.plan.fingerprint import PACKAGE, fingerprint_editions
from editions.publish.manifest import NAME, EditionRecord, Manifest
from editions.sources.config import load_site
from editions.sources.discover import discover_reports

SETTINGS = """[tool.editions]
name = "Publications"
publisher = "Protection International"
reports = "reports"
templates = "templates"
locales = "locales"
output = "output"
"""
REPORT = """source_language = "en"
{translations}date = 2026-01-15
publisher = "Protection International"
authors = ["Protection International"]
licence = "CC BY 4.0"
[cover]
background = "#22415e"
text = "#ffffff"
accent = "#f2c14e"
"""


def _source(title: str, text: str) -> str:
    return f'---\ntitle: "{title}"\nabstract: "Short."\n---\n\n# One {{#one}}\n\n{text}\n'


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Two reports: `alpha` in English and French, `beta` in English only; one template, one catalog."""
    root = tmp_path / "checkout"
    _write(root / "pyproject.toml", SETTINGS)
    _write(root / "templates/web/page.html", "<main>{{ body }}</main>\n")
    _write(root / "locales/fr/LC_MESSAGES/messages.po", 'msgid "Notes"\nmsgstr "Notes"\n')
    _write(root / "reports/alpha/report.toml", REPORT.format(translations='translations = ["fr"]\n'))
    _write(root / "reports/alpha/en.md", _source("Alpha", "Text one."))
    _write(root / "reports/alpha/fr.md", _source("Alpha en français", "Texte un."))
    _write(root / "reports/beta/report.toml", REPORT.format(translations=""))
    _write(root / "reports/beta/en.md", _source("Beta", "Beta's text."))
    return root


def _fingerprints(root: Path, epoch: dt.datetime | None = None) -> dict[str, str]:
    site = load_site(root)
    reports, problems = discover_reports(site.reports_dir)
    assert problems == []
    return fingerprint_editions(Project(site, tuple(reports)), epoch)


def _changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    assert before.keys() == after.keys()
    return {name for name in before if before[name] != after[name]}


def test_planning_every_edition_has_its_own_repeatable_fingerprint(root: Path) -> None:
    first = _fingerprints(root)
    assert sorted(first) == ["alpha/en", "alpha/fr", "beta/en"]
    assert len(set(first.values())) == 3 and all(len(value) == 64 for value in first.values())
    assert _fingerprints(root) == first


def test_planning_neither_the_checkout_folder_nor_modification_times_count(
    root: Path, tmp_path: Path
) -> None:
    before = _fingerprints(root)
    for path in root.rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    assert _fingerprints(root) == before
    moved = shutil.copytree(root, tmp_path / "elsewhere" / "another-name")
    assert _fingerprints(moved) == before


def test_planning_the_engines_checkout_folder_does_not_count(root: Path, tmp_path: Path) -> None:
    """The engine checked out beside the project, in a folder whose name sorts before it and in one that
    sorts after: a CI runner's clone and an author's checkout give the same fingerprints."""
    script = (
        "import json, sys; from pathlib import Path; from editions.model import Project; "
        "from editions.plan.fingerprint import fingerprint_editions; "
        "from editions.sources.config import load_site; "
        "from editions.sources.discover import discover_reports; "
        "site = load_site(Path(sys.argv[1])); reports, _ = discover_reports(site.reports_dir); "
        "print(json.dumps(fingerprint_editions(Project(site, tuple(reports)))))"
    )
    seen = []
    for folder in ("a-engine", "z-engine"):  # "checkout", the project's folder, sorts between them
        shutil.copytree(PACKAGE, tmp_path / folder / "editions", ignore=shutil.ignore_patterns("__pycache__"))
        done = subprocess.run(
            [sys.executable, "-c", script, str(root)],
            env={**os.environ, "PYTHONPATH": str(tmp_path / folder)},
            cwd=tmp_path / folder,
            capture_output=True,
            text=True,
            check=True,
        )
        seen.append(json.loads(done.stdout))
    assert seen[0] == seen[1] == _fingerprints(root)


def test_planning_a_source_change_rebuilds_its_translations_and_a_translation_change_only_itself(
    root: Path,
) -> None:
    before = _fingerprints(root)
    source = root / "reports/alpha/en.md"
    source.write_bytes(source.read_bytes().replace(b"Text one.", b"Text one!"))
    after_source = _fingerprints(root)
    # The French edition shows the source where it falls behind: it depends on the English text too.
    assert _changed(before, after_source) == {"alpha/en", "alpha/fr"}
    translation = root / "reports/alpha/fr.md"
    translation.write_bytes(translation.read_bytes() + b"\n")  # one byte, even a blank line
    assert _changed(after_source, _fingerprints(root)) == {"alpha/fr"}


def test_planning_a_reports_own_files_rebuild_only_that_report(root: Path) -> None:
    before = _fingerprints(root)
    _write(root / "reports/beta/images/map.png", "not really a PNG, but bytes all the same")
    assert _changed(before, _fingerprints(root)) == {"beta/en"}
    settings = root / "reports/alpha/report.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("2026-01-15", "2026-01-16"), encoding="utf-8"
    )
    assert _changed(before, _fingerprints(root)) == {"beta/en", "alpha/en", "alpha/fr"}


def test_planning_templates_catalogs_settings_and_the_epoch_rebuild_everything(root: Path) -> None:
    before = _fingerprints(root)
    everything = {"alpha/en", "alpha/fr", "beta/en"}
    epoch = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    assert _changed(before, _fingerprints(root, epoch)) == everything
    assert _fingerprints(root, epoch) == _fingerprints(root, epoch)
    _write(root / "locales/fr/LC_MESSAGES/messages.mo", "compiled elsewhere, never read from here")
    assert _fingerprints(root) == before  # only the .po catalogs are sources
    _write(root / "locales/fr/LC_MESSAGES/messages.po", 'msgid "Notes"\nmsgstr "Remarques"\n')
    catalog = _fingerprints(root)
    assert _changed(before, catalog) == everything
    _write(root / "templates/web/page.html", "<main>{{ body }}</main>\n<footer></footer>\n")
    template = _fingerprints(root)
    assert _changed(catalog, template) == everything
    _write(root / "pyproject.toml", SETTINGS.replace('name = "Publications"', 'name = "Reports"'))
    assert _changed(template, _fingerprints(root)) == everything


def test_planning_a_confidential_mark_in_one_language_rebuilds_every_language_of_the_report(
    root: Path,
) -> None:
    before = _fingerprints(root)
    _write(
        root / "reports/alpha/fr.md",
        _source("Alpha en français", "Texte un, selon [le témoin du nord]{.confidential}."),
    )
    # The English edition is audited against the French marks: it is made again.
    assert _changed(before, _fingerprints(root)) == {"alpha/en", "alpha/fr"}


def _publish(root: Path, fingerprints: dict[str, dict[str, str]]) -> None:
    """A manifest as a build that published each edition's formats from those fingerprints leaves it."""
    editions = {}
    for name, by_format in fingerprints.items():
        slug, tag = name.split("/")
        listing = Listing(slug, tag, "en", slug, "", "<p>Short.</p>", "2026-01-15", ("PI",), (), "#22415e")
        editions[name] = EditionRecord(listing, by_format)
    _write(root / "output" / NAME, Manifest(editions).to_bytes().decode("utf-8"))


def _current(root: Path, selection: Selection | None = None) -> dict[str, bool]:
    plan = plan_build(load_site(root), selection or Selection())
    assert plan.problems == ()
    return {edition.name: edition.current for edition in plan.editions}


def test_planning_nothing_published_means_every_edition_is_built(root: Path) -> None:
    plan = plan_build(load_site(root), Selection())
    assert [(e.name, e.report, e.language, e.formats, e.current) for e in plan.editions] == [
        ("alpha/en", "alpha", "en", ("html", "pdf", "epub"), False),
        ("alpha/fr", "alpha", "fr", ("html", "pdf", "epub"), False),
        ("beta/en", "beta", "en", ("html", "pdf", "epub"), False),
    ]
    assert [edition.fingerprint for edition in plan.editions] == [
        _fingerprints(root)[name] for name in ("alpha/en", "alpha/fr", "beta/en")
    ]


def test_planning_an_edition_is_current_when_every_format_asked_was_published_from_its_inputs(
    root: Path,
) -> None:
    now = _fingerprints(root)
    every = {fmt.value: now["alpha/en"] for fmt in Format}
    _publish(root, {"alpha/en": every, "alpha/fr": {"html": now["alpha/fr"]}, "beta/en": {"html": "0" * 64}})
    assert _current(root) == {"alpha/en": True, "alpha/fr": False, "beta/en": False}
    assert _current(root, Selection(formats=(Format.HTML,))) == {
        "alpha/en": True,
        "alpha/fr": True,  # only its web page was published, and only that is asked
        "beta/en": False,  # published from other inputs
    }
    assert not any(_current(root, Selection(force=True)).values())
    # Editing the source makes its translation out of date as well; the other report stays current.
    source = root / "reports/alpha/en.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    assert _current(root, Selection(formats=(Format.HTML,))) == {
        "alpha/en": False,
        "alpha/fr": False,
        "beta/en": False,
    }


def test_planning_a_selection_plans_only_what_it_names(root: Path) -> None:
    assert list(_current(root, Selection(reports=("alpha",), languages=("fr",)))) == ["alpha/fr"]
    assert list(_current(root, Selection(editions=("beta/en",)))) == ["beta/en"]
    plan = plan_build(load_site(root), Selection(languages=("de",)))
    assert [problem.message for problem in plan.problems] == [
        "--lang de: no report has this language; the languages are: en, fr"
    ]


def test_planning_a_release_refuses_a_translation_never_accepted(root: Path) -> None:
    plan = plan_build(load_site(root), Selection(release=True))
    refused = {edition.name: edition.refused for edition in plan.editions}
    assert refused["alpha/en"] == "" and refused["beta/en"] == ""
    assert refused["alpha/fr"].startswith(
        "not released: the release policy refuses missing and stale sections, and this translation has 2:\n"
        "  stale section '@front-matter' (reports/alpha/fr.md:1)\n"
        "  stale section 'one' (reports/alpha/fr.md:6)\n"
    )
    assert ReleasePolicy() == load_site(root).release  # the site's default policy: refuse both
