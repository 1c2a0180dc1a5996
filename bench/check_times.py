"""Time each validator of `editions check` alone, then all of them together, on a built output folder.

    .venv/bin/python bench/check_times.py output/

Timings belong here, not in the tests: they depend on the machine (and on what else runs on it).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from editions.check import check_site
from editions.check.accessibility import check_accessibility
from editions.check.epub import epubcheck_books
from editions.check.html import nu_pages
from editions.check.outputs import site_files
from editions.check.pdf import check_pdfs


def main() -> None:
    """Print wall and CPU time per validator, per file, and for the whole folder."""
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "output").resolve()
    files = site_files(folder)
    books, pages, pdfs = files.books, files.pages, files.pdfs
    _time(f"EPUBCheck, {len(books)} EPUBs, one JVM", len(books), lambda: epubcheck_books(books, folder))
    _time(f"Ace, {len(books)} EPUBs", len(books), lambda: check_accessibility(books, [], folder))
    _time(f"Nu Html Checker, {len(pages)} pages, one JVM", len(pages), lambda: nu_pages(pages, folder))
    _time(f"axe, {len(pages)} pages", len(pages), lambda: check_accessibility([], pages, folder))
    _time(f"PDF checks, {len(pdfs)} PDFs", len(pdfs), lambda: check_pdfs(pdfs, folder))
    everything = f"check_site, {len(files)} files, all side by side"
    _time(everything, len(files), lambda: check_site(folder).findings)


def _time(label: str, count: int, work: Callable[[], list]) -> None:
    wall, cpu = time.perf_counter(), _children_cpu()
    found = work()
    wall, cpu = time.perf_counter() - wall, _children_cpu() - cpu
    each = f"{wall / count:.2f} s per file" if count else "no files"
    print(f"{label}: {wall:.1f} s wall ({each}), {cpu:.1f} s CPU, {len(found)} findings", flush=True)


def _children_cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


if __name__ == "__main__":
    main()
