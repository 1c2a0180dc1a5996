"""build(): load → plan → convert and render (in parallel workers) → publish → landing pages and manifest."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import shutil
import traceback
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from editions.edition import build_edition
from editions.errors import EditionsError
from editions.i18n.catalogs import compile_catalogs, label_warnings
from editions.i18n.release import release_problem
from editions.model import EditionResult, Job, Project, Site
from editions.plan import Selection, check_selection, is_current, plan_editions
from editions.plan.fingerprint import fingerprint_editions
from editions.publish.landing import write_landing_pages
from editions.publish.manifest import read_fingerprints, write_manifest
from editions.publish.staging import publish_edition, staging_root
from editions.sources.discover import discover_reports

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

    @property
    def ok(self) -> bool:
        """Whether every requested edition was built and nothing was wrong."""
        return not self.problems and not self.refused and all(result.ok for result in self.results)


def build(
    site: Site, selection: Selection, workers: int, progress: Progress, epoch: dt.datetime | None = None
) -> BuildReport:
    """Build the selected editions; a failed edition stops no other and keeps its published files."""
    compile_catalogs(site.locales_dir)
    reports, problems = discover_reports(site.reports_dir)
    project = Project(site=site, reports=tuple(reports))
    broken = {_slug(error, site) for error in problems}
    if selection.reports:  # a broken report nobody asked for does not fail this build
        problems = [error for error in problems if _slug(error, site) in ("", *selection.reports)]
    problems += check_selection(project, selection, broken)
    fingerprints = read_fingerprints(site.output_dir)
    planned = plan_editions(project, selection, epoch, fingerprint_editions(project))
    refused = [(job, why) for job in planned if selection.release and (why := release_problem(job))]
    planned = [job for job in planned if job.name not in {job.name for job, _ in refused}]
    current = [job for job in planned if not selection.force and is_current(job, fingerprints)]
    jobs = [job for job in planned if job not in current]
    outcome = BuildReport(problems=problems, current=current, refused=refused)
    outcome.warnings += label_warnings(
        site.locales_dir, site.root, {job.translation.language for job in jobs}
    )
    progress.start(jobs)
    for result in run_jobs(jobs, workers, staging_root(site.output_dir), progress):
        if result.ok:
            publish_edition(result, site.output_dir)
            fingerprints.update({path.as_posix(): result.job.fingerprint for path in result.staged})
        outcome.results.append(result)
        progress.finish(result)
    shutil.rmtree(staging_root(site.output_dir), ignore_errors=True)
    if site.output_dir.is_dir():
        write_landing_pages(project)
        write_manifest(project, site.output_dir, fingerprints)
    return outcome


def run_jobs(jobs: list[Job], workers: int, staging: Path, progress: Progress) -> Iterator[EditionResult]:
    """Results as editions finish; with several workers, each edition builds in its own process."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield build_edition(job, staging, progress.stage)
        return
    context = multiprocessing.get_context("spawn")  # no forked copies of the parent's state
    with context.Manager() as manager:
        events = manager.Queue()
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            reporter = _QueueReporter(events)
            submitted = {pool.submit(build_edition, job, staging, reporter): job for job in jobs}
            pending = set(submitted)
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                _drain(events, progress)
                for future in done:
                    yield _result(future, submitted[future])


def _result(future: Future, job: Job) -> EditionResult:
    """The worker's result; a worker that died (out of memory, killed) fails its edition only."""
    try:
        return future.result()
    except Exception:
        return EditionResult(job, bug=traceback.format_exc())


class _QueueReporter:
    """Sends stage events from a worker process back to the console."""

    def __init__(self, queue) -> None:
        self.queue = queue

    def __call__(self, name: str, stage: str) -> None:
        self.queue.put((name, stage))


def _drain(events, progress: Progress) -> None:
    while not events.empty():
        progress.stage(*events.get())


def _slug(error: EditionsError, site: Site) -> str:
    if error.location is None or not error.location.path.is_relative_to(site.reports_dir):
        return ""
    return error.location.path.relative_to(site.reports_dir).parts[0]
