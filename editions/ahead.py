"""Work ahead for an edition on a second core, while its own process lays out the PDF.

An edition's formats depend on each other in a chain: the EPUB's page-list needs the PDF's page map,
and the web edition's download buttons give the sizes of the PDFs and of the EPUB. Built beside the
PDF, either would come out different from a one-worker build. What is costly in them does not depend
on the chain, though: the font subsets, nine tenths of their time when cold. So when the edition's
PDF is about to be laid out, its process forks a helper, which builds the screen formats into a
scratch folder and throws the files away: what it leaves is the cache's entries (editions/cache.py:
content-addressed, so a result made by another process is the very result this one would make). The
subsets do not depend on the sizes the web page shows (writers/screen_fonts.py), so what the helper
cuts is what the edition needs. The edition then writes the EPUB and the web edition in the usual
order, and finds their subsets made. Every output is the one a one-worker build writes: only the time
changes.

Before the screen formats, even for a build of the PDF alone, the helper draws the edition's cover (a
second layout, and its rasterisation). Only the EPUB and the site's pages use it, so an edition with a
helper draws it after its PDF, and finds it in the cache.

A fork, not a worker of the pool: the helper starts with the edition as its process prepared it
(pandoc's document, the images, the fonts loaded), where a spawned process would spend
longer importing and preparing than the subsets take. It only writes files, never returns into the
caller, and leaves with os._exit, so nothing of the parent's (locks, open files, atexit) runs twice.

The two processes meet in a folder beside the edition's staging one, through marker files: the helper
notes how far it got, the edition notes when it needs no more help.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from editions import forked
from editions.model import Format, Job

# The formats a helper makes, in the order the writers run them.
SCREEN = (Format.EPUB, Format.HTML)
# The helper's first step, before the formats: the edition's cover.
COVER = "cover"
# Seconds a helper waits before it begins: a PDF taken from the layout cache (a warm build, most
# rebuilds) is written in a fraction of a second, and its edition then goes on alone.
AFTER = 0.5
_POLL = 0.05


@dataclass(frozen=True)
class Ahead:
    """Where an edition and its helper meet: a folder only they use, the screen formats the helper
    makes after the cover, and how long it waits before it begins. Marker files say how far the helper
    got (`started` holds its pid, then one file per step it began: the cover, each format; then `done`
    with how it ended); `stop` says the edition needs no more help."""

    folder: Path
    formats: tuple[Format, ...]
    after: float = AFTER

    @property
    def steps(self) -> tuple[str, ...]:
        """The helper's steps, in order: the cover, then each format."""
        return (COVER, *_names(self.formats))

    # The helper's side.

    def given_up(self) -> bool:
        """Whether the edition needs no more help (or its folder is gone with its build)."""
        return not self.folder.is_dir() or (self.folder / "stop").exists()

    def note(self, marker: str, text: str = "") -> None:
        """Leave marker file `marker`; a folder removed meanwhile takes nothing (the build is over)."""
        with contextlib.suppress(OSError):
            (self.folder / marker).write_text(text, encoding="utf-8")

    # The edition's side.

    def stop(self) -> None:
        """Tell the helper to give up at its next step: the edition goes on alone."""
        self.note("stop")

    def helper_pid(self) -> int | None:
        """The helper's process id, when it made every format it was sent for."""
        with contextlib.suppress(OSError, ValueError):
            if (self.folder / "done").read_text(encoding="utf-8") == "complete":
                return int((self.folder / "started").read_text(encoding="utf-8"))
        return None


def _names(markers: tuple[Format | str, ...]) -> tuple[str, ...]:
    return tuple(getattr(marker, "value", marker) for marker in markers)


def meeting_point(job: Job, staging_root: Path, after: float = AFTER) -> Ahead | None:
    """Where `job` would meet a helper, or None when no helper could do anything for it: a helper works
    while the PDF is laid out, and leaves what it makes in the cache (without one, nothing made
    elsewhere is of use here). It draws the cover, then makes the screen formats `job` has."""
    if Format.PDF not in job.formats or job.site.cache_dir is None:
        return None
    formats = tuple(fmt for fmt in SCREEN if fmt in job.formats)
    return Ahead(staging_root / f"{job.basename}.ahead", formats, after)


@dataclass(frozen=True)
class Helper:
    """A helper process forked by the edition's process, and where they meet."""

    pid: int
    ahead: Ahead

    def alive(self) -> bool:
        """Whether the helper is still running (a dead one is reaped here)."""
        with contextlib.suppress(ChildProcessError):
            return os.waitpid(self.pid, os.WNOHANG) == (0, 0)
        return False

    def meet(self, step: Format | str) -> None:
        """Before the edition makes `step` (the cover, or a format): wait for the helper if it is making
        it now (its results are about to be in the cache, and making them here too would do the work
        twice); go on alone, and tell it to stop, if it has not begun `step` (it would finish later than
        this process).

        Never endless: the helper notes `done` however its work ends, and a helper that died is not
        waited for."""
        folder, steps, step = self.ahead.folder, self.ahead.steps, _names((step,))[0]
        later = (*steps[steps.index(step) + 1 :], "done")
        if not (folder / step).exists():
            if not any((folder / marker).exists() for marker in later):
                self.ahead.stop()
            return
        while self.alive() and not any((folder / marker).exists() for marker in later):
            time.sleep(_POLL)

    def end(self) -> int | None:
        """The edition is built, or failed: stop the helper if it still runs (what it would make now is
        of no use), reap it, remove the meeting folder. Its pid if it made everything it was sent for."""
        pid = self.ahead.helper_pid()
        self.ahead.stop()
        if self.alive():
            forked.stop(self.pid)
        shutil.rmtree(self.ahead.folder, ignore_errors=True)
        return pid


def fork_helper(ahead: Ahead, work: Callable[[], None]) -> Helper | None:
    """Fork a helper that runs `work` after `ahead.after` seconds, unless the edition went on alone
    meanwhile; None where no process can be forked (the edition then builds alone, as with one
    worker). The helper never returns from here (editions/forked.py)."""
    try:
        shutil.rmtree(ahead.folder, ignore_errors=True)  # a helper's leftovers from a build that died
        ahead.folder.mkdir(parents=True)
    except OSError:  # help is a speed-up, never a requirement
        return None
    pid = forked.fork(functools.partial(_help, ahead, work))
    return Helper(pid, ahead) if pid is not None else None


def _help(ahead: Ahead, work: Callable[[], None]) -> None:
    """In the helper: wait a little, in case the PDF comes from the layout cache, then work. An error is
    left to the edition, which meets it too and reports it with its place."""
    waited = 0.0
    while waited < ahead.after and not ahead.given_up():
        time.sleep(_POLL)
        waited += _POLL
    if not ahead.given_up():
        ahead.note("started", str(os.getpid()))
        work()
