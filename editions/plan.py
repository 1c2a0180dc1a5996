"""Which editions to build: reports × languages × formats, each with its inputs' fingerprint (pure)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from editions.errors import ConfigError, EditionsError
from editions.model import Format, Job, Project, Report, Translation

PACKAGE = Path(__file__).parent


@dataclass(frozen=True)
class Selection:
    """What the command line asked for; empty means everything."""

    reports: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    formats: tuple[Format, ...] = ()
    force: bool = False  # rebuild editions even when their inputs did not change


def check_selection(project: Project, selection: Selection, broken: set[str]) -> list[EditionsError]:
    """Errors for names on the command line that match nothing."""
    slugs = {report.slug for report in project.reports} | broken
    tags = {t.language.tag for report in project.reports for t in report.translations}
    errors: list[EditionsError] = [
        ConfigError(f"--report {slug}: no such report; the reports are: {', '.join(sorted(slugs))}")
        for slug in selection.reports
        if slug not in slugs
    ]
    errors += [
        ConfigError(
            f"--lang {tag}: no report has this language; the languages are: {', '.join(sorted(tags))}"
        )
        for tag in selection.languages
        if tag not in tags
    ]
    return errors


def plan_editions(project: Project, selection: Selection, epoch: dt.datetime | None) -> list[Job]:
    """One Job per selected edition; `epoch` (SOURCE_DATE_EPOCH) overrides each report's own date."""
    formats = selection.formats or tuple(Format)
    jobs = []
    for report in project.reports:
        if selection.reports and report.slug not in selection.reports:
            continue
        for translation in report.translations:
            if selection.languages and translation.language.tag not in selection.languages:
                continue
            timestamp = epoch or dt.datetime.combine(report.date, dt.time(), tzinfo=dt.UTC)
            jobs.append(
                Job(
                    site=project.site,
                    report=report,
                    translation=translation,
                    formats=formats,
                    timestamp=timestamp,
                    fingerprint=fingerprint(project, report, translation),
                )
            )
    return jobs


def is_current(job: Job, fingerprints: dict[str, str]) -> bool:
    """Whether every requested format of `job` is published from exactly the same inputs."""
    return all(fingerprints.get(path) == job.fingerprint for path in main_files(job))


def main_files(job: Job) -> list[str]:
    """The published file that stands for each requested format: the PDF, the EPUB, the web page."""
    folder = f"{job.report.slug}/{job.translation.language.tag}"
    names = {
        Format.HTML: "index.html",
        Format.PDF: f"{job.basename}.pdf",
        Format.EPUB: f"{job.basename}.epub",
    }
    return [f"{folder}/{names[fmt]}" for fmt in job.formats]


def fingerprint(project: Project, report: Report, translation: Translation) -> str:
    """A hash of every file an edition is made from: sources, report files, templates, catalogs, code."""
    site = project.site
    inputs = [
        *translation.files,
        *_files(report.root, exclude_md=True),
        *_files(site.templates_dir),
        *_files(site.locales_dir, suffix=".po"),
        *_files(PACKAGE),
    ]
    digest = hashlib.sha256()
    for path in sorted(set(inputs)):
        digest.update(
            str(path.relative_to(site.root) if path.is_relative_to(site.root) else path.name).encode()
        )
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _files(folder: Path, suffix: str = "", exclude_md: bool = False) -> list[Path]:
    return [
        path
        for path in folder.rglob("*")
        if path.is_file()
        and path.name.endswith(suffix)
        and "__pycache__" not in path.parts
        and not (exclude_md and path.suffix == ".md")
    ]
