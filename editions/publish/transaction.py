"""Publishing into output/ as one transaction: after any interruption, every file is old or new as a whole.

A build stages everything beside output/ (same file system, so renames are atomic), then:

1. writes a journal naming every file it will put or delete, and where each old file is kept;
2. moves each old file aside into a backup folder and moves its new file in;
3. marks the journal committed, then drops the backups, the staging and the journal.

If the process dies (kill -9, power cut) before step 3, the next build rolls every file back from the
backups; after it, the next build only tidies up. A lock beside output/ keeps two builds from publishing
into the same folder at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from editions.errors import EditionsError
from editions.storage import write_atomic


class PublishError(EditionsError):
    """output/ could not be written (full disk, read-only, locked); nothing was changed."""


@dataclass(frozen=True)
class Change:
    """One file of output/ to replace (`source` is its staged new content) or to delete (`source` None)."""

    path: str  # relative to output/
    source: Path | None


def sidecar(output_dir: Path, role: str) -> Path:
    """A folder or file beside output/ that publishing uses: `.output.staging`, `.output.lock`, …"""
    return output_dir.parent / f".{output_dir.name}.{role}"


@contextlib.contextmanager
def publishing_lock(
    output_dir: Path, say: Callable[[str], None], wait_seconds: float = 600
) -> Iterator[None]:
    """Hold the lock of `output_dir` for a whole build; wait for another build to finish, up to a limit.

    The lock is on the output folder itself (flock on its descriptor): no lock file is left behind, and
    the kernel releases it when a build dies, however it dies.
    """
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(output_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise PublishError(f"cannot use {output_dir}: {error.strerror}") from None
    try:
        _acquire(descriptor, output_dir, say, wait_seconds)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _acquire(descriptor: int, output_dir: Path, say: Callable[[str], None], wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    told = False
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if not told:
                say(f"waiting for another build that is publishing into {output_dir} …")
                told = True
            if time.monotonic() > deadline:
                raise PublishError(
                    f"another build has been publishing into {output_dir} for over {wait_seconds:.0f} s: "
                    "wait for it to finish, or build elsewhere with --output DIR"
                ) from None
            time.sleep(0.2)


def commit(
    output_dir: Path, changes: list[Change], staging: Path, after_step: Callable[[int], None] = lambda n: None
) -> None:
    """Apply `changes` to output/ all or nothing; the caller holds the lock and recovered first.

    `after_step(n)` is called after the n-th file moved: tests stop the commit there, as a kill would.
    """
    journal, backup = sidecar(output_dir, "journal"), sidecar(output_dir, "backup")
    shutil.rmtree(backup, ignore_errors=True)
    entries = [[change.path, None if change.source is None else str(change.source)] for change in changes]
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        _write_journal(journal, {"state": "applying", "staging": str(staging), "changes": entries})
        for number, change in enumerate(changes, start=1):
            _apply(output_dir, backup, change)
            after_step(number)
        _write_journal(journal, {"state": "committed", "staging": str(staging), "changes": entries})
    except OSError as error:
        try:
            recover(output_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        raise PublishError(
            f"could not publish into {output_dir}: {error.strerror or error}; nothing was changed"
        ) from None
    _finish(output_dir, journal, backup, staging)


def recover(output_dir: Path) -> str:
    """Finish or roll back a publication that was interrupted; return what was done ("" if nothing)."""
    journal, backup = sidecar(output_dir, "journal"), sidecar(output_dir, "backup")
    try:
        state = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:  # a build died before it began to publish: output/ is as it was
        shutil.rmtree(backup, ignore_errors=True)
        shutil.rmtree(sidecar(output_dir, "staging"), ignore_errors=True)
        return ""
    except (OSError, ValueError):
        state = {"state": "unreadable", "changes": [], "staging": ""}
    staging = Path(state["staging"]) if state.get("staging") else sidecar(output_dir, "staging")
    if state["state"] == "applying":
        for path, source in reversed(state["changes"]):
            _undo(output_dir, backup, path, None if source is None else Path(source))
        done = "rolled back an interrupted publication"
    else:
        done = "finished an interrupted publication"
    _finish(output_dir, journal, backup, staging)
    return done


def _apply(output_dir: Path, backup: Path, change: Change) -> None:
    target, kept = output_dir / change.path, backup / change.path
    if target.exists():
        kept.parent.mkdir(parents=True, exist_ok=True)
        os.replace(target, kept)
    if change.source is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(change.source, target)
    else:
        _prune(target.parent, output_dir)


def _undo(output_dir: Path, backup: Path, path: str, source: Path | None) -> None:
    target, kept = output_dir / path, backup / path
    if kept.exists():  # the old file was moved aside: it goes back, over whatever came in
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(kept, target)
    elif source is not None and target.exists() and not source.exists():
        target.unlink()  # a file that did not exist before, already moved in
        _prune(target.parent, output_dir)


def _finish(output_dir: Path, journal: Path, backup: Path, staging: Path) -> None:
    shutil.rmtree(backup, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    with contextlib.suppress(FileNotFoundError):
        journal.unlink()
    _sync(output_dir.parent)


def _write_journal(journal: Path, state: dict) -> None:
    write_atomic(journal, json.dumps(state).encode("utf-8"))
    _sync(journal.parent)


def _sync(folder: Path) -> None:
    """Make renames in `folder` durable, so a power cut cannot reorder them around the journal."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _prune(folder: Path, output_dir: Path) -> None:
    """Remove folders left empty by a deletion, up to output/ itself."""
    while folder != output_dir and folder.is_relative_to(output_dir):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
