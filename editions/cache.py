"""A content-addressed cache of costly results (font subsets, cleaned images, pandoc's HTML).

An entry is found by the hash of everything its result depends on: the input bytes, the options and
the versions of the tools that make it. So the cache can be shared by builds, CI shards and the
preview, and can never change an output byte: a warm build writes what a cold build writes. Each
entry carries the SHA-256 of its bytes; a damaged entry (a crash mid-copy, a disk error, an edit by
hand) is detected, made again and replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
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
        if self.root is None:
            return make()
        path = self.root / kind / _key(inputs)
        with contextlib.suppress(OSError):
            stored = path.read_bytes()
            digest, data = stored[:32], stored[32:]
            if hashlib.sha256(data).digest() == digest:
                return data
        data = make()
        # A cache that cannot be written (full disk, read-only home) costs time, never a build.
        with contextlib.suppress(OSError):
            write_atomic(path, hashlib.sha256(data).digest() + data)
        return data


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
