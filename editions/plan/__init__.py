"""Which editions to build: reports × languages × formats, each with its inputs' fingerprint (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from editions.errors import ConfigError, EditionsError
from editions.model import Format, Job, Project


@dataclass(frozen=True)
class Selection:
    """What the command line asked for; empty means everything."""

    reports: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    formats: tuple[Format, ...] = ()
    force: bool = False  # rebuild editions even when their inputs did not change
    release: bool = False  # refuse editions that break the release policy (missing or stale sections)


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


def plan_editions(
    project: Project, selection: Selection, epoch: dt.datetime | None, fingerprints: Mapping[str, str]
) -> list[Job]:
    """One Job per selected edition; `epoch` (SOURCE_DATE_EPOCH) overrides each report's own date.

    `fingerprints` gives each edition's input hash by `slug/lang` (see editions.plan.fingerprint).
    """
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
                    fingerprint=fingerprints[f"{report.slug}/{translation.language.tag}"],
                )
            )
    return jobs


def is_current(job: Job, fingerprints: dict[str, str]) -> bool:
    """Whether every requested format of `job` is published from exactly the same inputs."""
    return all(fingerprints.get(path) == job.fingerprint for path in main_files(job))


def main_files(job: Job) -> list[str]:
    """The published file that stands for each requested format: the PDF, the EPUB, the web page."""
    return [job.file(fmt) for fmt in job.formats]
