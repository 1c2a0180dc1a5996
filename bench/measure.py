"""Running a command and measuring it: wall time, and the peak memory of its biggest process."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    """One finished command: how long it took, its peak memory, and what it printed."""

    command: tuple[str, ...]
    seconds: float
    peak_mib: float  # the largest resident set of the process or of any of its descendants
    returncode: int
    output: str

    def check(self) -> Run:
        """This run, or SystemExit with its output when it failed: a failed build has no timing."""
        if self.returncode != 0:
            shown = " ".join(self.command)
            raise SystemExit(f"failed ({self.returncode}): {shown}\n{self.output[-4000:]}")
        return self


def run(command: Sequence[str | Path], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run `command` to its end; stdout and stderr together in `output`.

    The peak memory comes from wait4(): on Linux its ru_maxrss is the maximum over the child and every
    descendant it waited for, so for a build with worker processes it is the biggest worker's (or the
    parent's) peak, which is what "peak memory per worker" means.
    """
    words = tuple(str(part) for part in command)
    started = time.perf_counter()
    with subprocess.Popen(
        words, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    ) as process:
        # Read before waiting, or a chatty command fills the pipe and never ends.
        output = process.stdout.read() if process.stdout else b""
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
    return Run(words, seconds, usage.ru_maxrss / 1024, process.returncode, output.decode("utf-8", "replace"))


def pdf_pages(path: Path) -> int:
    """The page count of a PDF, read by poppler's pdfinfo (a dependency of every build)."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return next(int(line.split()[1]) for line in info.splitlines() if line.startswith("Pages:"))
