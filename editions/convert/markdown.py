"""The only module that calls pandoc: one conversion per edition, Markdown → HTML with citations resolved."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypandoc

from editions.errors import ErrorGroup, SourceError, SourceLocation, locate
from editions.model import Job
from editions.sources.manuscript import Piece, assemble
from editions.sources.text import read_source, without_comments

FILTERS = Path(__file__).parent / "filters"

# Raw HTML and raw attributes would let a source inject markup (and scripts) into every format.
READER = "markdown-raw_html-raw_attribute-raw_tex"
_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class Conversion:
    """pandoc's HTML for one edition: the abstract and the body, split by our pandoc template."""

    html: str


def convert(job: Job, bibliography_title: str) -> Conversion:
    """Run pandoc once on an edition's sources; every pandoc warning becomes a located error."""
    report, translation = job.report, job.translation
    with tempfile.TemporaryDirectory(prefix="editions-pandoc-") as tmp:
        log = Path(tmp) / "log.json"
        inputs, origins = _inputs(assemble(translation, report.source), Path(tmp))
        command = [
            pypandoc.get_pandoc_path(),
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
            f"--log={log}",
            "--metadata",
            f"lang={translation.language.tag}",
            "--metadata",
            "link-citations=true",
            "--metadata",
            "link-bibliography=true",
            "--metadata",
            f"reference-section-title={bibliography_title}",
        ]
        if report.bibliography is not None:
            command += ["--citeproc", "--bibliography", str(report.bibliography)]
            if report.csl is not None:
                command += ["--csl", str(report.csl)]
        # After citeproc, so that citations inside notes are already resolved.
        command += ["--lua-filter", str(FILTERS / "bibliography.lua")]
        command += ["--lua-filter", str(FILTERS / "footnotes.lua")]
        command += ["--lua-filter", str(FILTERS / "typography.lua"), "--", *inputs]
        done = subprocess.run(
            command, cwd=report.root, capture_output=True, timeout=_TIMEOUT_SECONDS, check=False
        )
        messages = json.loads(log.read_text(encoding="utf-8")) if log.exists() else []
    errors = [
        _located(message, job, origins) for message in messages if message.get("verbosity") == "WARNING"
    ]
    if done.returncode != 0:
        text = done.stderr.decode("utf-8", "replace").strip().splitlines()
        errors.append(
            SourceError(
                f"pandoc could not read this edition: {text[-1] if text else 'no message'}",
                SourceLocation(translation.files[0]),
            )
        )
    if errors:
        raise ErrorGroup(errors)
    return Conversion(html=done.stdout.decode("utf-8"))


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
