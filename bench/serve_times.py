"""The preview's loop: from saving a chapter to the reloaded web page, against the edition's HTML build.

    python3 bench/serve_times.py [--quick] [--repeat N]      (or the S1 row of bench/run.py)

Starts `editions serve` on one edition of the synthetic corpus, as an author would, and waits for its
first build (every format). Then, `--repeat` times: inserts a paragraph into a chapter and times how long
until the preview's version probe changes and the page it serves holds the paragraph: what a browser
on the page sees, less the probe's own interval. Between two saves, once the preview has built the other
formats too, it times `editions build --edition E --format html --force` on the same saved chapter, with
a copy of the cache as it was before the save: the time the author would wait for that page without the
preview, making what the preview had to make (pandoc's HTML of the chapter, the subsets of letters the
paragraph brings). With the cache the preview has just filled, the command would find its work done.
The ratio of the two is the row's.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
EDITION = "synthetic-1/en"
CHAPTER = Path("reports/synthetic-1/en/02-chapter.md")  # in the quick corpus too
VERSION = "/__editions/version"


@dataclass(frozen=True)
class Save:
    """One save: seconds to the reloaded page, and the HTML build command's seconds next to it."""

    reload_seconds: float
    html_build_seconds: float


class _Preview:
    """`editions serve` in a subprocess, with its console read as it comes."""

    def __init__(self, corpus: Path, output: Path, cache: Path, jobs: int) -> None:
        self.port = _free_port()
        command = [str(PYTHON), "-m", "editions", "-C", str(corpus), "serve", "--edition", EDITION]
        command += ["--jobs", str(jobs), "--output", str(output), "--cache-dir", str(cache)]
        command += ["--port", str(self.port)]
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.decode("utf-8", "replace").rstrip())

    def builds(self) -> int:
        """How many builds the preview has finished (each prints "N of M editions built")."""
        return sum(" editions built in " in line for line in list(self.lines))

    def wait_for_builds(self, count: int, timeout: float = 1800) -> None:
        deadline = time.monotonic() + timeout
        while self.builds() < count:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("editions serve stopped or hung:\n" + "\n".join(self.lines[-40:]))
            time.sleep(0.1)
        if any(line.startswith("FAILED") for line in self.lines):
            raise SystemExit("a preview build failed:\n" + "\n".join(self.lines[-40:]))

    def get(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as response:
            return response.read().decode("utf-8")

    def stop(self) -> None:
        self.process.send_signal(2)  # Ctrl+C, as an author stops it
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def time_saves(corpus: Path, scratch: Path, repeat: int, jobs: int = 2) -> list[Save]:
    """Save a chapter `repeat` times in a running preview; see the module's docstring."""
    chapter = corpus / CHAPTER
    original = chapter.read_text(encoding="utf-8")
    output, cache = scratch / "serve-output", scratch / "serve-cache"
    preview = _Preview(corpus, output, cache, jobs)
    saves = []
    try:
        preview.wait_for_builds(2)  # the web edition, then the PDF and the EPUB
        for number in range(1, repeat + 1):
            marker = f"Paragraph {number} saved for the benchmark of the preview."
            before = preview.get(VERSION)
            finished = preview.builds()
            as_before = shutil.copytree(cache, scratch / f"cache-before-{number}")
            chapter.write_text(_with_paragraph(original, marker), encoding="utf-8")
            started = time.perf_counter()
            while preview.get(VERSION) == before or marker not in preview.get(f"/{EDITION}/"):
                if time.perf_counter() - started > 900:
                    raise SystemExit("the preview did not show the saved chapter within 15 minutes")
                time.sleep(0.02)
            reloaded = time.perf_counter() - started
            preview.wait_for_builds(finished + 2)  # quiet again: the other formats are built too
            saves.append(Save(reloaded, _html_build(corpus, scratch / f"html-{number}", as_before)))
            shutil.rmtree(as_before)
    finally:
        preview.stop()
        chapter.write_text(original, encoding="utf-8")
    return saves


def _with_paragraph(text: str, paragraph: str) -> str:
    """The chapter with `paragraph` after its first heading."""
    lines = text.split("\n")
    heading = next(index for index, line in enumerate(lines) if line.startswith("# "))
    return "\n".join([*lines[: heading + 1], "", paragraph, *lines[heading + 1 :]])


def _html_build(corpus: Path, output: Path, cache: Path) -> float:
    command = [str(PYTHON), "-m", "editions", "-C", str(corpus), "build", "--edition", EDITION]
    command += ["--format", "html", "--force", "--jobs", "1", "--output", str(output)]
    command += ["--cache-dir", str(cache)]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    """Print each save's seconds and their ratio to the HTML build."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the quarter-size corpus")
    parser.add_argument("--repeat", type=int, default=3, help="saves (default: 3)")
    options = parser.parse_args()
    folder = corpus.DEFAULT_OUT.with_name("corpus-quick") if options.quick else corpus.DEFAULT_OUT
    corpus.generate(folder, options.quick)
    with tempfile.TemporaryDirectory(prefix="editions-serve-bench-") as scratch:
        for save in time_saves(folder, Path(scratch), options.repeat):
            ratio = save.reload_seconds / save.html_build_seconds
            print(
                f"save → reloaded page {save.reload_seconds:.2f} s; "
                f"`build --format html` {save.html_build_seconds:.2f} s; ratio {ratio:.3f}"
            )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import synthetic as corpus

    main()
