"""One edition on two cores: a worker with no edition of its own works ahead on the screen formats of
one whose PDF is being laid out (editions/ahead.py), and every file comes out as a one-worker build
writes it."""

from __future__ import annotations

import dataclasses
import io
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from conftest import run
from test_publish import _snapshot

from editions.ahead import Ahead, Helpers
from editions.cli.progress import Progress
from editions.model import Format, Job, Project, Site
from editions.pipeline import build
from editions.plan import Selection, plan_editions
from editions.plan.fingerprint import fingerprint_editions
from editions.sources.config import load_site
from editions.sources.discover import discover_reports
from editions.workers import Workers


def test_two_cores_one_edition_is_byte_identical_to_one_worker(
    sample: Path, tmp_path: Path, shared_cache: Path
) -> None:
    # The reference: one process, as `--jobs 1` has always built (the suite's cache cannot change a byte).
    reference = tmp_path / "one-worker"
    assert run(sample, "--lang", "en", "--jobs", "1", "--output", str(reference)).code == 0

    with Workers(2, ahead_after=0.0) as workers:
        # Both workers started, with their fonts loaded, by a build of two web editions (as `serve` keeps
        # them between saves), from the suite's cache.
        started = dataclasses.replace(load_site(sample, tmp_path / "warm-up"), cache_dir=shared_cache)
        assert build(started, Selection(formats=(Format.HTML,)), workers, Progress(io.StringIO())).ok
        # One edition, every step made afresh (an empty cache): its PDF is laid out, so it has the time
        # to be helped; the helper's own preparation finds pandoc's HTML, the images and the cover made.
        site = dataclasses.replace(
            load_site(sample, tmp_path / "two-workers"), cache_dir=tmp_path / "empty-cache"
        )
        outcome = build(site, Selection(languages=("en",)), workers, Progress(io.StringIO()))
        pool = workers.pids

    assert outcome.ok, [result.errors or result.bug for result in outcome.results]
    [result] = outcome.results
    assert result.job.formats == (Format.HTML, Format.PDF, Format.EPUB)
    # Two worker processes took part: the edition's, and the helper that made its screen formats' font
    # subsets while the PDF was laid out.
    assert len(set(result.pids)) == 2 and set(result.pids) <= pool and os.getpid() not in result.pids
    one, two = _snapshot(reference), _snapshot(tmp_path / "two-workers")
    assert len(one) > 10
    assert one == two
    # The helper's scratch folder and markers are gone with the build.
    assert not list(tmp_path.glob(".two-workers.staging/*"))


# The meeting of an edition and its helper, without building anything: the helper is a thread here.


def _ahead(tmp_path: Path) -> Ahead:
    folder = tmp_path / "sample-en.ahead"
    folder.mkdir()
    return Ahead(folder, (Format.EPUB, Format.HTML))


def test_two_cores_edition_goes_on_alone_when_the_helper_has_not_begun_the_format(tmp_path: Path) -> None:
    ahead = _ahead(tmp_path)
    started = time.perf_counter()
    ahead.meet(Format.EPUB)  # the helper is still preparing: it would finish after this process
    assert time.perf_counter() - started < 1
    assert ahead.given_up()
    ahead = Ahead(tmp_path / "gone", ahead.formats)  # no folder: no helper, no wait
    ahead.meet(Format.HTML)
    assert not ahead.folder.exists()


def test_two_cores_edition_waits_for_the_format_its_helper_is_making(tmp_path: Path) -> None:
    ahead = _ahead(tmp_path)
    ahead.note(Format.EPUB.value)

    def helper() -> None:
        time.sleep(0.3)
        ahead.note(Format.HTML.value)
        time.sleep(0.3)
        ahead.note("done", "complete")

    with ThreadPoolExecutor(1) as pool:
        pool.submit(helper)
        started = time.perf_counter()
        ahead.meet(Format.EPUB)
        assert (ahead.folder / "html").exists() and not ahead.given_up()
        ahead.meet(Format.HTML)
        assert (ahead.folder / "done").exists()
    assert time.perf_counter() - started >= 0.6
    assert ahead.helper_pid() is None  # no pid noted: not a helper that started


def test_two_cores_helper_is_sent_only_to_a_pdf_that_lasts(sample: Path, tmp_path: Path) -> None:
    site = dataclasses.replace(load_site(sample), cache_dir=tmp_path / "cache")
    job = _english(site)
    sent: list[str] = []

    with ThreadPoolExecutor(1) as pool:

        def submit(job: Job, ahead: Ahead) -> Future:
            sent.append(job.name)
            return pool.submit(lambda: ahead.note("done", "complete"))

        helpers = Helpers(submit, idle=lambda: 1, after=0.2)
        quick = helpers.handle(job, tmp_path)
        helpers.stage(job, quick, "pdf")
        helpers.stage(job, quick, "epub")  # a PDF from the layout cache: gone before the delay
        time.sleep(0.4)
        assert sent == [] and helpers.finished(job, quick) is None
        slow = helpers.handle(job, tmp_path)
        helpers.stage(job, slow, "pdf")
        time.sleep(0.4)
        assert sent == ["sample/en"]
        helpers.finished(job, slow)
        helpers.close()
    assert not slow.folder.exists()  # removed by whichever of the two ended last
    # Without a cache, what a helper makes could not reach the edition: none is planned.
    assert Helpers(submit, idle=lambda: 1).handle(_english(load_site(sample)), tmp_path) is None


def _english(site: Site) -> Job:
    reports, _ = discover_reports(site.reports_dir)
    project = Project(site=site, reports=tuple(reports))
    [job] = plan_editions(project, Selection(languages=("en",)), None, fingerprint_editions(project, None))
    return job
