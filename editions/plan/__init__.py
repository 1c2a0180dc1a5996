"""Which editions to build: reports × languages × formats, each with its inputs' fingerprint (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from editions.errors import ConfigError, EditionsError
from editions.model import Format, Job, Project

if TYPE_CHECKING:
    from editions.publish.manifest import Manifest


@dataclass(frozen=True)
class Selection:
    """What the command line asked for; empty means everything."""

    reports: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    formats: tuple[Format, ...] = ()
    force: bool = False  # rebuild editions even when their inputs did not change
    release: bool = False  # refuse editions that break the release policy (missing or stale sections)
    editions: tuple[str, ...] = ()  # "slug/lang" names, as `plan --json` lists them
    shard: tuple[int, int] | None = None  # (k, n): the k-th of n equal parts of the selected editions


def check_selection(project: Project, selection: Selection, broken: set[str]) -> list[EditionsError]:
    """Errors for names on the command line that match nothing."""
    slugs = {report.slug for report in project.reports} | broken
    # Every language report.toml names, loaded or not: a translation that fails to load is reported as
    # its own error, not as a language nobody has.
    tags = {tag for report in project.reports for tag in report.languages}
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
    names = {f"{r.slug}/{tag}" for r in project.reports for tag in r.languages}
    errors += [
        ConfigError(f"--edition {name}: no such edition; `editions plan` lists them")
        for name in selection.editions
        if name not in names and name.split("/")[0] not in broken
    ]
    return errors


def plan_editions(
    project: Project,
    selection: Selection,
    epoch: dt.datetime | None,
    fingerprints: Mapping[str, str],
    published: Manifest | None = None,
) -> list[Job]:
    """One Job per selected edition; `epoch` (SOURCE_DATE_EPOCH) overrides each report's own date.

    `fingerprints` gives each edition's input hash by `slug/lang` (see editions.plan.fingerprint);
    `published` is what output/ holds, so a job knows the files its edition published before.
    """
    formats = selection.formats or tuple(Format)
    jobs = []
    for report in project.reports:
        if selection.reports and report.slug not in selection.reports:
            continue
        for translation in report.translations:
            if selection.languages and translation.language.tag not in selection.languages:
                continue
            name = f"{report.slug}/{translation.language.tag}"
            if selection.editions and name not in selection.editions:
                continue
            timestamp = epoch or dt.datetime.combine(report.date, dt.time(), tzinfo=dt.UTC)
            jobs.append(
                Job(
                    site=project.site,
                    report=report,
                    translation=translation,
                    formats=formats,
                    timestamp=timestamp,
                    fingerprint=fingerprints[name],
                    published=published.edition_files(name) if published else (),
                )
            )
    return shard(jobs, selection.shard)


def shard(jobs: list[Job], part: tuple[int, int] | None) -> list[Job]:
    """The `k`-th of `n` parts of `jobs`: every edition falls in exactly one part, the same on every
    machine, since parts are dealt in the order of the editions' names."""
    if part is None:
        return jobs
    k, n = part
    ordered = sorted(jobs, key=lambda job: job.name)
    return [job for index, job in enumerate(ordered) if index % n == k - 1]
