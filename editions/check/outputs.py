"""Every validator on a folder of built editions: EPUBs, HTML pages (web editions and site pages), PDFs."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from editions.cache import Cache
from editions.check.accessibility import check_accessibility
from editions.check.epub import epubcheck_books
from editions.check.findings import Finding
from editions.check.html import nu_pages
from editions.check.pdf import check_pdfs
from editions.check.tools import ensure_tools
from editions.check.verdicts import Verdicts
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


@dataclass(frozen=True)
class SiteCheck:
    """What the validators found, and which validators' verdicts were taken from the cache."""

    findings: tuple[Finding, ...]
    reused: tuple[str, ...]  # validators whose files were all checked before, byte for byte


# The validators, each with the files it reads: a verdict is kept and reused for exactly those bytes.
TOOLS = ("ace", "axe", "epubcheck", "nu", "pdf")


def check_site(output_dir: Path, cache: Cache | None = None) -> SiteCheck:
    """Every EPUB, HTML page and PDF below `output_dir` through every validator; findings by path and line.

    EPUBCheck, the Nu Html Checker, Ace with axe (one Chromium) and the PDF checks run side by side, each
    over all of its files at once. A missing validator fails before any runs; so does a folder with nothing
    to check, which is a wrong folder rather than a clean one. With a `cache`, a validator whose files
    are byte for byte those of an earlier check (same validator versions, same checking code) gives that
    check's verdict without running again (editions/check/verdicts.py).
    """
    root = output_dir.resolve()
    files = site_files(root)
    if not len(files):
        raise EditionsError(
            "nothing to check: no EPUB, HTML page or PDF in this folder", SourceLocation(root)
        )
    ensure_tools()
    verdicts = Verdicts(cache or Cache(), root)
    # The files each validator checks, and those it reads: axe draws each page as a reader sees it, with
    # its styles, fonts, images and scripts.
    checked = {"ace": files.books, "axe": files.pages, "epubcheck": files.books, "nu": files.pages}
    checked["pdf"] = files.pdfs
    read = checked | {"axe": _page_files(root)}
    known = {tool: verdicts.known(tool, read[tool]) for tool in TOOLS}
    to_run = {tool: checked[tool] for tool in TOOLS if known[tool] is None}
    with ThreadPoolExecutor(max_workers=4) as pool:
        running = {}
        books, pages = to_run.get("ace", ()), to_run.get("axe", ())
        if books or pages:  # Ace and axe share one Chromium
            running["accessibility"] = pool.submit(check_accessibility, books, pages, root)
        for tool, check in (("epubcheck", epubcheck_books), ("nu", nu_pages), ("pdf", check_pdfs)):
            if tool in to_run:
                running[tool] = pool.submit(check, to_run[tool], root)
        found = {name: job.result() for name, job in running.items()}
    accessibility = found.pop("accessibility", [])
    for tool in ("ace", "axe"):
        if tool in to_run:
            found[tool] = [finding for finding in accessibility if finding.tool == tool]
    for tool, findings in found.items():
        verdicts.keep(tool, read[tool], findings)
    results = {tool: findings for tool, findings in known.items() if findings is not None} | found
    everything = [finding for findings in results.values() for finding in findings]
    return SiteCheck(
        tuple(sorted(everything, key=lambda finding: (finding.path, finding.line or 0, finding.tool))),
        # Only validators that had files to check: one that had none reused nothing worth saying.
        tuple(tool for tool in TOOLS if known[tool] is not None and checked[tool]),
    )


def _page_files(root: Path) -> tuple[Path, ...]:
    """Every file below `root` but the downloads (EPUBs, PDFs): what a page may load."""
    return tuple(
        sorted(path for path in root.rglob("*") if path.is_file() and path.suffix not in (".epub", ".pdf"))
    )
