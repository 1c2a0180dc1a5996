"""Accessibility: DAISY Ace on EPUBs and axe-core on HTML pages, in one Node.js process and one Chromium."""

from __future__ import annotations

import json
import os
import posixpath
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from editions.check.findings import Finding, common_folder, one_line, shown_path
from editions.check.tools import ToolFailed, chromium, node, node_modules, run_tool

SCRIPT = Path(__file__).with_name("accessibility.cjs")
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"


def check_accessibility(
    books: Sequence[Path], pages: Sequence[Path], root: Path | None = None
) -> list[Finding]:
    """Ace's violations in every book and axe's WCAG 2.1 AA violations in every page; paths from `root`."""
    if not books and not pages:
        return []
    root = root or common_folder([*books, *pages])
    results = _run(books, pages)
    found = []
    for book in books:
        found += _book_findings(book, results["books"][str(book.resolve())], root)
    for page in pages:
        found += _page_findings(page, results["pages"][str(page.resolve())], root)
    return found


def ace_file(book: Path) -> list[Finding]:
    """DAISY Ace's violations in one EPUB."""
    return check_accessibility([book], [], book.parent)


def axe_pages(pages: Sequence[Path]) -> dict[Path, list[Finding]]:
    """axe-core's WCAG 2.1 AA violations, page by page, in one Chromium."""
    root = common_folder(pages)
    found = check_accessibility([], pages, root)
    return {page: [f for f in found if f.path == shown_path(page, root)] for page in pages}


def _run(books: Sequence[Path], pages: Sequence[Path]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="editions-accessibility-") as folder:
        jobs, results = Path(folder) / "jobs.json", Path(folder) / "results.json"
        jobs.write_text(
            json.dumps(
                {"books": [str(b.resolve()) for b in books], "pages": [str(p.resolve()) for p in pages]}
            ),
            encoding="utf-8",
        )
        # Ace unpacks each book into the temporary folder and keeps its settings in HOME: both stay in ours.
        env = {**os.environ, "HOME": folder, "TMPDIR": folder}
        done = run_tool(
            [node(), str(SCRIPT), str(node_modules()), str(chromium()), str(jobs), str(results)],
            "the accessibility checks (Ace and axe in Chromium)",
            timeout=120 + 60 * len(books) + 10 * len(pages),
            env=env,
        )
        if done.returncode != 0 or not results.exists():
            raise ToolFailed(
                f"the accessibility checks failed (exit {done.returncode}): {one_line(done.stderr)}"
            )
        return json.loads(results.read_text(encoding="utf-8"))


def _book_findings(book: Path, result: Mapping[str, Any], root: Path) -> list[Finding]:
    name = shown_path(book, root)
    if "error" in result:
        return [Finding(name, None, "ace", f"could not check the book: {one_line(result['error'])}")]
    members = _book_members(book)
    return [
        Finding(_member_path(name, violation["subject"], members), None, "ace", _describe(violation))
        for violation in result["violations"]
    ]


def _page_findings(page: Path, result: Mapping[str, Any], root: Path) -> list[Finding]:
    name = shown_path(page, root)
    if "error" in result:
        return [Finding(name, None, "axe", f"could not check the page: {one_line(result['error'])}")]
    return [Finding(name, None, "axe", _describe(violation)) for violation in result["violations"]]


def _describe(violation: Mapping[str, Any]) -> str:
    # Ace lists every way the rule could have been met, one per line: the first says what is wrong.
    description = (violation["description"].splitlines() or [""])[0]
    impact = f" ({violation['impact']})" if violation["impact"] else ""
    targets = ", ".join(violation["targets"])
    return one_line(f"{violation['rule']}{impact}: {description}" + (f" at {targets}" if targets else ""))


def _book_members(book: Path) -> tuple[str, set[str]]:
    """The folder of a book's package document, and the names of the files in it."""
    try:
        with zipfile.ZipFile(book) as archive:
            names = set(archive.namelist())
            container = etree.fromstring(archive.read("META-INF/container.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return "", set()  # EPUBCheck reports what is wrong with the book; the finding stays on the book
    rootfile = container.find(f"{_CONTAINER}rootfiles/{_CONTAINER}rootfile")
    package = rootfile.get("full-path", "") if rootfile is not None else ""
    return posixpath.dirname(package), names


def _member_path(book_name: str, subject: str, members: tuple[str, set[str]]) -> str:
    """Where a file Ace names lies in the book: Ace names content documents from the package document's
    folder, the package document from the book's root, and the navigation document with a leading `/`."""
    folder, names = members
    for candidate in (posixpath.normpath(posixpath.join(folder, subject)), subject.lstrip("/")):
        if candidate in names:
            return f"{book_name}/{candidate}"
    return f"{book_name}/{subject}" if subject else book_name
