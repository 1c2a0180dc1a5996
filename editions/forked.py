"""A child process forked for one piece of an edition's work, on a core the build leaves idle.

A fork, not a spawned process: the child starts with what its parent has in memory (a prepared
edition, a generated PDF), where a new process would spend longer loading them than the work takes. It
dies with its parent however the parent dies, never returns into the caller's stack, and leaves with
os._exit, so nothing of the parent's (locks, open files, atexit handlers) runs twice.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def fork(work: Callable[[], None]) -> int | None:
    """Run `work` in a forked child; its pid, or None where no process can be forked (too many
    processes, too little memory, a system without fork): the caller then does the work itself. The
    child's exit status is 0 when `work` returned, 1 when it raised."""
    if not hasattr(os, "fork"):
        return None
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid:
        return pid
    status = 1
    try:
        # Dies with the parent, however it dies (kill -9, a closed terminal, a build given up).
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == parent:  # else the parent died before the line above took effect
            work()
            status = 0
    finally:
        os._exit(status)


def succeeded(pid: int) -> bool:
    """Wait for the child `pid` to end; whether `work` returned in it."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return False
    return os.waitstatus_to_exitcode(status) == 0


def stop(pid: int) -> None:
    """Kill the child `pid` if it still runs, and reap it: its work is of no use any more."""
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
