"""One edition on two cores: while its PDF is laid out, the edition's process forks a helper that draws
the cover and makes the web and EPUB font subsets (editions/ahead.py), and every file comes out as a
one-worker build writes it."""

from __future__ import annotations

import dataclasses
import io
import os
import signal
import time
from pathlib import Path

import pytest
from conftest import run
from test_publish import _snapshot

from editions.ahead import COVER, Ahead, fork_helper
from editions.cli.progress import Progress
from editions.model import Format
from editions.pipeline import build
from editions.plan import Selection
from editions.prepare import cover
from editions.sources.config import load_site
from editions.workers import Workers


@pytest.mark.validators
def test_two_cores_one_edition_is_byte_identical_to_one_worker(sample: Path, tmp_path: Path) -> None:
    # The reference: one process, as `--jobs 1` has always built (the suite's cache cannot change a byte).
    reference = tmp_path / "one-worker"
    assert run(sample, "--lang", "en", "--jobs", "1", "--output", str(reference)).code == 0
    # Two workers for one edition, every step made afresh (an empty cache): its PDF is laid out, and the
    # helper, sent at once, makes the screen formats' subsets meanwhile.
    site = load_site(sample, tmp_path / "two-workers")
    site = dataclasses.replace(site, cache_dir=tmp_path / "empty-cache")
    with Workers(2, ahead_after=0.0) as workers:
        outcome = build(site, Selection(languages=("en",)), workers, Progress(io.StringIO()))

    assert outcome.ok, [result.errors or result.bug for result in outcome.results]
    [result] = outcome.results
    assert result.job.formats == (Format.HTML, Format.PDF, Format.EPUB)
    # Two processes took part: this one (one edition: built here), and the helper it forked, which made
    # everything it was sent for and was reaped.
    [edition, helper] = result.pids
    assert edition == os.getpid() and helper != edition
    assert not Path(f"/proc/{helper}").exists()
    one, two = _snapshot(reference), _snapshot(tmp_path / "two-workers")
    assert len(one) > 10
    assert one == two
    assert not list(tmp_path.glob(".two-workers.staging/*"))  # the meeting folder is gone


def test_two_cores_the_helper_draws_the_cover_of_a_pdf_alone(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build of the PDF alone gets a helper too: it draws the cover while the PDF is laid out, and the
    edition finds it in the cache instead of drawing it."""
    drawn_here = []
    rasterise = cover._rasterise
    # Counts in this process only: the helper is a fork, and counts in its own memory.
    monkeypatch.setattr(cover, "_rasterise", lambda pdf: drawn_here.append(1) or rasterise(pdf))
    site = load_site(sample, tmp_path / "two-workers")
    site = dataclasses.replace(site, cache_dir=tmp_path / "empty-cache")
    with Workers(2, ahead_after=0.0) as workers:
        outcome = build(
            site, Selection(languages=("en",), formats=(Format.PDF,)), workers, Progress(io.StringIO())
        )

    assert outcome.ok, [result.errors or result.bug for result in outcome.results]
    [result] = outcome.results
    [edition, helper] = result.pids  # the helper made everything it was sent for: the cover
    assert edition == os.getpid() and helper != edition
    assert drawn_here == []
    reference = tmp_path / "one-worker"
    assert run(sample, "--lang", "en", "--format", "pdf", "--jobs", "1", "--output", str(reference)).code == 0
    for name in (cover.NAME, cover.THUMBNAIL):
        ours = tmp_path / "two-workers" / "sample" / "en" / name
        assert ours.read_bytes() == (reference / "sample" / "en" / name).read_bytes()


# The meeting of an edition and its helper, without building anything: the helper's work is a function.


def _ahead(tmp_path: Path, after: float) -> Ahead:
    return Ahead(tmp_path / "sample-en.ahead", (Format.EPUB, Format.HTML), after)


def test_two_cores_edition_goes_on_alone_when_the_helper_has_not_begun(tmp_path: Path) -> None:
    helper = fork_helper(_ahead(tmp_path, after=30), lambda: None)  # still waiting to begin
    started = time.perf_counter()
    helper.meet(COVER)
    assert helper.ahead.given_up()
    assert helper.end() is None  # it made nothing
    assert time.perf_counter() - started < 5  # it gave up at once: the edition did not wait 30 s
    assert not helper.alive() and not helper.ahead.folder.exists()


def test_two_cores_edition_waits_for_the_format_its_helper_is_making(tmp_path: Path) -> None:
    def work(ahead: Ahead) -> None:
        ahead.note("cover")
        time.sleep(0.3)
        ahead.note("epub")
        time.sleep(0.3)
        ahead.note("html")
        time.sleep(0.3)
        ahead.note("done", "complete")

    ahead = _ahead(tmp_path, after=0)
    started = time.perf_counter()
    helper = fork_helper(ahead, lambda: work(ahead))
    while not (ahead.folder / "cover").exists():
        time.sleep(0.01)
    helper.meet(COVER)
    assert (ahead.folder / "epub").exists() and not ahead.given_up()
    helper.meet(Format.EPUB)
    assert (ahead.folder / "html").exists() and not ahead.given_up()
    helper.meet(Format.HTML)
    assert time.perf_counter() - started >= 0.9
    assert helper.end() == helper.pid


def test_two_cores_edition_does_not_wait_for_a_helper_that_died(tmp_path: Path) -> None:
    def work(ahead: Ahead) -> None:
        ahead.note("epub")
        os.kill(os.getpid(), signal.SIGKILL)  # out of memory, say: no `done` is ever noted

    ahead = _ahead(tmp_path, after=0)
    helper = fork_helper(ahead, lambda: work(ahead))
    while not (ahead.folder / "epub").exists():
        time.sleep(0.01)
    helper.meet(Format.EPUB)  # returns: the helper is gone
    assert not helper.alive()
    assert helper.end() is None
