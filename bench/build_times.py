"""Time a full build of the repository's reports, cold, with 1 and with all workers (run from the repo root).

    python3 bench/build_times.py

Timings belong here, not in the tests: they depend on the machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Print the wall time of full builds into a scratch folder."""
    python = ROOT / ".venv" / "bin" / "python"
    if not python.exists():
        sys.exit("run `python3 build.py` once first: it sets up .venv")
    for jobs in (1, os.cpu_count() or 1):
        output = Path(tempfile.mkdtemp(prefix="editions-bench-"))
        started = time.perf_counter()
        subprocess.run(
            [str(python), "build.py", "--jobs", str(jobs), "--output", str(output)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
        print(f"--jobs {jobs}: {seconds:.1f} s, {size / 1e6:.1f} MB written")
        shutil.rmtree(output)


if __name__ == "__main__":
    main()
