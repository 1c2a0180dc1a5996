"""Every validator on a folder of built editions: EPUBs, HTML pages (web editions and site pages), PDFs."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from editions.check.accessibility import check_accessibility
from editions.check.epub import epubcheck_books
from editions.check.findings import Finding
from editions.check.html import nu_pages
from editions.check.pdf import check_pdfs
from editions.check.tools import ensure_tools
from editions.errors import EditionsError, SourceLocation


@dataclass(frozen=True)
class SiteFiles:
    """The files of a folder that the validators check, each kind in path order."""

    books: tuple[Path, ...]
    pages: tuple[Path, ...]
    pdfs: tuple[Path, ...]

    def __len__(self) -> int:
        return len(self.books) + len(self.pages) + len(self.pdfs)


def site_files(output_dir: Path) -> SiteFiles:
    """The EPUBs, HTML pages and PDFs anywhere below `output_dir`."""
    if not output_dir.is_dir():
        raise EditionsError("there is no such folder to check", SourceLocation(output_dir))

    def found(suffix: str) -> tuple[Path, ...]:
        return tuple(sorted(path for path in output_dir.rglob(f"*{suffix}") if path.is_file()))

    return SiteFiles(found(".epub"), found(".html"), found(".pdf"))


def check_site(output_dir: Path) -> list[Finding]:
    """Every EPUB, HTML page and PDF below `output_dir` through every validator; findings by path and line.

    EPUBCheck, the Nu Html Checker, Ace with axe (one Chromium) and the PDF checks run side by side, each
    over all of its files at once. A missing validator fails before any runs; so does a folder with nothing
    to check, which is a wrong folder rather than a clean one.
    """
    root = output_dir.resolve()
    files = site_files(root)
    if not len(files):
        raise EditionsError(
            "nothing to check: no EPUB, HTML page or PDF in this folder", SourceLocation(root)
        )
    ensure_tools()
    with ThreadPoolExecutor(max_workers=4) as pool:
        running = [
            pool.submit(check_accessibility, files.books, files.pages, root),
            pool.submit(epubcheck_books, files.books, root),
            pool.submit(nu_pages, files.pages, root),
            pool.submit(check_pdfs, files.pdfs, root),
        ]
        found = [finding for job in running for finding in job.result()]
    return sorted(found, key=lambda finding: (finding.path, finding.line or 0, finding.tool))
