"""How WeasyPrint's time grows with pages, and whether laying a long edition out in two chapter ranges pays.

    .venv/bin/python bench/chapter_ranges.py [--repeat 3] [--pages DIR]

Measures, on the synthetic corpus (bench/synthetic.py), with the very page our writer hands to WeasyPrint
(captured as bench/page.py does, once, into --pages DIR, default bench/pages):

1. **growth**: the layout (`HTML.render()`) and the write (`Document.write_pdf`, tagged PDF/UA-1) of the
   scale-1 edition (about 80 pages) and of the scale-4 edition (about 310 pages), each in a fresh process;
   the ratio 310/80 of their CPU times, against the ratio of their pages;
2. **chapter ranges**: the scale-4 page cut in two halves at the chapter boundary nearest the middle (the
   first half keeps the cover, contents and abstract, the second the back cover), laid out and written by
   two processes at once, against one process for the whole. The halves are what a chapter-range
   renderer would have to lay out; what it would also have to do afterwards (join the two PDFs, renumber
   the pages, rebuild the outline, the links, the contents page's page numbers and the structure tree,
   and stay byte-identical from run to run) is not counted, so the pair's time is a lower bound.

Each measurement runs --repeat times, alternating whole and halves; the script prints CPU and wall seconds
(min and max), the peak memory of each process, and the pages. CPU time is what to compare on a shared
machine; wall time is what a user waits for, and only it can show the second core's help.

Measured on the 2-core machine the build runs on (26 Nov 2026, --repeat 2, while a test suite ran beside
it: load average 7 to 13, so the CPU columns are the ones to read):

    growth          86 pages: layout 6.5 s, write 4.1 s CPU, peak 370 MiB
                    324 pages: layout 26.5 s, write 16.4 s CPU, peak 425 MiB
                    → 3.77× the pages cost 4.07× the layout and 4.03× the write: nearly linear (8 % more
                    per page for the long book), and the memory is mostly fixed (fonts, stylesheets).
    chapter ranges  whole (324 pages), one process: 43.6 s CPU, 55.8 s wall at best, 425 MiB
                    halves (165 + 158 pages), two processes at once: 39.2 s CPU together, 22.0 s for the
                    longer half, 63.4 s wall at best (1.14× the whole), 370 MiB each.

Conclusion: the halves cost about half each (a little less: the superlinear part), so two idle cores could
at best lay out and write a long edition in about 0.5× the wall time; on this loaded machine they took
1.14× as long as one process, and they hold 2 × 370 MiB against 425 MiB, since most of the memory does not
shrink with the pages. A build of several editions, the serve loop and the CI shards already keep both
cores busy with whole editions (G2), where ranges would gain nothing. Against a best case that needs an
idle core stand the joining work not counted here (the page numbers and the contents page need the first
half's page count before the second is laid out, or a second layout; the outline, the named destinations,
the links across halves, the structure tree and its ParentTree must be merged, the fonts subset for the
joined glyphs) and its risks to PDF/UA and to byte-identical output. Decision: do not ship chapter-range
rendering; one layout and one generation per edition (editions/writers/pdf.py).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))  # bench/ is a folder of scripts, not a package
sys.path.insert(0, str(ROOT))  # the corpus and the page capture build with editions

EDITIONS = {"80": "synthetic-1/en", "310": "synthetic-4/en"}


@dataclass(frozen=True)
class Timing:
    """One process's layout and write of one page: CPU and wall seconds, its peak memory, its pages."""

    layout_cpu: float
    layout_wall: float
    write_cpu: float
    write_wall: float
    peak_mib: float
    pages: int

    @property
    def cpu(self) -> float:
        """Layout and write, in CPU seconds."""
        return self.layout_cpu + self.write_cpu


def lay_out_and_write(page: Path, base_url: str, variant: str) -> Timing:
    """Lay `page` out and write its PDF in this process, as the `weasyprint` command does, timed."""
    import weasyprint

    wall, cpu = time.perf_counter(), time.process_time()
    document = weasyprint.HTML(filename=str(page), base_url=base_url).render()
    layout_wall, layout_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    document.write_pdf(pdf_variant=variant)
    write_wall, write_cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Timing(layout_cpu, layout_wall, write_cpu, write_wall, peak, len(document.pages))


def split_in_two(page: Path, out: Path) -> tuple[Path, Path]:
    """The page cut at the chapter boundary nearest the middle: (cover … first half, second half … back).

    Chapters are the body's top-level sections other than the abstract, the imprint and the back cover;
    the contents page stays with the first half (its links to the second half then lead nowhere:
    WeasyPrint says so, which a bench ignores)."""
    from lxml import html as lxml_html

    halves = []
    for first in (True, False):
        tree = lxml_html.parse(str(page))
        body = tree.getroot().find("body")
        children = list(body)
        chapters = [
            child
            for child in children
            if child.tag == "section"
            and not {"abstract", "imprint", "back-cover"} & set(child.get("class", "").split())
        ]
        cut = children.index(chapters[len(chapters) // 2])
        for child in children[cut:-1] if first else children[:cut]:
            body.remove(child)
        if first:
            body.remove(children[-1])  # the back cover closes the second half
        path = out / f"{page.stem}-{'first' if first else 'second'}.html"
        path.write_bytes(lxml_html.tostring(tree, encoding="utf-8", doctype="<!DOCTYPE html>"))
        halves.append(path)
    return halves[0], halves[1]


def _child(page: Path, base_url: str, variant: str) -> subprocess.Popen:
    """A fresh Python process that lays `page` out and prints its Timing as JSON."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import chapter_ranges as c; "
        "t = c.lay_out_and_write(c.Path(sys.argv[2]), sys.argv[3], sys.argv[4]); "
        "print(json.dumps(t.__dict__))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, str(HERE), str(page), base_url, variant],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # WeasyPrint's warnings about the halves' broken links
        text=True,
    )


def _result(process: subprocess.Popen) -> Timing:
    output, _ = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"a measuring process failed ({process.returncode})")
    return Timing(**json.loads(output.strip().splitlines()[-1]))


def measure_alone(page: Path, base_url: str, variant: str) -> tuple[Timing, float]:
    """One process for the whole page: its Timing and the wall time around it."""
    started = time.perf_counter()
    timing = _result(_child(page, base_url, variant))
    return timing, time.perf_counter() - started


def measure_pair(halves: tuple[Path, Path], base_url: str, variant: str) -> tuple[list[Timing], float]:
    """Two processes at once, one per half: their Timings and the wall time until both are done."""
    started = time.perf_counter()
    processes = [_child(half, base_url, variant) for half in halves]
    timings = [_result(process) for process in processes]
    return timings, time.perf_counter() - started


def captured_page(pages: Path, edition: str) -> tuple[Path, str, str]:
    """The book page of `edition` as our writer gives it to WeasyPrint (captured once), its base URL and
    PDF variant."""
    import page as capture_page  # bench/page.py
    import synthetic as corpus

    folder = pages / edition.replace("/", "-")
    if not (folder / "run.json").is_file():
        root = corpus.generate(corpus.DEFAULT_OUT)
        captured, served = capture_page.capture(root, edition)
        capture_page.save(captured, served, folder)
    runs = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    book = max(runs, key=lambda entry: Path(entry["page"]).stat().st_size)  # the cover is a small page
    return Path(book["page"]), book["base_url"], book["options"].get("pdf_variant", "pdf/ua-1")


def _span(values: list[float]) -> str:
    return f"{min(values):6.1f} (max {max(values):6.1f})"


def main() -> None:
    """Measure growth with pages, then two chapter ranges against the whole; print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", type=Path, default=HERE / "pages", help="where captured pages are kept")
    options = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    books = {size: captured_page(options.pages, edition) for size, edition in EDITIONS.items()}
    growth: dict[str, list[Timing]] = {size: [] for size in books}
    whole, pairs, pair_walls, whole_walls = [], [], [], []
    page, base_url, variant = books["310"]
    halves = split_in_two(page, page.parent)
    for _ in range(options.repeat):
        growth["80"].append(measure_alone(*books["80"])[0])
        timing, wall = measure_alone(page, base_url, variant)
        growth["310"].append(timing)
        whole.append(timing)
        whole_walls.append(wall)
        timings, wall = measure_pair(halves, base_url, variant)
        pairs.append(timings)
        pair_walls.append(wall)
    print("growth (CPU s, min (max)):")
    for timings in growth.values():
        print(
            f"  {timings[0].pages:4d} pages: layout {_span([t.layout_cpu for t in timings])}, "
            f"write {_span([t.write_cpu for t in timings])}, peak {max(t.peak_mib for t in timings):.0f} MiB"
        )
    small, large = growth["80"], growth["310"]
    pages = large[0].pages / small[0].pages
    layout = min(t.layout_cpu for t in large) / min(t.layout_cpu for t in small)
    write = min(t.write_cpu for t in large) / min(t.write_cpu for t in small)
    print(f"  ratio: {pages:.2f}× the pages, layout {layout:.2f}×, write {write:.2f}× (CPU)")
    print("chapter ranges (the scale-4 page):")
    print(
        f"  whole, one process:   CPU {_span([t.cpu for t in whole])}, wall {_span(whole_walls)}, "
        f"peak {max(t.peak_mib for t in whole):.0f} MiB, {whole[0].pages} pages"
    )
    print(
        f"  halves, two at once:  CPU {_span([sum(t.cpu for t in pair) for pair in pairs])} together, "
        f"each {_span([max(t.cpu for t in pair) for pair in pairs])} at most, wall {_span(pair_walls)}, "
        f"peak {max(t.peak_mib for pair in pairs for t in pair):.0f} MiB, "
        f"{pairs[0][0].pages} + {pairs[0][1].pages} pages"
    )
    ratio = min(pair_walls) / min(whole_walls)
    print(f"  wall, halves / whole: {ratio:.2f} (best of each; the joining is not counted)")


if __name__ == "__main__":
    main()
