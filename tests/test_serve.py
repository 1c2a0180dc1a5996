"""The live preview: serves output/ on loopback, injects a reload probe, rebuilds only what changed."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import site_at

from editions.cli.progress import Progress
from editions.cli.serve import (
    RELOAD_PATH,
    RELOAD_SCRIPT,
    RELOAD_TAG,
    VERSION_PATH,
    WAITING_PAGE,
    Preview,
    changes,
    is_editor_file,
    make_server,
    watch,
)
from editions.model import Format
from editions.pipeline import build
from editions.plan import Selection


def _get(port: int, path: str, host: str = "") -> str:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host} if host else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode("utf-8")


@pytest.mark.validators
def test_serve_preview_reloads_after_an_edit(sample: Path, tmp_path: Path) -> None:
    site = site_at(sample)
    log = (tmp_path / "log.txt").open("w")
    passes = []
    preview = Preview(
        site,
        Selection(languages=("en",), formats=()),
        workers=1,
        progress=Progress(log),
        on_build=lambda outcome, seconds: passes.append([r.job.formats for r in outcome.results]),
    )
    server = make_server(preview, port=0)
    assert server.server_address[0] == "127.0.0.1"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        # Before the first build, every page says it is coming, and reloads by itself.
        assert _get(port, "/sample/en/") == WAITING_PAGE and RELOAD_TAG in WAITING_PAGE
        preview.rebuild()
        # The web edition first, on its own, so that the browser reloads as soon as it is ready.
        assert passes == [[(Format.HTML,)], [(Format.PDF, Format.EPUB)]]
        page = _get(port, "/sample/en/")
        assert RELOAD_TAG in page and "Sample report on collective protection" in page
        # The page's policy forbids scripts; the preview's copy allows its own probe, and only that.
        assert "default-src 'none'; img-src 'self' data:" in page and "script-src 'self'" in page
        assert _get(port, RELOAD_PATH) == RELOAD_SCRIPT
        first = _get(port, VERSION_PATH)
        for host in ("localhost", f"localhost:{port}", "[::1]", f"[::1]:{port}"):
            assert "Sample report" in _get(port, "/sample/en/", host)
        for host in ("attacker.example", f"attacker.example:{port}", "127.0.0.1.attacker.example"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                _get(port, "/sample/en/", host)
            assert refused.value.code == 403
        with pytest.raises(urllib.error.HTTPError) as listing:
            _get(port, "/sample/en/assets/")
        assert listing.value.code == 404
        source = sample / "reports" / "sample" / "en.md"
        source.write_text(
            source.read_text(encoding="utf-8").replace(
                "Defenders rarely work alone.", "Defenders seldom work alone."
            )
        )
        preview.rebuild()
        assert _get(port, VERSION_PATH) != first
        assert "Defenders seldom work alone." in _get(port, "/sample/en/index.html")
        published = (site.output_dir / "sample" / "en" / "index.html").read_text(encoding="utf-8")
        assert "<script" not in published  # the probe is added while serving only
    finally:
        server.shutdown()
        preview.close()
        log.close()


EDITOR_FILES = (".#en.md", "#en.md#", "en.md~", ".en.md.swp", ".en.md.swx", "4913", "en.md___jb_tmp___")


@pytest.mark.validators
def test_serve_editor_files_are_not_sources() -> None:
    assert all(is_editor_file(Path(name)) for name in EDITOR_FILES)
    for name in ("en.md", "01-introduction.md", "references.bib", "messages.po", "edition.css", "x.toml"):
        assert not is_editor_file(Path(name))


def _save_together(*edits: tuple[Path, str, str]) -> None:
    """Replace `old` with `new` in each file, the files written one right after the other, as "save all"."""
    texts = [(path, path.read_text(encoding="utf-8"), old, new) for path, old, new in edits]
    assert all(old in text for _, text, old, _ in texts)
    for path, text, old, new in texts:
        path.write_text(text.replace(old, new), encoding="utf-8")


def _eventually(condition, seconds: float = 180.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "nothing happened in time"
        time.sleep(0.05)


@pytest.mark.validators
def test_serve_watch_batches_a_burst_and_ignores_editor_files(sample: Path) -> None:
    site = site_at(sample)
    batches: list[set[Path]] = []
    stop = threading.Event()
    watcher = threading.Thread(target=lambda: batches.extend(changes(site, stop)), daemon=True)
    watcher.start()
    try:
        time.sleep(1.5)  # the watcher's inotify watches are in place
        folder = sample / "reports" / "sample"
        for name in EDITOR_FILES:
            (folder / name).write_text("an editor's scratch copy\n", encoding="utf-8")
        time.sleep(1.0)
        assert batches == []
        english, french = folder / "en.md", folder / "fr" / "02-findings.md"
        _save_together(
            (english, "Defenders rarely", "Defenders seldom"), (french, "Les mesures", "Ces mesures")
        )
        _eventually(lambda: batches, 30)
        time.sleep(1.0)
        assert batches == [{english, french}]
    finally:
        stop.set()
        watcher.join(timeout=10)


@pytest.mark.validators
def test_serve_keeps_its_workers_and_builds_once_per_burst(sample: Path, tmp_path: Path) -> None:
    site = site_at(sample)
    builds = []
    selection = Selection(languages=("fr",), formats=(Format.HTML,))
    page = site.output_dir / "sample" / "fr" / "index.html"
    with (tmp_path / "log.txt").open("w") as log:
        preview = Preview(
            site, selection, workers=2, progress=Progress(log), on_build=lambda done, _: builds.append(done)
        )
        stop = threading.Event()
        try:
            preview.rebuild()  # in this thread: workers live as long as the thread that started them
            workers = preview.workers.pids
            assert workers and builds[0].ok and len(builds[0].results) == 1
            watcher = threading.Thread(target=watch, args=(preview, stop), daemon=True)
            watcher.start()
            time.sleep(1.5)  # the watcher's inotify watches are in place
            folder = sample / "reports" / "sample" / "fr"
            for name in EDITOR_FILES:
                (folder / name).write_text("an editor's scratch copy\n", encoding="utf-8")
            time.sleep(1.0)
            assert len(builds) == 1, "an editor's temporary file started a build"
            for name in EDITOR_FILES:  # removing them builds nothing either
                (folder / name).unlink()
            _save_together(
                (folder / "01-introduction.md", "Un court résumé", "Un résumé enregistré d’un coup"),
                (folder / "02-findings.md", "Les mesures collectives", "Enregistrées d’un coup, les"),
            )
            _eventually(lambda: len(builds) > 1)
            time.sleep(1.0)
            assert len(builds) == 2, "two saves in a burst started more than one build"
            assert builds[1].ok and [result.job.name for result in builds[1].results] == ["sample/fr"]
            assert preview.workers.pids == workers  # the same process built it
            assert "enregistré d’un coup" in page.read_text(encoding="utf-8")
            assert "Enregistrées d’un coup, les" in page.read_text(encoding="utf-8")
            stop.set()
            watcher.join(timeout=30)
            # A save during a build gives up the editions not finished yet: their workers are stopped at
            # once, nothing is published, and the next build starts new workers.
            saved = threading.Event()
            saved.set()
            again = replace(selection, force=True)
            # Without the cache, so that the edition is still being made when the save gives it up.
            uncached = replace(site, cache_dir=None)
            outcome = build(uncached, again, preview.workers, Progress(log), abandon=saved)
            assert outcome.results == [] and preview.workers.pids == frozenset()
            assert "Enregistrées d’un coup, les" in page.read_text(encoding="utf-8")
        finally:
            stop.set()
            preview.close()
