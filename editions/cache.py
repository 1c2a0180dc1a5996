"""A content-addressed cache of costly results (font subsets, cleaned images, pandoc's HTML).

An entry is found by the hash of everything its result depends on: the input bytes, the options and
the versions of the tools that make it. So the cache can be shared by builds, CI shards and the
preview, and can never change an output byte: a warm build writes what a cold build writes. Each
entry carries the SHA-256 of its bytes; a damaged entry (a crash mid-copy, a disk error, an edit by
hand) is detected, made again and replaced.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from editions.storage import write_atomic

# Part of every key: raise it when the layout of entries changes, and every old entry is ignored.
_LAYOUT = b"editions-cache-1"


@dataclass(frozen=True)
class Cache:
    """Where entries live; `root=None` keeps nothing and makes every result afresh."""

    root: Path | None = None

    def fetch(self, kind: str, inputs: Iterable[bytes | str], make: Callable[[], bytes]) -> bytes:
        """The result of `make()` for these `inputs`, from the cache when a sound entry exists.

        `inputs` must name everything the result depends on, tool versions and options included: two
        calls with the same inputs must be allowed to return each other's bytes.
        """
        stored = self.get(kind, inputs)
        if stored is not None:
            return stored
        data = make()
        self.put(kind, inputs, data)
        return data

    def get(self, kind: str, inputs: Iterable[bytes | str]) -> bytes | None:
        """The sound entry for these `inputs`, or None (no cache, no entry, or a damaged one)."""
        if self.root is None:
            return None
        path = self.root / kind / _key(inputs)
        with contextlib.suppress(OSError):
            stored = path.read_bytes()
            digest, data = stored[:32], stored[32:]
            if hashlib.sha256(data).digest() == digest:
                os.utime(path)  # marks the entry as used, for `prune`
                return data
        return None

    def put(self, kind: str, inputs: Iterable[bytes | str], data: bytes) -> None:
        """Keep `data` as the result for these `inputs` (nothing without a cache)."""
        if self.root is None:
            return
        # A cache that cannot be written (full disk, read-only home) costs time, never a build.
        with contextlib.suppress(OSError):
            write_atomic(self.root / kind / _key(inputs), hashlib.sha256(data).digest() + data)


def prune(root: Path, max_age: dt.timedelta) -> int:
    """Remove the entries below `root` that no build has used for `max_age`; returns how many.

    Safe while builds run: an entry removed under a reader is a miss, and is made again."""
    limit = time.time() - max_age.total_seconds()
    removed = 0
    for path in root.glob("*/*"):
        with contextlib.suppress(OSError):
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
    return removed


def _key(inputs: Iterable[bytes | str]) -> str:
    """The hash of the inputs, each one length-prefixed so that ("ab", "c") and ("a", "bc") differ."""
    digest = hashlib.sha256(_LAYOUT)
    for part in inputs:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes: how an input file takes part in a key."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def default_cache_dir(environment: dict[str, str] | os._Environ) -> Path:
    """The user's cache folder: $EDITIONS_CACHE_DIR, else $XDG_CACHE_HOME/editions, else ~/.cache/editions."""
    if environment.get("EDITIONS_CACHE_DIR"):
        return Path(environment["EDITIONS_CACHE_DIR"])
    base = environment.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "editions"
