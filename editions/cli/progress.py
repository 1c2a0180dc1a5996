"""Console reporting: live per-edition lines on a terminal, plain lines elsewhere (CI logs)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from editions.model import EditionResult, Job


class Progress:
    """Plain progress: one line when an edition starts a stage is too chatty for CI; print results only."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def start(self, jobs: list[Job]) -> None:
        """The build is about to run `jobs`."""
        if jobs:
            self.stream.write(f"building {len(jobs)} edition{'s' if len(jobs) != 1 else ''}\n")
        self.stream.flush()

    def stage(self, name: str, stage: str) -> None:
        """Edition `name` entered `stage` (pandoc, pdf, epub, html)."""

    def finish(self, result: EditionResult) -> None:
        """An edition is done, built or failed."""
        self.stream.write(_line(result) + "\n")
        self.stream.flush()


class LiveProgress(Progress):
    """On a terminal: one line per edition, redrawn in place as it moves through its stages."""

    def start(self, jobs: list[Job]) -> None:
        """Draw a waiting line per edition."""
        self.names = [job.name for job in jobs]
        self.lines = {name: f"  {name}: waiting" for name in self.names}
        self.since = {name: time.perf_counter() for name in self.names}
        self.drawn = 0
        self._draw()

    def stage(self, name: str, stage: str) -> None:
        """Show the stage an edition is in."""
        if name in self.lines and not self.lines[name].startswith(("✓", "✗")):
            if stage == "pandoc":
                self.since[name] = time.perf_counter()
            elapsed = time.perf_counter() - self.since[name]
            self.lines[name] = f"… {name}: {stage} ({elapsed:.0f} s)"
            self._draw()

    def finish(self, result: EditionResult) -> None:
        """Mark an edition built or failed."""
        self.lines[result.job.name] = _line(result)
        self._draw()

    def _draw(self) -> None:
        if self.drawn:
            self.stream.write(f"\x1b[{self.drawn}F")
        for name in self.names:
            self.stream.write("\x1b[2K" + self.lines[name] + "\n")
        self.drawn = len(self.names)
        self.stream.flush()


def make_progress(stream: TextIO = sys.stderr) -> Progress:
    """Live lines on a terminal, plain lines otherwise."""
    return LiveProgress(stream) if stream.isatty() else Progress(stream)


def _line(result: EditionResult) -> str:
    if result.ok:
        formats = ", ".join(fmt.value for fmt in result.job.formats)
        line = f"✓ {result.job.name}: built {formats} in {result.seconds:.1f} s"
        # A page laid out before (by this build's copy or another) is written from the cache's layout.
        reused = ", ".join(fmt.value for fmt in result.reused)
        return line + (f" ({reused} laid out before: from the cache)" if reused else "")
    return f"✗ {result.job.name}: failed after {result.seconds:.1f} s"
