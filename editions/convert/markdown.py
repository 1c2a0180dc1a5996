"""The only module that calls pandoc: one conversion per edition, Markdown → HTML with citations resolved
and the language's typography set."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypandoc

from editions.cache import Cache, file_digest
from editions.convert import typography
from editions.errors import ErrorGroup, SourceError, SourceLocation, locate
from editions.i18n.citations import citation_locale
from editions.model import Job, Report
from editions.sources.manuscript import Piece, assemble
from editions.sources.text import read_source, without_comments

FILTERS = Path(__file__).parent / "filters"

# Raw HTML and raw attributes would let a source inject markup (and scripts) into every format.
READER = "markdown-raw_html-raw_attribute-raw_tex"
_TIMEOUT_SECONDS = 300
# pandoc's own term files ("Abstract", "Figure") serve its templates, and ours prints none of their terms:
# that pandoc lacks them for a language says nothing about the sources. The build warns once per language
# about what it borrows (i18n.catalogs.fallback_warning).
_OURS = frozenset({"CouldNotLoadTranslations", "NoTranslation"})


@dataclass(frozen=True)
class Conversion:
    """pandoc's HTML for one edition: the abstract and the body, split by our pandoc template."""

    html: str


def convert(job: Job, bibliography_title: str, cache: Cache) -> Conversion:
    """Run pandoc once on an edition's sources; every pandoc warning becomes a located error.

    A conversion without warnings is kept in `cache`, by the hash of the text, the bibliography, the
    style, our filters, the options and pandoc's version; a conversion with warnings is never kept, so
    its errors are shown again on every build until they are fixed.
    """
    report, translation = job.report, job.translation
    with tempfile.TemporaryDirectory(prefix="editions-pandoc-") as tmp:
        log = Path(tmp) / "log.json"
        inputs, origins = _inputs(assemble(translation, report.source), Path(tmp))
        options = [
            "--sandbox",
            "--from",
            READER,
            "--to",
            "html5",
            "--standalone",
            "--template",
            str(FILTERS / "edition.html"),
            "--section-divs",
            "--wrap=none",
            "--metadata",
            f"lang={citation_locale(translation.language.tag).tag}",  # citeproc's terms; see i18n/citations
            # The typography follows the edition's own language, which citeproc may not have (Swahili's
            # citations are in en-US): typography.lua reads it here, typography.py is given it below.
            "--metadata",
            f"typography-language={translation.language.tag}",
            "--metadata",
            "link-citations=true",
            "--metadata",
            "link-bibliography=true",
            "--metadata",
            f"reference-section-title={bibliography_title}",
            # The title and subtitle are plain text: given here, they replace the front matter's, which
            # pandoc would read as Markdown (a "@handle" in a title became a citation that was not in the
            # bibliography). convert/typography.py typesets them.
            "--metadata",
            f"title={translation.title}",
            "--metadata",
            f"subtitle={translation.subtitle}",
        ]
        if report.bibliography is not None:
            options += ["--citeproc", "--bibliography", str(report.bibliography)]
            if report.csl is not None:
                options += ["--csl", str(report.csl)]
        # After citeproc, so that citations inside notes are already resolved.
        options += ["--lua-filter", str(FILTERS / "bibliography.lua")]
        options += ["--lua-filter", str(FILTERS / "footnotes.lua")]
        options += ["--lua-filter", str(FILTERS / "typography.lua")]

        def run() -> bytes:
            command = [pypandoc.get_pandoc_path(), *options, f"--log={log}", "--", *inputs]
            done = subprocess.run(
                command, cwd=report.root, capture_output=True, timeout=_TIMEOUT_SECONDS, check=False
            )
            messages = json.loads(log.read_text(encoding="utf-8")) if log.exists() else []
            _raise_problems(done, messages, job, origins)
            html = typography.typeset_html(done.stdout.decode("utf-8"), translation.language.tag)
            return html.encode("utf-8")

        # Paths enter the key by name: their bytes are in it already, and a checkout elsewhere (another
        # CI machine, a copy of the project) can use what this one made.
        named = [
            option.replace(str(report.root), "<report>").replace(str(FILTERS), "<filters>")
            for option in options
        ]
        key = [pypandoc.get_pandoc_version(), *named, *_file_digests(report), *_texts(inputs)]
        html = cache.fetch("pandoc", key, run)
    return Conversion(html=html.decode("utf-8"))


def _file_digests(report: Report) -> list[str]:
    """The files the conversion reads besides the text: pandoc's filters and template, the bibliography,
    the style, and the typography set on pandoc's HTML."""
    files = sorted(FILTERS.iterdir()) + [path for path in (report.bibliography, report.csl) if path]
    files.append(Path(typography.__file__))
    return [f"{path.name}:{file_digest(path)}" for path in files if path.is_file()]


def _texts(inputs: list[str]) -> list[str]:
    return [Path(name).read_text(encoding="utf-8") for name in inputs]


def _raise_problems(
    done: subprocess.CompletedProcess, messages: list[dict], job: Job, origins: dict[str, Piece]
) -> None:
    errors = [
        _located(message, job, origins)
        for message in messages
        if message.get("verbosity") == "WARNING" and message.get("type") not in _OURS
    ]
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace")
        errors.append(_failure(stderr, job.translation.files[0], job.report.bibliography))
    if errors:
        raise ErrorGroup(errors)


_BIBLIOGRAPHY_ERROR = re.compile(
    r"Error reading bibliography file .*?\(line (\d+), column \d+\):\s*(.*)", re.DOTALL
)


def _failure(stderr: str, first: Path, bibliography: Path | None) -> SourceError:
    """Why pandoc stopped, at the bibliography's line when that is what it could not read."""
    bad = _BIBLIOGRAPHY_ERROR.search(stderr)
    if bad and bibliography is not None:
        problem = " ".join(bad.group(2).split())
        return SourceError(
            f"the bibliography cannot be read ({problem}): check the entry that ends just before",
            SourceLocation(bibliography, int(bad.group(1))),
        )
    lines = stderr.strip().splitlines()
    return SourceError(
        f"pandoc could not read this edition: {lines[-1] if lines else 'no message'}", SourceLocation(first)
    )


def _inputs(pieces: tuple[Piece, ...], tmp: Path) -> tuple[list[str], dict[str, Piece]]:
    """pandoc's input files, each piece written out as read (UTF-8, LF, NFC); and what each came from."""
    inputs, origins = [], {}
    for number, piece in enumerate(pieces, start=1):
        path = tmp / f"piece-{number:03d}.md"
        path.write_text(without_comments(piece.text) + "\n", encoding="utf-8")
        inputs.append(str(path))
        origins[str(path)] = piece
    return inputs, origins


def _located(message: dict, job: Job, origins: dict[str, Piece]) -> SourceError:
    """A pandoc log entry as our one-line error, at the place pandoc names or where the key is written."""
    if message.get("type") == "DuplicateIdentifier":
        return _duplicate_id(message.get("contents", ""), edition_files(job), job.site.root)
    position = message.get("openpos") or message
    text = message.get("pretty") or message.get("type", "pandoc warning")
    text = re.sub(r" at \S+ line \d+ column \d+", "", text)
    if "source" in position and "line" in position:
        piece = origins.get(position["source"])
        if piece is not None:
            where = SourceLocation(piece.origin, piece.first_line + position["line"] - 1)
        else:
            where = SourceLocation(job.report.root / position["source"], position["line"])
        return SourceError(f"{text} (pandoc: {message.get('type')})", where)
    missing = re.match(r"citation (\S+) not found", message.get("message", ""))
    if missing:
        key = missing.group(1)
        where = locate(edition_files(job), f"@{key}")
        return SourceError(
            f"citation '@{key}' is not in the bibliography; add it to "
            f"{_name(job.report.bibliography)} or fix the key",
            where,
        )
    return SourceError(text, SourceLocation(job.translation.files[0]))


def _duplicate_id(name: str, files: tuple[Path, ...], root: Path) -> SourceError:
    """An id given twice: most often a heading without `{#id}`, whose id pandoc made from its title,
    equal to an id written elsewhere. Both places are named, so the author knows which to change."""
    places = [locate(files, "{#" + name)]
    for path in files:
        for number, line in enumerate(read_source(path).splitlines(), start=1):
            heading = _HEADING.match(line)
            if heading and "{#" not in line and _automatic_id(heading.group(1)) == name:
                places.append(SourceLocation(path, number))
    places = sorted(dict.fromkeys(places), key=lambda place: (files.index(place.path), place.line or 0))
    shown = " and ".join(str(place.relative(root)) for place in places)
    return SourceError(
        f"the id '{name}' is given twice, at {shown} (a heading without {{#id}} gets one made from its "
        "title): give one of them another id, e.g. `{#" + name + "-2}`",
        places[-1],
    )


_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


def _automatic_id(title: str) -> str:
    """The id pandoc makes from a heading's title (its auto_identifiers rule)."""
    words = re.sub(r"[^\w\s_.-]", "", title.lower()).split()
    return re.sub(r"^[^a-z]+", "", "-".join(words)) or "section"


def edition_files(job: Job) -> tuple[Path, ...]:
    """Every file an edition's text comes from: its own, then the source's when sections fall back to it."""
    translation = job.translation
    if translation.status is not None and translation.status.fallbacks:
        return (*translation.files, *job.report.source.files)
    return translation.files


def _name(path: Path | None) -> str:
    return path.name if path is not None else "the bibliography (references.bib)"
