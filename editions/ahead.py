"""Work ahead for an edition in an idle worker, so that one edition uses two cores.

An edition's formats depend on each other in a chain: the EPUB's page-list needs the PDF's page map,
and the web edition's download buttons give the sizes of the PDFs and of the EPUB. Built beside the
PDF, either would come out different from a one-worker build. What is costly in them does not depend
on the chain, though: the font subsets (nine tenths of their time when cold), the cleaned images and
the cover. So while the edition's own worker lays out the PDF, a helper in an idle worker builds the
screen formats into a scratch folder of its own, from a guess at what they will link to, and throws
the files away: what it leaves is the cache's entries (editions/cache.py: content-addressed, so a
result made by another process is the very result this one would make). The edition's own worker then
writes the EPUB and the web edition in the usual order, and finds their subsets made. Every output is
the one a one-worker build writes: only the time changes. A guess that misses (a web page whose
download sizes show other letters) costs a subset made twice, never a wrong byte.

The two processes meet in a folder beside the edition's staging one, through empty marker files: the
helper notes how far it got, the edition's build notes when it needs no more help.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path

from editions.model import Artifact, Format, Job

# The formats a helper makes, in the order the writers run them.
SCREEN = (Format.EPUB, Format.HTML)
# Seconds an edition spends laying out its PDF before a helper is sent: a PDF taken from the layout
# cache (a warm build, most rebuilds) is written in a fraction of a second and needs no help, and a
# worker started for nothing costs a core a second or two.
AFTER = 0.5
# A guess at each PDF's size when none was published before: the letters of its unit ("1.5 MB")
# are on the web edition's page, and each letter changes the page's font subsets.
_GUESSED_PDF_SIZE = 1_500_000
_POLL = 0.05


@dataclass(frozen=True)
class Ahead:
    """Where an edition's build and its helper meet: a folder only they use, and the screen formats the
    helper makes. Marker files say how far the helper got (`started` holds its pid, then one file per
    format it began, then `done` with how it ended); `stop` says the edition needs no more help."""

    folder: Path
    formats: tuple[Format, ...]

    # The helper's side.

    def given_up(self) -> bool:
        """Whether the edition's build needs no more help (or its folder is gone with the build)."""
        return not self.folder.is_dir() or (self.folder / "stop").exists()

    def note(self, marker: str, text: str = "") -> None:
        """Leave marker file `marker`; a folder removed meanwhile takes nothing (the build is over)."""
        with contextlib.suppress(OSError):
            (self.folder / marker).write_text(text, encoding="utf-8")

    # The edition's side.

    def stop(self) -> None:
        """Tell the helper to give up at its next step: the edition goes on alone."""
        self.note("stop")

    def meet(self, fmt: Format) -> None:
        """Before the edition writes `fmt`: wait for the helper if it is making `fmt` now (its results
        are about to be in the cache, and making them here too would do the work twice); go on alone,
        and tell it to stop, if it has not begun `fmt` (it would finish later than this process).

        Never endless: the helper notes `done` however it ends, and when its process dies its future
        does (`Helpers`)."""
        later = _names((*self.formats[self.formats.index(fmt) + 1 :], "done"))
        if not (self.folder / fmt.value).exists():
            if not any((self.folder / marker).exists() for marker in later):
                self.stop()
            return
        while self.folder.is_dir() and not any((self.folder / marker).exists() for marker in later):
            time.sleep(_POLL)

    def helper_pid(self) -> int | None:
        """The helper's process id, when it made every format it was sent for."""
        with contextlib.suppress(OSError, ValueError):
            if (self.folder / "done").read_text(encoding="utf-8") == "complete":
                return int((self.folder / "started").read_text(encoding="utf-8"))
        return None


def _names(markers: tuple[Format | str, ...]) -> tuple[str, ...]:
    return tuple(getattr(marker, "value", marker) for marker in markers)


def screen_formats(job: Job) -> tuple[Format, ...]:
    """What a helper can make ahead for `job`: its screen formats, when it has a PDF to build beside
    them and a cache to leave the results in (without one, nothing made elsewhere is of use here)."""
    if Format.PDF not in job.formats or job.site.cache_dir is None:
        return ()
    return tuple(fmt for fmt in SCREEN if fmt in job.formats)


def guessed_job(job: Job, formats: tuple[Format, ...]) -> Job:
    """The job the helper builds: `formats` only, and PDFs to link to as the web edition will link to
    them. The sizes published before are the best guess of the new ones (same units, same letters)."""
    published = list(job.published)
    paths = {artifact.path for artifact in published}
    pdf = job.file(Format.PDF)
    for path, variant in ((pdf, "screen"), (pdf.removesuffix(".pdf") + "-print.pdf", "print")):
        if path not in paths:
            published.append(
                Artifact(path, "application/pdf", job.name, Format.PDF.value, _GUESSED_PDF_SIZE, "", variant)
            )
    return replace(job, formats=formats, published=tuple(published))


@dataclass
class Helpers:
    """The build process's side: sends a helper to an edition that has spent `after` seconds in its
    PDF, as soon as a worker is idle, and clears up behind it.

    `submit(job, ahead)` runs the helper in a worker and returns its future; `idle()` says how many
    workers have nothing to do. Called from the thread that runs the build, and from timers.
    """

    submit: Callable[[Job, Ahead], Future]
    idle: Callable[[], int]
    after: float = AFTER
    _timers: dict[str, threading.Timer] = field(default_factory=dict)
    _due: dict[str, tuple[Job, Ahead]] = field(default_factory=dict)  # in their PDF long enough
    _sent: dict[str, tuple[Ahead, Future]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, job: Job, staging_root: Path) -> Ahead | None:
        """The meeting point of `job` and of a helper it may get, for the edition's build; None when no
        helper could do anything for it."""
        formats = screen_formats(job)
        if not formats:
            return None
        # A folder of this build's own: a helper sent by an earlier build (serve), still finishing its
        # step, must not take this build's markers for its own, nor this build its.
        return Ahead(staging_root / f"{job.basename}.ahead-{uuid.uuid4().hex[:12]}", formats)

    def stage(self, job: Job, ahead: Ahead | None, stage: str) -> None:
        """`job` entered `stage`: when it is the PDF, a helper is due after `after` seconds of it."""
        if ahead is None:
            return
        with self._lock:
            self._forget(job)
            if stage == Format.PDF.value and job.name not in self._sent:
                timer = threading.Timer(self.after, self._now_due, (job, ahead))
                timer.daemon = True
                self._timers[job.name] = timer
                timer.start()

    def offer(self) -> None:
        """Send helpers to the editions due one, while workers are idle (a worker that finished its own
        edition helps one still in its PDF)."""
        with self._lock:
            while self._due and self.idle() >= 1:
                name = next(iter(self._due))
                job, ahead = self._due.pop(name)
                ahead.folder.mkdir(parents=True, exist_ok=True)
                future = self.submit(job, ahead)
                self._sent[name] = (ahead, future)
                future.add_done_callback(lambda _, ahead=ahead: _helper_over(ahead))

    def finished(self, job: Job, ahead: Ahead | None) -> int | None:
        """`job`'s build is over: no helper is sent any more, a running one gives up at its next step.
        Returns the helper's pid if it made everything it was sent for."""
        if ahead is None:
            return None
        with self._lock:
            timer = self._forget(job)
        if timer is not None:
            timer.join()  # a timer firing right now finds the edition forgotten, and sends nothing
        pid = ahead.helper_pid()
        ahead.stop()
        sent = self._sent.get(job.name)
        if sent is None or sent[1].done():
            # Whoever comes second, the edition's end or the helper's, removes the folder.
            shutil.rmtree(ahead.folder, ignore_errors=True)
        return pid

    def close(self) -> None:
        """The build is over or given up: no helper is sent any more."""
        with self._lock:
            for name in list(self._timers):
                self._timers.pop(name).cancel()
            self._due.clear()

    def running(self) -> int:
        """How many helpers are still at work."""
        return sum(not future.done() for _, future in self._sent.values())

    def _forget(self, job: Job) -> threading.Timer | None:
        """No helper is due to `job` any more (it left its PDF); the timer cancelled, if any."""
        self._due.pop(job.name, None)
        timer = self._timers.pop(job.name, None)
        if timer is not None:
            timer.cancel()
        return timer

    def _now_due(self, job: Job, ahead: Ahead) -> None:
        with self._lock:
            if self._timers.pop(job.name, None) is None:  # forgotten meanwhile
                return
            self._due[job.name] = (job, ahead)
        self.offer()


def _helper_over(ahead: Ahead) -> None:
    """The helper's future ended, however: its folder goes if the edition is over too."""
    if not (ahead.folder / "done").exists():  # its process died: the edition waits no more
        ahead.note("done", "died")
    if (ahead.folder / "stop").exists():
        shutil.rmtree(ahead.folder, ignore_errors=True)


def helper_started(ahead: Ahead) -> bool:
    """In the helper: note its pid, unless the edition already went on alone."""
    if ahead.given_up():
        return False
    ahead.note("started", str(os.getpid()))
    return True
