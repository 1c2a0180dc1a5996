"""`editions check`: the validators our outputs must pass, as a library and as a command.

EPUBCheck and DAISY Ace on EPUBs, the Nu Html Checker and axe-core on HTML pages, qpdf, poppler and pikepdf
on PDFs. Each runs once over all of its files; every problem is a `Finding`, printed as one located line.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence, Sized
from pathlib import Path

from editions.check.findings import Finding
from editions.check.outputs import check_site, site_files
from editions.check.tools import MissingTool, ToolFailed
from editions.config import load_site
from editions.errors import EditionsError

__all__ = ["Finding", "MissingTool", "ToolFailed", "add_command", "check_site", "run_check"]


def add_command(commands: argparse._SubParsersAction, root: Path) -> None:
    """Add `check [DIR]` to the command line; it returns 0 when every file passes, 1 when one does not."""
    check = commands.add_parser(
        "check",
        help="check built editions: EPUBCheck, Ace, Nu Html Checker, axe, PDF structure",
        description="Run every validator on the EPUBs, HTML pages and PDFs below DIR and print one "
        "located line per problem.",
    )
    check.add_argument(
        "folder", nargs="?", type=Path, metavar="DIR", help="the folder to check (default: the site's output)"
    )
    check.add_argument("--root", type=Path, default=root, help=argparse.SUPPRESS)
    check.set_defaults(run=_check)


def run_check(argv: Sequence[str], root: Path | None = None) -> int:
    """Run `editions check [DIR]`: findings on stdout, a summary on stderr; 0 when clean, 1 on findings,
    2 when a validator is missing or failed. `root` holds pyproject.toml, for the default DIR."""
    parser = argparse.ArgumentParser(prog="editions")
    add_command(parser.add_subparsers(), root or Path.cwd())
    options = parser.parse_args(["check", *argv])
    try:
        return options.run(options)
    except EditionsError as error:
        print(error.render(Path.cwd()), file=sys.stderr)
        return 2


def _check(options: argparse.Namespace) -> int:
    folder = options.folder or load_site(options.root.resolve()).output_dir
    started = time.perf_counter()
    findings = check_site(folder)
    for finding in findings:
        print(finding)
    files = site_files(folder)
    counts = (
        f"{_count(files.books, 'EPUB')}, {_count(files.pages, 'HTML page')} and {_count(files.pdfs, 'PDF')}"
    )
    verdict = f"{_count(findings, 'problem')} found" if findings else "no problems found"
    print(
        f"checked {counts} in {folder} in {time.perf_counter() - started:.1f} s: {verdict}",
        file=sys.stderr,
    )
    return 1 if findings else 0


def _count(items: Sized, noun: str) -> str:
    return f"{len(items)} {noun}" + ("" if len(items) == 1 else "s")
