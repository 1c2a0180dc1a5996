"""`editions check [DIR]`: every validator on built outputs, one located line per problem."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sized
from pathlib import Path

from editions.cache import Cache, default_cache_dir
from editions.model import Confidential
from editions.sources.config import load_site
from editions.sources.discover import discover_reports


def add_command(
    commands: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Add `check [DIR]`; it exits 0 when every file passes, 1 when one does not, 2 when a tool fails."""
    check = commands.add_parser(
        "check",
        help="check built editions: EPUBCheck, Ace, Nu Html Checker, axe, PDF structure",
        description="Run every validator on the EPUBs, HTML pages and PDFs below DIR and print one "
        "located line per problem.",
    )
    common(check)
    check.add_argument(
        "folder", nargs="?", type=Path, metavar="DIR", help="the folder to check (default: the site's output)"
    )
    check.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="where verdicts are kept: files checked before, unchanged byte for byte, by the same "
        "validators, are not checked again (default: $EDITIONS_CACHE_DIR, else ~/.cache/editions)",
    )
    check.add_argument("--no-cache", action="store_true", help="run every validator on every file")
    check.set_defaults(run=_check)


def _check(options: argparse.Namespace) -> int:
    # Imported here: the validators' harness is loaded by `check` only, not by every build's start.
    from editions.check import check_site, site_files
    from editions.publish.audit import audit_outputs

    folder = options.folder or load_site(options.root).output_dir
    started = time.perf_counter()
    cache = Cache(None if options.no_cache else options.cache_dir or default_cache_dir(os.environ))
    checked = check_site(folder, cache)  # a missing or failing validator is an EditionsError: exit 2
    findings = list(checked.findings)
    leaks = audit_outputs([folder], _confidential(options.root))
    for finding in findings:
        print(finding)
    for leak in leaks:
        print(leak)
    findings = [*findings, *leaks]
    files = site_files(folder)
    counts = (
        f"{_count(files.books, 'EPUB')}, {_count(files.pages, 'HTML page')} and {_count(files.pdfs, 'PDF')}"
    )
    verdict = f"{_count(findings, 'problem')} found" if findings else "no problems found"
    print(
        f"checked {counts} in {folder} in {time.perf_counter() - started:.1f} s: {verdict}", file=sys.stderr
    )
    if checked.reused:
        print(
            f"({', '.join(_NAMES[tool] for tool in checked.reused)}: the same verdict as the last check of "
            "these very files; --no-cache runs them again)",
            file=sys.stderr,
        )
    return 1 if findings else 0


# The validators by the names their users know.
_NAMES = {
    "ace": "Ace",
    "axe": "axe",
    "epubcheck": "EPUBCheck",
    "nu": "the Nu Html Checker",
    "pdf": "the PDF checks",
}


def _count(items: Sized, noun: str) -> str:
    return f"{len(items)} {noun}" + ("" if len(items) == 1 else "s")


def _confidential(root: Path) -> tuple[Confidential, ...]:
    """Every passage marked confidential in the project's sources, in any language."""
    reports, _ = discover_reports(load_site(root).reports_dir)
    return tuple(passage for report in reports for passage in report.confidential)
