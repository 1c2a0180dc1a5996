"""One edition on two cores: a worker with no edition of its own works ahead on the screen formats of
one whose PDF is being laid out (editions/ahead.py), and every file comes out as a one-worker build
writes it."""

from __future__ import annotations

import dataclasses
import io
import os
from pathlib import Path

from conftest import run
from test_publish import _snapshot

from editions.cli.progress import Progress
from editions.model import Format
from editions.pipeline import build
from editions.plan import Selection
from editions.sources.config import load_site
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
