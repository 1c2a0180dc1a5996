"""EPUBCheck 5.3 (EPUB 3.3 rules) on many books in one JVM."""

from __future__ import annotations

import json
import posixpath
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from editions.check.findings import Finding, common_folder, one_line, shown_path
from editions.check.tools import ToolFailed, epubcheck_jar, java, run_tool

# EPUBCheck's command-line tool checks one book per JVM; this driver calls it once per book in one JVM.
BATCH = Path(__file__).with_name("EpubCheckBatch.java")
TOOL = "epubcheck"
_REPORTED = ("FATAL", "ERROR", "WARNING")  # not USAGE or INFO: they describe, they do not fault


@dataclass(frozen=True)
class EpubCheckReport:
    """EPUBCheck's findings on one book: errors (fatal ones included) and warnings."""

    errors: list[Finding]
    warnings: list[Finding]


def epubcheck_books(books: Sequence[Path], root: Path | None = None) -> list[Finding]:
    """EPUBCheck's errors and warnings on every book, from one JVM; paths are named from `root`."""
    return [finding for _, finding in _check(books, root or common_folder(books))]


def epubcheck_file(book: Path) -> EpubCheckReport:
    """EPUBCheck on one book, its errors apart from its warnings."""
    found = _check([book], book.parent)
    return EpubCheckReport(
        errors=[finding for severity, finding in found if severity != "WARNING"],
        warnings=[finding for severity, finding in found if severity == "WARNING"],
    )


def _check(books: Sequence[Path], root: Path) -> list[tuple[str, Finding]]:
    if not books:
        return []
    with tempfile.TemporaryDirectory(prefix="editions-epubcheck-") as folder:
        reports = [Path(folder) / f"{number}.json" for number in range(len(books))]
        pairs = [str(item) for book, report in zip(books, reports, strict=True) for item in (book, report)]
        done = run_tool(
            [*java(), "-cp", str(epubcheck_jar()), str(BATCH), *pairs],
            "EPUBCheck",
            timeout=120 + 60 * len(books),
        )
        if done.returncode != 0:
            raise ToolFailed(f"EPUBCheck failed (exit {done.returncode}): {one_line(done.stderr)}")
        found = []
        for book, report in zip(books, reports, strict=True):
            found += _read_report(report, book, root)
    return found


def _read_report(report: Path, book: Path, root: Path) -> list[tuple[str, Finding]]:
    name = shown_path(book, root)
    failed = report.with_name(report.name + ".failed")
    if failed.exists() or not report.exists():
        why = failed.read_text(encoding="utf-8") if failed.exists() else "it wrote no report"
        return [("FATAL", Finding(name, None, TOOL, f"FATAL: EPUBCheck could not check the book: {why}"))]
    found = []
    for message in json.loads(report.read_text(encoding="utf-8"))["messages"]:
        severity = message["severity"]
        if severity not in _REPORTED:
            continue
        text = one_line(f"{severity} {message['ID']}: {message['message']}")
        for path, line in _locations(message, book.name) or [("", None)]:
            where = posixpath.join(name, path) if path else name
            found.append((severity, Finding(where, line, TOOL, text)))
    return found


def _locations(message: Mapping[str, Any], book_name: str) -> list[tuple[str, int | None]]:
    """Where in the book a message points: a file inside it ("" for the book itself) and a line."""
    places = []
    for location in message.get("locations", []):
        path = location.get("path") or ""
        line = location.get("line")
        places.append(
            ("" if path == book_name else path, line if isinstance(line, int) and line > 0 else None)
        )
    return places
