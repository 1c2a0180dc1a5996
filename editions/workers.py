"""Worker processes: each edition builds in its own process, and every worker dies with the build."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import queue
import signal
import traceback
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import TYPE_CHECKING

from editions.edition import build_edition
from editions.model import EditionResult, Job

if TYPE_CHECKING:
    from editions.cli.progress import Progress

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def run_jobs(jobs: list[Job], workers: int, staging: Path, progress: Progress) -> Iterator[EditionResult]:
    """Results as editions finish; with several workers, each edition builds in its own process."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield build_edition(job, staging, progress.stage)
        return
    context = multiprocessing.get_context("spawn")  # no forked copies of the parent's state
    events = context.Queue()
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(events, os.getpid())
    ) as pool:
        submitted = {pool.submit(build_edition, job, staging, _report): job for job in jobs}
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


# The queue to the console, in a worker process. It can only reach a worker when the process starts
# (a multiprocessing queue cannot travel with each task), so the initializer leaves it here.
_events: multiprocessing.Queue | None = None


def _start_worker(events: multiprocessing.Queue, parent: int) -> None:
    """Set up a worker: its way back to the console, and death with the build that started it.

    Without PR_SET_PDEATHSIG a worker whose build was killed (kill -9, a closed terminal) would go on
    rendering and writing into the staging folder of a build that no longer exists.
    """
    global _events
    _events = events
    with contextlib.suppress(OSError, AttributeError):  # not Linux: only the pool's own shutdown is left
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)


def _report(name: str, stage: str) -> None:
    """Send a stage event from a worker back to the console."""
    if _events is not None:
        _events.put((name, stage))


def _drain(events: multiprocessing.Queue, progress: Progress) -> None:
    while True:
        try:
            progress.stage(*events.get_nowait())
        except queue.Empty:
            return
