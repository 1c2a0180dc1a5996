"""Where one edition's build spends its time: cProfile of the build, in this process, top stages first.

    .venv/bin/python bench/profile.py [--edition synthetic-1/en] [--format pdf] [--limit 25] [--save F]

Builds the edition (all formats unless --format says otherwise) with --jobs 1 and --force into a scratch
folder, from the synthetic corpus (generated first, see bench/synthetic.py), and prints the functions of
`editions` by cumulative time, then the heaviest calls into the libraries (WeasyPrint, Pillow, fontTools
…). The profile counts CPU time by default (`--clock wall` on a quiet machine). `--save F` keeps the raw
profile for `python -m pstats F` or snakeviz.

Only this process is profiled: work done in child processes (pandoc itself, or formats rendered in other
processes) shows as the time spent waiting for them with `--clock wall`, and not at all with CPU time.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This script has the name of the standard library's `profile`, which cProfile imports: run as
# `python bench/profile.py`, its own folder comes first on sys.path and would shadow it.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import contextlib  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import pstats  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OURS = str(ROOT / "editions")


def profile_build(
    corpus_root: Path, edition: str, formats: list[str], clock: str = "cpu"
) -> tuple[pstats.Stats, float, float, str]:
    """Build `edition` under cProfile; the statistics, the wall and CPU times and what the build printed.

    With `clock="cpu"` the profile counts this process's CPU time: on a loaded machine wall time is
    mostly waiting for a core, and would blame whatever function happened to be running.
    """
    from editions.cli.main import main as editions

    command = ["-C", str(corpus_root), "build", "--edition", edition, "--jobs", "1", "--force"]
    command += [option for fmt in formats for option in ("--format", fmt)]
    said = io.StringIO()
    profiler = cProfile.Profile(time.process_time if clock == "cpu" else time.perf_counter)
    with tempfile.TemporaryDirectory(prefix="editions-profile-") as output:
        wall, cpu = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            status = profiler.runcall(editions, [*command, "--output", output])
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if status != 0:
        raise SystemExit(f"the build failed:\n{said.getvalue()}")
    return pstats.Stats(profiler), wall, cpu, said.getvalue()


def top(stats: pstats.Stats, ours: bool, limit: int) -> list[tuple[float, float, int, str]]:
    """(cumulative s, own s, calls, function) of our functions, or of the others, heaviest first."""
    rows = []
    for (filename, line, name), (_, calls, own, cumulative, _) in stats.stats.items():
        if filename.startswith(OURS) != ours:
            continue
        where = Path(filename).relative_to(ROOT).as_posix() if ours else _library(filename)
        rows.append((cumulative, own, calls, f"{where}:{line} {name}"))
    return sorted(rows, reverse=True)[:limit]


def _library(filename: str) -> str:
    """A library file named from its package down (site-packages/weasyprint/… → weasyprint/…)."""
    parts = Path(filename).parts
    if "site-packages" in parts:
        return "/".join(parts[parts.index("site-packages") + 1 :])
    return filename if filename != "~" else "(built-in)"


def main() -> None:
    """Profile one edition's build and print the heaviest stages."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edition", default="synthetic-1/en", help="as `editions plan` lists it")
    parser.add_argument("--format", action="append", default=[], help="only this format (repeatable)")
    parser.add_argument("--limit", type=int, default=25, help="lines per list")
    parser.add_argument("--save", type=Path, default=None, help="write the raw profile to this file")
    parser.add_argument("--quick", action="store_true", help="the quarter-size corpus")
    parser.add_argument(
        "--clock", choices=("cpu", "wall"), default="cpu", help="what the profile counts (default: cpu)"
    )
    options = parser.parse_args()
    folder = corpus.DEFAULT_OUT.with_name("corpus-quick") if options.quick else corpus.DEFAULT_OUT
    corpus.generate(folder, options.quick)
    stats, wall, cpu, said = profile_build(folder, options.edition, options.format, options.clock)
    if options.save:
        stats.dump_stats(options.save)
    print(said.strip())
    print(f"\n{options.edition} under the profiler: {wall:.1f} s wall, {cpu:.1f} s CPU in this process")
    print(f"(the lists count {options.clock} time; pandoc runs in a child process, not counted in CPU)\n")
    for title, ours in (("editions, by cumulative time", True), ("libraries and built-ins", False)):
        print(f"{title}:\n{'cumul. s':>9} {'own s':>7} {'calls':>7}  function")
        for cumulative, own, calls, function in top(stats, ours, options.limit):
            print(f"{cumulative:9.2f} {own:7.2f} {calls:7d}  {function}")
        print()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.path.append(str(ROOT / "bench"))
    import synthetic as corpus

    main()
