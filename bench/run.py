"""The benchmark of issue 11: our build against the raw tools, one line per goal G1 … G6.

    python3 bench/run.py [--quick] [--repeat N] [--rows G1,G3]

Rows J2 are one edition on two cores (issue 11, item 3): `--jobs 2` against `--jobs 1` for one edition.

Row S1 is the preview's loop (bench/serve_times.py): from saving a chapter in `editions serve` to the
reloaded web page, against `editions build --format html` of the same edition.

It generates the synthetic corpus (bench/synthetic.py), then times `editions build` in a subprocess, into a
fresh scratch folder, against the raw tools (bench/raw.py) or against itself, the two sides of each pair
run one after the other and in turns. Each ratio is printed with its min and max over the repeats: on a
shared or loaded machine single numbers mean little. `--quick` uses a corpus a quarter of the size and one
repeat (unless --repeat says otherwise): every row, in a few minutes, to check that the bench works.

A row that needs what the engine does not have yet says "not measurable yet" and why, never a number.
Timings belong here, never in a test: they depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GROUPS = ("G1", "G2", "G3", "G4", "G5", "G6", "J2", "S1")
_BUILT = re.compile(r"✓ (\S+): built ([a-z, ]+) in ([\d.]+) s(?: \(([a-z, ]+) laid out before)?")


@dataclass
class Row:
    """One line of the table: a goal of the issue and what was measured for it."""

    goal_id: str
    measure: str
    goal: str
    better: str  # "low" when the ratio must be at most the target, "high" when at least
    target: float
    ratios: list[float] = field(default_factory=list)
    note: str = ""
    unmeasurable: str = ""  # why the row cannot be measured with this engine yet
    met: bool | None = None  # for a goal that is not a ratio (G3, after an edit): decided by the measure
    failed: str = ""  # a command of the measure failed: why

    def verdict(self) -> str:
        """met / not met, from the median ratio; nothing when nothing was measured."""
        if self.unmeasurable or self.failed or not self.ratios:
            return ""
        median = statistics.median(self.ratios)
        met = median <= self.target if self.better == "low" else median >= self.target
        if self.met is not None:
            met = self.met
        return "met" if met else "NOT met"

    def cells(self) -> tuple[str, str, str, str, str]:
        """The row's columns: id, measure, ratio (min–max), goal, verdict."""
        if self.unmeasurable:
            ratio = f"not measurable yet: {self.unmeasurable}"
        elif self.failed:
            ratio = f"failed: {self.failed}"
        elif not self.ratios:
            ratio = "not run"
        else:
            low, high = min(self.ratios), max(self.ratios)
            # Four digits: a ratio of 1.0003 must not print as "1×" beside "NOT met".
            ratio = f"{statistics.median(self.ratios):.4g}× ({low:.4g}–{high:.4g}, n={len(self.ratios)})"
        return self.goal_id, self.measure, ratio, self.goal, self.verdict()


@dataclass(frozen=True)
class Bench:
    """What every measurement needs: the corpus, a scratch folder, and what the engine can do."""

    corpus: Path
    scratch: Path
    repeat: int
    cache_dir: bool  # whether `editions build` takes --cache-dir (issue 11, item 2)

    def folder(self, name: str) -> Path:
        """A new, empty folder in the scratch space."""
        return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.scratch))

    def build(self, selection: list[str], jobs: int, output: Path, cache: Path | None, force: bool = True):
        """`editions build` of `selection` in a subprocess; the finished Run (raises if it failed)."""
        command = [str(PYTHON), "-m", "editions", "-C", str(self.corpus), "build", *selection]
        command += ["--jobs", str(jobs), "--output", str(output)]
        if force:
            command.append("--force")
        if cache is not None:
            command += ["--cache-dir", str(cache)]
        return measure.run(command, cwd=ROOT).check()

    def cold_cache(self) -> Path | None:
        """An empty cache folder when the engine has a cache, so that a cold build is really cold."""
        return self.folder("cache") if self.cache_dir else None


def built_editions(output: str) -> dict[str, tuple[tuple[str, ...], float]]:
    """What the build's own summary says it made: edition → (formats, seconds). A format the summary
    says was laid out before (its page unchanged, its layout from the cache) was not made again."""
    built = {}
    for name, formats, seconds, reused in _BUILT.findall(output):
        same = {fmt.strip() for fmt in reused.split(",")} if reused else set()
        made = tuple(fmt.strip() for fmt in formats.split(",") if fmt.strip() not in same)
        built[name] = (made, float(seconds))
    return built


def alternate(repeat: int, first: Callable[[], object], second: Callable[[], object]) -> list[tuple]:
    """Run the pair `repeat` times, in turns (AB, BA, AB …), so that a drift in load hits both sides."""
    pairs = []
    for turn in range(repeat):
        if turn % 2 == 0:
            a = first()
            b = second()
        else:
            b = second()
            a = first()
        pairs.append((a, b))
    return pairs


def measure_g1(bench: Bench, rows: dict[str, Row], facts: list[str]) -> None:
    """G1: one 80-page edition in three formats, --jobs 1, against the three raw pipelines."""
    edition = "synthetic-1/en"
    report = bench.corpus / "reports" / "synthetic-1"

    def ours(cache: Path | None) -> measure.Run:
        output = bench.folder("ours")
        done = bench.build(["--edition", edition], 1, output, cache)
        facts.append(f"our {edition} PDF: {measure.pdf_pages(output / edition / 'synthetic-1-en.pdf')} pages")
        shutil.rmtree(output)
        return done

    def raw_tools() -> float:
        work = bench.folder("raw")
        runs = raw.run_raw(raw.RawEdition(report, "en"), work)
        facts.append(f"raw {edition} PDF: {measure.pdf_pages(work / 'raw.pdf')} pages")
        shutil.rmtree(work)
        return sum(step.seconds for steps in runs.values() for step in steps)

    pairs = alternate(bench.repeat, lambda: ours(bench.cold_cache()).seconds, raw_tools)
    rows["G1"].ratios = [ours_s / raw_s for ours_s, raw_s in pairs]
    rows["G1"].note = _seconds("ours", [p[0] for p in pairs]) + "; " + _seconds("raw", [p[1] for p in pairs])
    if not bench.cache_dir:
        rows["G1w"].unmeasurable = "`editions build` has no --cache-dir (issue 11, item 2)"
        return
    cache = bench.folder("cache")
    ours(cache)  # fills the cache; not timed
    pairs = alternate(bench.repeat, lambda: ours(cache).seconds, raw_tools)
    rows["G1w"].ratios = [ours_s / raw_s for ours_s, raw_s in pairs]
    rows["G1w"].note = _seconds("ours", [p[0] for p in pairs]) + "; " + _seconds("raw", [p[1] for p in pairs])


FOUR = ["--report", "synthetic-1", "--report", "synthetic-1b"]  # 4 editions of 80 pages
EDITED = Path("reports/synthetic-1/en/02-chapter.md")  # in the quick corpus too


def measure_g2_g3(bench: Bench, rows: dict[str, Row], wanted: set[str]) -> None:
    """G2: 4 editions with --jobs 2 against --jobs 1. G3: a no-op rebuild against the full --jobs 2
    build, and which editions a build rebuilds after one English chapter was edited."""
    serial, parallel, noop = [], [], []
    for turn in range(bench.repeat):
        if "G2" in wanted and turn % 2 == 0:
            serial.append(_four(bench, 1)[0])
        output, cache, full = _four(bench, 2, keep=True)
        parallel.append(full)
        if "G3" in wanted:
            noop.append(bench.build(FOUR, 2, output, cache, force=False).seconds)
            if turn == 0:
                _edit_one_chapter(bench, output, cache, full, rows["G3e"])
        shutil.rmtree(output)
        if "G2" in wanted and turn % 2 == 1:
            serial.append(_four(bench, 1)[0])
    if "G2" in wanted:
        rows["G2"].ratios = [one / two for one, two in zip(serial, parallel, strict=True)]
        rows["G2"].note = _seconds("--jobs 1", serial) + "; " + _seconds("--jobs 2", parallel)
    if "G3" in wanted:
        rows["G3"].ratios = [quiet / full for quiet, full in zip(noop, parallel, strict=True)]
        rows["G3"].note = _seconds("no-op", noop) + "; " + _seconds("full --jobs 2", parallel)


def _four(bench: Bench, jobs: int, keep: bool = False):
    output, cache = bench.folder(f"four-j{jobs}"), bench.cold_cache()
    seconds = bench.build(FOUR, jobs, output, cache).seconds
    if keep:
        return output, cache, seconds
    shutil.rmtree(output)
    return seconds, None


def _edit_one_chapter(bench: Bench, output: Path, cache: Path | None, full: float, row: Row) -> None:
    """Append a sentence to an English chapter of synthetic-1, ask the plan and build; then undo the edit.

    synthetic-1/en uses the chapter. synthetic-1/fr uses it too: its translation of that section is now
    out of date, which its web edition and EPUB say on the section, and all three formats in the
    imprint's count of sections awaiting revision. synthetic-1b does not use it at all. Which editions
    were rebuilt, and in which formats, is read from the build's own summary (a format laid out before
    is not counted), and what was planned from `editions plan --json`. The goal is met when nothing else
    was rebuilt and every format made again has changed: no work was done for nothing.
    """
    path = bench.corpus / EDITED
    original = path.read_bytes()
    before = _digests(output)
    try:
        path.write_bytes(original + b"\nOne sentence added for the benchmark.\n")
        plan = [str(PYTHON), "-m", "editions", "-C", str(bench.corpus), "plan", *FOUR, "--json"]
        answer = subprocess.run([*plan, "--output", str(output)], capture_output=True, text=True, check=False)
        if answer.returncode != 0:
            raise SystemExit(f"editions plan failed ({answer.returncode}):\n{answer.stderr[-2000:]}")
        planned = json.loads(answer.stdout)
        done = bench.build(FOUR, 2, output, cache, force=False)
    finally:
        path.write_bytes(original)
    after = _digests(output)
    rebuilt = built_editions(done.output)
    # A format made again whose files came out byte for byte as before was rebuilt for nothing.
    unchanged = [
        f"{name} {fmt}"
        for name, (formats, _) in rebuilt.items()
        for fmt in formats
        if (files := [f for f in after if f.startswith(f"{name}/") and f.endswith(_SUFFIX[fmt])])
        and all(before.get(f) == after[f] for f in files)
    ]
    wrong = [name for name in rebuilt if name.startswith("synthetic-1b/")] + unchanged
    needed = [e["name"] for e in planned["editions"] if not e["current"]]
    row.ratios = [done.seconds / full]
    shown = ", ".join(f"{name} ({'+'.join(formats)})" for name, (formats, _) in sorted(rebuilt.items()))
    row.note = f"rebuilt: {shown or 'nothing'}; plan said: {', '.join(needed) or 'nothing'}"
    row.note += f"; made again with the same bytes: {', '.join(unchanged) or 'none'}"
    row.met = not wrong and "synthetic-1/en" in rebuilt


# The file of each format that says whether it changed: the web edition's page, the book, the print PDF.
_SUFFIX = {"html": "/index.html", "epub": ".epub", "pdf": "-print.pdf"}


def _digests(output: Path) -> dict[str, str]:
    """The SHA-256 of every file below `output`, by its path there."""
    return {
        path.relative_to(output).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(output.rglob("*"))
        if path.is_file()
    }


def measure_g4(bench: Bench, rows: dict[str, Row], memory: dict[str, list[float]]) -> None:
    """G4: the 310-page edition against the 80-page one, each in three formats, --jobs 1, cold."""

    pages: dict[str, int] = {}

    def edition(name: str) -> float:
        output = bench.folder("g4")
        done = bench.build(["--edition", name], 1, output, bench.cold_cache())
        if name == "synthetic-4/en":
            memory["all formats"].append(done.peak_mib)
        slug, language = name.split("/")
        pages[name] = measure.pdf_pages(output / name / f"{slug}-{language}.pdf")
        shutil.rmtree(output)
        return done.seconds

    pairs = alternate(bench.repeat, lambda: edition("synthetic-4/en"), lambda: edition("synthetic-1/en"))
    rows["G4"].ratios = [long / short for long, short in pairs]
    rows["G4"].note = (
        f"{pages['synthetic-4/en']} pages against {pages['synthetic-1/en']}; "
        + _seconds("long", [p[0] for p in pairs])
        + "; "
        + _seconds("short", [p[1] for p in pairs])
    )


def measure_g5_g6(bench: Bench, rows: dict[str, Row], memory: dict[str, list[float]]) -> None:
    """G5: our PDF of the long edition (--jobs 2) against the `weasyprint` command on the same page.
    G6: peak memory and PDF bytes, against the same command."""
    name = "synthetic-4/en"
    saved = bench.folder("page")
    measure.run(
        [str(PYTHON), str(ROOT / "bench" / "page.py"), str(bench.corpus), name, str(saved)], ROOT
    ).check()
    entries = json.loads((saved / "run.json").read_text(encoding="utf-8"))
    sizes: dict[str, int] = {}

    def ours() -> tuple[float, float, float]:
        output = bench.folder("g5")
        done = bench.build(["--edition", name, "--format", "pdf"], 2, output, bench.cold_cache())
        pdf = output / name / "synthetic-4-en.pdf"
        sizes["ours"], sizes["pages"] = pdf.stat().st_size, measure.pdf_pages(pdf)
        shutil.rmtree(output)
        built = built_editions(done.output)
        if name not in built:
            raise SystemExit(f"the build's summary has no line '✓ {name}: built … in N s': update run.py")
        return built[name][1], done.seconds, done.peak_mib

    def weasyprint() -> tuple[float, float]:
        seconds, peak, size = 0.0, 0.0, 0
        for number, entry in enumerate(entries, start=1):
            pdf = saved / f"weasyprint-{number}.pdf"
            done = measure.run(page.weasyprint_command(entry, pdf), cwd=saved).check()
            seconds, peak, size = seconds + done.seconds, max(peak, done.peak_mib), size + pdf.stat().st_size
        sizes["weasyprint"] = size
        return seconds, peak

    pairs = alternate(bench.repeat, ours, weasyprint)
    rows["G5"].ratios = [step / command[0] for (step, _, _), command in pairs]
    rows["G5"].note = (
        f"{sizes['pages']} pages; "
        + _seconds("our edition (build summary)", [p[0][0] for p in pairs])
        + "; "
        + _seconds("whole command", [p[0][1] for p in pairs])
        + "; "
        + _seconds("weasyprint", [p[1][0] for p in pairs])
        + (f"; both sides lay out {len(entries)} pages: the book and its cover" if len(entries) > 1 else "")
    )
    ours_peaks = [p[0][2] for p in pairs]
    weasy_peaks = [p[1][1] for p in pairs]
    memory["pdf only"] += ours_peaks
    rows["G6"].ratios = [mine / theirs for mine, theirs in zip(ours_peaks, weasy_peaks, strict=True)]
    rows["G6"].note = (
        _mib("ours, PDF only", memory["pdf only"])
        + (f"; {_mib('ours, 3 formats', memory['all formats'])}" if memory["all formats"] else "")
        + f"; {_mib('weasyprint', weasy_peaks)}"
    )
    rows["G6b"].ratios = [sizes["ours"] / sizes["weasyprint"]]
    rows["G6b"].note = f"ours {sizes['ours']:,} bytes, weasyprint {sizes['weasyprint']:,} bytes"
    shutil.rmtree(saved)


def measure_j2(bench: Bench, rows: dict[str, Row]) -> None:
    """J2: one 80-page edition in three formats, --jobs 1 against --jobs 2, cold and warm: with a second
    worker, a helper makes the screen formats' font subsets while the PDF is laid out."""
    edition = ["--edition", "synthetic-1/en"]

    def once(jobs: int, cache: Path | None) -> float:
        output = bench.folder(f"j2-{jobs}")
        seconds = bench.build(edition, jobs, output, cache).seconds
        shutil.rmtree(output)
        return seconds

    pairs = alternate(bench.repeat, lambda: once(1, bench.cold_cache()), lambda: once(2, bench.cold_cache()))
    rows["J2"].ratios = [one / two for one, two in pairs]
    rows["J2"].note = _jobs_note(pairs)
    if not bench.cache_dir:
        rows["J2w"].unmeasurable = "`editions build` has no --cache-dir (issue 11, item 2)"
        return
    cache = bench.folder("cache")
    once(1, cache)  # fills the cache; not timed
    pairs = alternate(bench.repeat, lambda: once(1, cache), lambda: once(2, cache))
    rows["J2w"].ratios = [one / two for one, two in pairs]
    rows["J2w"].note = _jobs_note(pairs)


def _jobs_note(pairs: list[tuple]) -> str:
    return _seconds("--jobs 1", [p[0] for p in pairs]) + "; " + _seconds("--jobs 2", [p[1] for p in pairs])


def measure_s1(bench: Bench, rows: dict[str, Row]) -> None:
    """S1: a chapter saved in a running preview, to the reloaded page, against the HTML build command."""
    saves = serve_times.time_saves(bench.corpus, bench.folder("serve"), bench.repeat)
    rows["S1"].ratios = [save.reload_seconds / save.html_build_seconds for save in saves]
    rows["S1"].note = (
        _seconds("save → reloaded page", [save.reload_seconds for save in saves])
        + "; "
        + _seconds("build --format html", [save.html_build_seconds for save in saves])
    )


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _seconds(label: str, values: list[float]) -> str:
    return f"{label} {min(values):.1f}–{max(values):.1f} s" if values else f"{label}: none"


def _mib(label: str, values: list[float]) -> str:
    return f"{label} {min(values):.0f}–{max(values):.0f} MiB"


def make_rows(pages: tuple[int, int]) -> dict[str, Row]:
    """The goals of issue 11, in its order, as rows still to measure."""
    short, long = pages
    return {
        "G1": Row("G1", f"one {short}-page edition, 3 formats, --jobs 1, cold, vs raw", "≤ 0.9×", "low", 0.9),
        "G1w": Row("G1", "the same, warm cache, vs raw", "≤ 0.75×", "low", 0.75),
        "G2": Row("G2", "4 editions, --jobs 1 time / --jobs 2 time", "≥ 1.8×", "high", 1.8),
        "G3": Row("G3", "a rebuild with nothing changed / full build", "≤ 0.02×", "low", 0.02),
        "G3e": Row(
            "G3", "edit one en chapter: rebuild time / full build", "only editions using it", "low", 0
        ),
        "G4": Row("G4", f"{long}-page / {short}-page edition, 3 formats, --jobs 1", "≤ 3.5×", "low", 3.5),
        "G5": Row("G5", f"PDF of the {long}-page edition, --jobs 2 / weasyprint", "≤ 1.0×", "low", 1.0),
        "G6": Row("G6", f"peak RSS per worker at {long} pages / weasyprint", "≤ 1.0×", "low", 1.0),
        "G6b": Row("G6", "PDF bytes / weasyprint's, same page", "≤ 1.0×", "low", 1.0),
        "J2": Row("J2", f"one {short}-page edition, 3 formats, cold: --jobs 1 / --jobs 2", "> 1×", "high", 1),
        "J2w": Row("J2", "the same, warm cache: --jobs 1 / --jobs 2", "≥ 0.95×", "high", 0.95),
        "S1": Row("S1", "serve: save a chapter → reloaded page / its HTML build", "≤ 1.0×", "low", 1.0),
    }


def print_table(rows: dict[str, Row], facts: list[str]) -> None:
    """The table, then the detail of each row (seconds, MiB, pages, what was rebuilt)."""
    cells = [("row", "measure", "ratio: median (min–max, n)", "goal", "verdict")]
    cells += [row.cells() for row in rows.values()]
    widths = [max(len(line[column]) for line in cells) for column in range(5)]
    for line in cells:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
    print()
    for key, row in rows.items():
        if row.note:
            print(f"{key}: {row.note}")
    for fact in sorted(set(facts)):
        print(fact)


def main() -> None:
    """Generate the corpus, measure the rows asked for, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a corpus a quarter of the size, one repeat")
    parser.add_argument(
        "--repeat", type=int, default=None, help="pairs per row (default: 3, or 1 with --quick)"
    )
    parser.add_argument("--rows", default=",".join(GROUPS), help="e.g. G1,G3 (default: every row)")
    parser.add_argument("--corpus", type=Path, default=None, help="where to generate the corpus")
    options = parser.parse_args()
    wanted = {group.strip().upper() for group in options.rows.split(",") if group.strip()}
    if wanted - set(GROUPS):
        parser.error(f"--rows takes {', '.join(GROUPS)}")
    default = corpus.DEFAULT_OUT.with_name("corpus-quick") if options.quick else corpus.DEFAULT_OUT
    folder = corpus.generate((options.corpus or default).absolute(), options.quick)
    helped = measure.run([str(PYTHON), "-m", "editions", "build", "--help"], cwd=ROOT).check().output
    with tempfile.TemporaryDirectory(prefix="editions-bench-") as scratch:
        bench = Bench(
            folder, Path(scratch), options.repeat or (1 if options.quick else 3), "--cache-dir" in helped
        )
        rows = make_rows(
            (20, 65) if options.quick else (80, 310)
        )  # nominal pages; the notes give the real ones
        facts: list[str] = []
        memory: dict[str, list[float]] = {"all formats": [], "pdf only": []}
        measures = (
            ({"G1"}, lambda: measure_g1(bench, rows, facts)),
            ({"G2", "G3"}, lambda: measure_g2_g3(bench, rows, wanted)),
            ({"G4"}, lambda: measure_g4(bench, rows, memory)),
            ({"G5", "G6"}, lambda: measure_g5_g6(bench, rows, memory)),
            ({"J2"}, lambda: measure_j2(bench, rows)),
            ({"S1"}, lambda: measure_s1(bench, rows)),
        )
        for groups, measure_rows in measures:
            if wanted & groups:
                _say(f"measuring {', '.join(sorted(wanted & groups))} …")
                try:
                    measure_rows()
                except (SystemExit, Exception) as failure:  # its rows say so, the other rows go on
                    traceback.print_exc()
                    for row in rows.values():
                        if row.goal_id in groups and not row.ratios and not row.unmeasurable:
                            row.failed = (str(failure) or type(failure).__name__).splitlines()[0][:120]
                for row in rows.values():  # as soon as measured: a long run that is cut short keeps them
                    if row.goal_id in wanted & groups:
                        _say("  " + "  ".join(cell for cell in row.cells() if cell) + f"  [{row.note}]")
    print(
        f"corpus: {folder}; {bench.repeat} repeat(s); cache: {'yes' if bench.cache_dir else 'no --cache-dir'}"
    )
    print_table({key: row for key, row in rows.items() if row.goal_id in wanted}, facts)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    from editions.bootstrap import ensure_environment

    ensure_environment("build")  # re-runs this script inside .venv, set up if need be
    sys.path.insert(0, str(ROOT / "bench"))
    import measure
    import page
    import raw
    import serve_times
    import synthetic as corpus

    main()
