"""Worker processes: editions build in a pool started once and kept by its owner (a build, or `serve`
between saves), each worker keeping the fonts, catalogs and templates it loaded; every worker dies with
the process that started it."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import queue
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from editions.ahead import AFTER, Ahead, meeting_point
from editions.model import EditionResult, Job
from editions.resources import Resources

if TYPE_CHECKING:
    from editions.cli.progress import Progress

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class Workers:
    """Up to `count` worker processes, started at the first build that has several editions for them (or
    at the first build, `always`) and kept until `close()`; with one worker, or one edition and no pool
    yet, editions build in this process.

    Keeping the pool saves every later build (each save in `serve`) the start of its processes: a second
    or so each to import WeasyPrint and the rest, and another to read the fonts.

    When a build has fewer editions than workers, the cores left idle help: an edition forks a helper
    that makes its web and EPUB font subsets while its PDF is laid out (editions/ahead.py), after
    `ahead_after` seconds of layout (a PDF from the layout cache needs no help).
    """

    def __init__(self, count: int, always: bool = False, ahead_after: float = AFTER) -> None:
        self.count = max(1, count)
        self.always = always  # a pool even for one edition: serve, whose builds may be given up
        self.ahead_after = ahead_after
        self.resources = Resources()  # for the editions built in this process
        # No forked copies of the parent's state in long-lived workers. (An edition's helper is forked,
        # but lives for one edition and leaves with os._exit: editions/ahead.py.)
        self._context = multiprocessing.get_context("spawn")
        self._events: multiprocessing.Queue | None = None
        self._pool: ProcessPoolExecutor | None = None

    def run(
        self,
        jobs: list[Job],
        staging: Path,
        progress: Progress,
        abandon: threading.Event | None = None,
        meanwhile: Callable[[], None] | None = None,
    ) -> Iterator[EditionResult]:
        """Results as editions finish; with several workers, each edition builds in a worker process.

        Once `abandon` is set, the editions not finished yet are given up, without a result: their
        workers are stopped (and started anew by the next build), an edition built here is let finish.
        `meanwhile` runs in this process once the workers have their editions, while it would only wait.
        """
        if not jobs:  # every edition current: nothing to start, nothing to load
            return
        if self._pool is None and (self.count <= 1 or (len(jobs) <= 1 and not self.always)):
            from editions.edition import build_edition  # see _build

            for job in jobs:
                if abandon is not None and abandon.is_set():
                    return
                idle = self.count - 1
                ahead = self._ahead(job, staging, idle)
                yield build_edition(job, staging, progress.stage, self.resources, ahead, cores=1 + idle)
            return
        pool, events = self._started()
        idle = self.count - len(jobs)  # one helper for each of the first editions, while cores are left
        submitted = {
            pool.submit(
                _build, job, staging, self._ahead(job, staging, idle - number), 1 + max(0, idle - number)
            ): job
            for number, job in enumerate(jobs)
        }
        pending = set(submitted)
        if meanwhile is not None:
            meanwhile()
        while pending:
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            self._drain(events, progress)
            for future in done:
                yield self._result(future, submitted[future])
            if pending and abandon is not None and abandon.is_set():
                self._stop_pool(kill=True)
                return

    def _ahead(self, job: Job, staging: Path, idle: int) -> Ahead | None:
        """Where `job` meets its helper, when a core is left idle for one (editions/ahead.py)."""
        return meeting_point(job, staging, self.ahead_after) if idle > 0 else None

    @property
    def pids(self) -> frozenset[int]:
        """The process ids of the running workers (none before the pool starts)."""
        # The executor keeps its processes by pid; no public API lists them.
        return frozenset(self._pool._processes or ()) if self._pool is not None else frozenset()

    def close(self, now: bool = False) -> None:
        """Stop the worker processes (the next build starts new ones); `now`: without letting them finish."""
        self._stop_pool(kill=now)
        if self._events is not None:
            self._events.close()
            self._events = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _stop_pool(self, kill: bool) -> None:
        """Shut the pool down; with `kill`, at once, whatever its workers are doing."""
        if self._pool is None:
            return
        if kill:  # no public API stops a running task: its process goes
            for process in list((self._pool._processes or {}).values()):
                process.kill()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None

    def _started(self) -> tuple[ProcessPoolExecutor, multiprocessing.Queue]:
        if self._pool is None or self._events is None:
            self._events = self._context.Queue()
            self._pool = ProcessPoolExecutor(
                max_workers=self.count,
                mp_context=self._context,
                initializer=_start_worker,
                initargs=(self._events, os.getpid()),
            )
        return self._pool, self._events

    def _result(self, future: Future, job: Job) -> EditionResult:
        """The worker's result; a worker that died (out of memory, killed) fails its edition only."""
        try:
            return future.result()
        except BrokenProcessPool:
            # The pool cannot run anything once one of its processes died: the next build starts anew.
            self._stop_pool(kill=True)
            return EditionResult(job, bug=traceback.format_exc())
        except Exception:
            return EditionResult(job, bug=traceback.format_exc())

    def _drain(self, events: multiprocessing.Queue, progress: Progress) -> None:
        while True:
            try:
                progress.stage(*events.get_nowait())
            except queue.Empty:
                return


@dataclass(frozen=True)
class _Worker:
    """What a worker process keeps between editions: its way back to the console, and what it loaded."""

    events: multiprocessing.Queue
    resources: Resources


# Set once by the initializer, in a worker process only. A multiprocessing queue cannot travel with each
# task, and the resources are the point of keeping the process: the initializer leaves both here.
_worker: _Worker | None = None


def _start_worker(events: multiprocessing.Queue, parent: int) -> None:
    """Set up a worker: its way back to the console, its resources, and death with the build's process.

    Without PR_SET_PDEATHSIG a worker whose build was killed (kill -9, a closed terminal) would go on
    rendering and writing into the staging folder of a build that no longer exists.
    """
    global _worker
    _worker = _Worker(events, Resources())
    with contextlib.suppress(OSError, AttributeError):  # not Linux: only the pool's own shutdown is left
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)


def _build(job: Job, staging: Path, ahead: Ahead | None = None, cores: int = 1) -> EditionResult:
    """Build one edition in a worker, with the resources this worker already loaded; `ahead` and `cores`
    as `build_edition` takes them."""
    assert _worker is not None, "called outside a worker process"
    # Imported when an edition is built, not with this module: a build with nothing to build (every
    # edition current) never loads the writers and WeasyPrint, more than half of its time.
    from editions.edition import build_edition

    return build_edition(job, staging, _report, _worker.resources, ahead, cores)


def _report(name: str, stage: str) -> None:
    """Send a stage event from a worker back to the console."""
    if _worker is not None:
        _worker.events.put((name, stage))
