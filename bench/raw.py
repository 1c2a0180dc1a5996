"""The raw tools, by hand, on the same Markdown as our build: what `editions` must beat.

    .venv/bin/python bench/raw.py bench/corpus/reports/synthetic-1 en /tmp/raw-out

Three pipelines, as someone without `editions` would run them, each from the Markdown files:

- pandoc → HTML (standalone);
- pandoc → HTML → the `weasyprint` command → PDF;
- pandoc → EPUB 3.

pandoc is the one of pypandoc-binary and `weasyprint` the one of `.venv`, the same programs our build runs.
Every pipeline resolves the same citations with the same bibliography and CSL (pandoc's default when the
report names none), and uses our fonts (Noto, from templates/fonts/): a PDF set in other fonts, or in the
machine's, would embed and subset other files. The PDF gets our page size, margins, type size and leading,
so that it has about as many pages as ours, and is tagged PDF/UA-1 like ours: an untagged PDF is a lighter,
different product. What only our build does (contents page, running heads, cross-reference numbers, notices,
font subsetting for the web and the EPUB, image cleaning, the confidential-text audit) is left out: that
is the work our build has to pay for within the goal.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import pypandoc

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import Run, run  # bench/ is a folder of scripts, not a package

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "templates" / "fonts"
WEASYPRINT = ROOT / ".venv" / "bin" / "weasyprint"
READER = "markdown"
# (file, family, weight, style): the faces our Latin editions use (templates/fonts/fonts.toml).
FACES = (
    ("NotoSerif-Regular.ttf", "Noto Serif", 400, "normal"),
    ("NotoSerif-Bold.ttf", "Noto Serif", 700, "normal"),
    ("NotoSerif-Italic.ttf", "Noto Serif", 400, "italic"),
    ("NotoSerif-BoldItalic.ttf", "Noto Serif", 700, "italic"),
    ("NotoSans-Regular.ttf", "Noto Sans", 400, "normal"),
    ("NotoSans-Bold.ttf", "Noto Sans", 700, "normal"),
)
# Our print stylesheet's page and type (templates/print/book.css), over pandoc's own screen styles.
_PRINT_CSS = """
@page { size: A4; margin: 22mm 20mm 24mm 20mm; @bottom-center { content: counter(page); } }
html { font-family: "Noto Serif"; font-size: 10.5pt; line-height: 1.45; }
body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; hyphens: auto; }
p { margin: 0 0 0.6em; text-align: justify; }
h1, h2, h3 { font-family: "Noto Sans"; line-height: 1.2; }
h1 { font-size: 22pt; break-before: page; }
h2 { font-size: 13.5pt; }
img { max-width: 100%; }
"""


@dataclass(frozen=True)
class RawEdition:
    """One language of one report, in the layout of our reports: its Markdown files, in order."""

    report: Path
    language: str

    @property
    def sources(self) -> tuple[Path, ...]:
        """The Markdown files of the language, as our build reads them."""
        folder = self.report / self.language
        if folder.is_dir():
            return tuple(sorted(folder.glob("*.md")))
        return (self.report / f"{self.language}.md",)

    def pandoc(self, to: str, output: Path, *extra: str) -> list[str]:
        """A pandoc command line from the Markdown, citations resolved, to `output`."""
        command = [pypandoc.get_pandoc_path(), "--from", READER, "--to", to, "--standalone"]
        command += ["--metadata", f"lang={self.language}", "--metadata", "link-citations=true"]
        bibliography = self.report / "references.bib"
        if bibliography.is_file():
            command += ["--citeproc", "--bibliography", str(bibliography)]
        return [*command, *extra, "--output", str(output), *map(str, self.sources)]


def write_stylesheets(work: Path) -> tuple[Path, Path, Path]:
    """The stylesheets of the raw pipelines, written into `work`: (web, print, EPUB)."""
    work.mkdir(parents=True, exist_ok=True)
    web, printed, epub = work / "raw-web.css", work / "raw-print.css", work / "raw-epub.css"
    web.write_text(
        _font_faces(lambda name: (FONTS / name).as_uri()) + "html { font-family: 'Noto Serif'; }\n"
    )
    printed.write_text(_font_faces(lambda name: (FONTS / name).as_uri()) + _PRINT_CSS)
    # pandoc puts embedded fonts in EPUB/fonts/ and stylesheets in EPUB/styles/.
    epub.write_text(_font_faces(lambda name: f"../fonts/{name}") + "body { font-family: 'Noto Serif'; }\n")
    return web, printed, epub


def _font_faces(url) -> str:
    return "".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
        f'src: url("{url(name)}"); }}\n'
        for name, family, weight, style in FACES
    )


def raw_pipelines(edition: RawEdition, work: Path) -> dict[str, list[list[str]]]:
    """Each format's commands, in order, writing into `work`."""
    web, printed, epub = write_stylesheets(work)
    page = work / "raw-print.html"
    weasyprint = [str(WEASYPRINT), "--pdf-variant", "pdf/ua-1", "--base-url", edition.report.as_uri() + "/"]
    fonts = [f"--epub-embed-font={FONTS / name}" for name, *_ in FACES]
    return {
        "html": [edition.pandoc("html5", work / "raw.html", "--css", web.as_uri())],
        "pdf": [
            edition.pandoc("html5", page, "--css", printed.as_uri()),
            [*weasyprint, str(page), str(work / "raw.pdf")],
        ],
        "epub": [edition.pandoc("epub3", work / "raw.epub", "--css", str(epub), *fonts)],
    }


def run_raw(edition: RawEdition, work: Path) -> dict[str, list[Run]]:
    """Run every raw pipeline once, in the report's folder (so that images/… resolve); its runs by format."""
    return {
        fmt: [run(command, cwd=edition.report).check() for command in commands]
        for fmt, commands in raw_pipelines(edition, work).items()
    }


def main() -> None:
    """Run the raw tools on one language of a report and print what each took."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("language")
    parser.add_argument("work", type=Path)
    options = parser.parse_args()
    runs = run_raw(RawEdition(options.report.resolve(), options.language), options.work.resolve())
    for fmt, steps in runs.items():
        parts = " + ".join(f"{Path(step.command[0]).name} {step.seconds:.1f} s" for step in steps)
        peak = max(step.peak_mib for step in steps)
        print(f"{fmt}: {sum(step.seconds for step in steps):.1f} s ({parts}), peak {peak:.0f} MiB")


if __name__ == "__main__":
    main()
