"""build(): load → plan → convert and render (in parallel workers) → publish, as one transaction."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from editions.errors import EditionsError, InternalError
from editions.i18n.catalogs import label_warnings
from editions.i18n.release import release_problem
from editions.model import EditionResult, Job, Project, Site
from editions.plan import Selection, check_selection, plan_editions
from editions.plan.fingerprint import fingerprint_editions
from editions.publish.manifest import Manifest, is_current, read_manifest
from editions.publish.publication import get_ready, publish
from editions.publish.transaction import publishing_lock, recover, sidecar
from editions.sources.discover import discover_reports
from editions.workers import Workers

if TYPE_CHECKING:  # the console is the caller's: the pipeline only reports to it
    from editions.cli.progress import Progress


@dataclass
class BuildReport:
    """What happened: problems found before building, and one result per edition."""

    problems: list[EditionsError] = field(default_factory=list)
    current: list[Job] = field(default_factory=list)  # already published from the same inputs
    refused: list[tuple[Job, str]] = field(default_factory=list)  # by the release policy, and why
    warnings: list[str] = field(default_factory=list)
    results: list[EditionResult] = field(default_factory=list)
    bugs: list[tuple[str, str]] = field(default_factory=list)  # our own failures while loading: where, trace

    @property
    def ok(self) -> bool:
        """Whether every requested edition was built and nothing was wrong."""
        return not self.problems and not self.refused and all(result.ok for result in self.results)


def build(
    site: Site,
    selection: Selection,
    workers: int | Workers,
    progress: Progress,
    epoch: dt.datetime | None = None,
    say: Callable[[str], None] = lambda message: None,
    abandon: threading.Event | None = None,
) -> BuildReport:
    """Build the selected editions and publish them in one transaction.

    `workers` is a number of worker processes started for this build alone, or the caller's `Workers`,
    kept from one build to the next (`serve`). A failed edition stops no other and keeps its published
    files; a report that fails to load keeps exactly what it last published; the site's pages are drawn
    from the manifest only. Once `abandon` is set, the editions not built yet are left for a later build
    (`serve`, when a file is saved again), and those built are published.
    """
    with _own_workers(workers) as pool, publishing_lock(site.output_dir, say):
        recovered = recover(site.output_dir)
        if recovered:
            say(f"{recovered} in {site.output_dir}")
        previous = read_manifest(site.output_dir)
        project, outcome, jobs = _plan(site, selection, epoch, previous)
        outcome.warnings += label_warnings(
            site.locales_dir, site.root, {job.translation.language for job in jobs}
        )
        staging = sidecar(site.output_dir, "staging")
        shutil.rmtree(staging, ignore_errors=True)
        progress.start(jobs)
        languages = {job.translation.language for job in jobs}
        ready = functools.partial(get_ready, site, languages, pool.resources)
        for result in pool.run(jobs, staging, progress, abandon, meanwhile=ready):
            outcome.results.append(result)
            progress.finish(result)
        secrets = tuple(c for report in project.reports for c in report.confidential)
        retired = retired_editions(project, previous)
        publish(site, previous, outcome.results, retired, staging, secrets, pool.resources)
    return outcome


@dataclass(frozen=True)
class PlannedEdition:
    """One selected edition, as `editions plan` lists it for a CI job matrix."""

    name: str
    report: str
    language: str
    formats: tuple[str, ...]
    fingerprint: str
    current: bool  # already published from the same inputs
    refused: str = ""  # why the release policy refuses it, if it does


@dataclass(frozen=True)
class Plan:
    """What a build would do, without doing it."""

    editions: tuple[PlannedEdition, ...]
    problems: tuple[EditionsError, ...]

    def to_json(self) -> dict[str, object]:
        """The plan as JSON: `editions[].name` is what `build --edition` takes."""
        return {
            "editions": [edition.__dict__ | {"formats": list(edition.formats)} for edition in self.editions],
            "problems": [problem.render() for problem in self.problems],
        }


def plan_build(site: Site, selection: Selection, epoch: dt.datetime | None = None) -> Plan:
    """Which editions a build with `selection` would make, and which of them are already published."""
    _, outcome, jobs = _plan(site, selection, epoch, read_manifest(site.output_dir))
    entries = [(job, False, "") for job in jobs] + [(job, True, "") for job in outcome.current]
    entries += [(job, False, why) for job, why in outcome.refused]
    editions = (
        PlannedEdition(
            job.name,
            job.report.slug,
            job.translation.language.tag,
            tuple(fmt.value for fmt in job.formats),
            job.fingerprint,
            current,
            refused,
        )
        for job, current, refused in entries
    )
    return Plan(tuple(sorted(editions, key=lambda edition: edition.name)), tuple(outcome.problems))


def _plan(
    site: Site, selection: Selection, epoch: dt.datetime | None, previous: Manifest
) -> tuple[Project, BuildReport, list[Job]]:
    """Load and plan: the project, what is refused or already current, and the jobs to run."""
    project, outcome = _load(site, selection)
    planned = plan_editions(project, selection, epoch, fingerprint_editions(project, epoch), previous)
    if selection.release:
        outcome.refused = [(job, why) for job in planned if (why := release_problem(job))]
    planned = [job for job in planned if job.name not in {job.name for job, _ in outcome.refused}]
    outcome.current = [job for job in planned if not selection.force and is_current(job, previous)]
    return project, outcome, [job for job in planned if job not in outcome.current]


def _load(site: Site, selection: Selection) -> tuple[Project, BuildReport]:
    """Every report that loads; the problems of those asked for, and the others' as warnings."""
    reports, problems = discover_reports(site.reports_dir)
    project = Project(site=site, reports=tuple(reports))
    broken = {_slug(error, site) for error in problems}
    asked = selection.reports or tuple(name.split("/")[0] for name in selection.editions)
    outcome = BuildReport()
    outcome.bugs = [(_slug(e, site), e.trace) for e in problems if isinstance(e, InternalError)]
    for error in problems:
        if not asked or _slug(error, site) in ("", *asked):
            outcome.problems.append(error)
        else:  # a broken report nobody asked for does not fail this build, but its author should know
            warning = error.render(site.root).replace(": error: ", ": warning: ", 1)
            outcome.warnings.append(f"{warning} [report.not-requested]")
    outcome.problems += check_selection(project, selection, broken)
    return project, outcome


def retired_editions(project: Project, previous: Manifest) -> set[str]:
    """Published editions whose language was removed from their report, or whose report was deleted.

    A report or a translation that exists but fails to load retires nothing: it keeps what it published.
    """
    if not project.site.reports_dir.is_dir():  # a mistyped folder in the settings retires nothing
        return set()
    loaded = {report.slug: set(report.languages) for report in project.reports}
    retired = set()
    for name in previous.editions:
        slug, tag = name.split("/")
        if (slug in loaded and tag not in loaded[slug]) or (
            slug not in loaded and not (project.site.reports_dir / slug).is_dir()
        ):
            retired.add(name)
    return retired


def _own_workers(workers: int | Workers) -> contextlib.AbstractContextManager[Workers]:
    """The caller's pool as it is, or one for this build that stops with it."""
    return contextlib.nullcontext(workers) if isinstance(workers, Workers) else Workers(workers)


def _slug(error: EditionsError, site: Site) -> str:
    if error.location is None or not error.location.path.is_relative_to(site.reports_dir):
        return ""
    parts = error.location.path.relative_to(site.reports_dir).parts
    return parts[0] if parts else ""  # the reports folder itself: not one report's problem
