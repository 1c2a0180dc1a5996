"""A child forked for a piece of an edition's work: it reports how its work ended, never comes back into
the caller, and is killed and reaped when its work is of no use any more."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from editions import forked


def test_forked_child_says_whether_its_work_returned(tmp_path: Path) -> None:
    parent = os.getpid()
    done = forked.fork(lambda: (tmp_path / "done").write_text(str(os.getpid())))
    assert done is not None and done != parent
    assert forked.succeeded(done)
    assert (tmp_path / "done").read_text() == str(done)  # the work ran in the child, not here
    assert os.getpid() == parent

    def fails() -> None:
        raise ValueError("broken")

    failed = forked.fork(fails)
    assert failed is not None and not forked.succeeded(failed)  # the error stays in the child


def test_forked_child_that_is_stopped_is_killed_and_reaped(tmp_path: Path) -> None:
    started = time.monotonic()
    child = forked.fork(lambda: time.sleep(30))
    assert child is not None
    forked.stop(child)
    with pytest.raises(ChildProcessError):  # reaped: no zombie is left
        os.waitpid(child, os.WNOHANG)
    assert time.monotonic() - started < 10
    forked.stop(child)  # stopping a child already gone is harmless
    assert not forked.succeeded(child)
