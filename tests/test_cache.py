"""The cache of font subsets, cleaned images and pandoc's output: it saves time and never changes a byte."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, run
from test_publish import _snapshot

from editions.cache import Cache, prune


def _entries(cache: Path) -> dict[str, list[Path]]:
    return {kind.name: sorted(kind.iterdir()) for kind in sorted(cache.iterdir())}


def _sound(entry: Path) -> bool:
    stored = entry.read_bytes()
    return hashlib.sha256(stored[32:]).digest() == stored[:32]


@pytest.mark.validators
def test_cache_warm_and_repaired_builds_are_byte_identical_to_a_cold_one(
    sample: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    edition = ("--edition", "sample/en", "--jobs", "1", "--cache-dir", str(cache))
    assert run(sample, *edition, "--output", str(tmp_path / "cold")).code == 0
    cold = _snapshot(tmp_path / "cold")
    entries = _entries(cache)
    # The sample's text, photo, fonts, cover and PDF layout: each kind of costly result was kept.
    assert set(entries) == {
        "cover",
        "cover-reads",
        "font-subset",
        "image",
        "pandoc",
        "pdf-layout",
        "pdf-layout-reads",
    }
    assert all(entries.values())

    assert run(sample, *edition, "--output", str(tmp_path / "warm")).code == 0
    assert _snapshot(tmp_path / "warm") == cold
    assert _entries(cache) == entries  # nothing made twice

    # Damage every entry as a crash or a disk error would: one byte changed, or the file cut short.
    for number, entry in enumerate(path for paths in entries.values() for path in paths):
        data = bytearray(entry.read_bytes())
        if number % 2:
            data[-1] ^= 0xFF
        else:
            data = data[: len(data) // 2]
        entry.write_bytes(bytes(data))
    # In a process of its own, as the next build would be: this one keeps what its fonts draw in memory.
    repaired = subprocess.run(
        [sys.executable, "-m", "editions", "build", "--root", str(sample), *edition],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
    )
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert _snapshot(sample / "output") == cold
    assert all(_sound(entry) for paths in _entries(cache).values() for entry in paths)


@pytest.mark.validators
def test_cache_no_cache_keeps_nothing(sample: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    options = ("--edition", "sample/en", "--format", "html", "--cache-dir", str(cache), "--no-cache")
    assert run(sample, *options).code == 0
    assert not cache.exists()


def test_cache_prune_removes_only_entries_no_build_used_lately(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    old, used, recent = (cache.fetch("kind", [name], lambda name=name: name.encode()) for name in "abc")
    entries = {path.read_bytes()[32:]: path for path in (tmp_path / "cache" / "kind").iterdir()}
    month_ago = time.time() - 40 * 86400
    for name in (b"a", b"b"):
        os.utime(entries[name], (month_ago, month_ago))
    assert cache.fetch("kind", ["b"], lambda: b"made again") == used  # a hit marks the entry as used
    assert prune(tmp_path / "cache", dt.timedelta(days=30)) == 1
    assert sorted(path.read_bytes()[32:] for path in entries.values() if path.exists()) == [b"b", b"c"]
    assert (old, recent) == (b"a", b"c")


@pytest.mark.validators
def test_cache_a_layout_is_made_again_when_a_file_it_read_changes(sample: Path, tmp_path: Path) -> None:
    """The PDF layout's key holds every file WeasyPrint read, found only while laying out: a stylesheet
    edited since must give a new layout, not the one kept for the same page."""
    cache = tmp_path / "cache"
    edition = ("--edition", "sample/en", "--format", "pdf", "--jobs", "1", "--cache-dir", str(cache))
    first = run(sample, *edition, "--output", str(tmp_path / "before"))
    assert first.code == 0 and "laid out before" not in first.output
    # The same page again: its layout comes from the cache, and the summary says so.
    again = run(sample, *edition, "--output", str(tmp_path / "again"))
    assert "✓ sample/en: built pdf in " in again.output
    assert "s (pdf laid out before: from the cache)" in again.output
    stylesheet = sample / "templates" / "print" / "book.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "\nh1 { color: #00ff00; }\n", "utf-8")
    after = run(sample, *edition, "--output", str(tmp_path / "after"))
    assert after.code == 0 and "laid out before" not in after.output
    assert len(_entries(cache)["pdf-layout"]) == 2
    pdf = Path("sample", "en", "sample-en.pdf")
    assert (tmp_path / "after" / pdf).read_bytes() != (tmp_path / "before" / pdf).read_bytes()
