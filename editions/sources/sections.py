"""A language's Markdown cut into sections: stable ids, where each is written, a fingerprint of its content.

A section starts at every heading with an explicit id (`## Methods {#methods}`) and runs to the next
one; a heading without an id stays part of the section above it. Footnote definitions count as part of
the section that first calls them, wherever they are written, so editing a note makes exactly that
section stale. The front matter (title, subtitle, abstract, keywords) is one more section,
`FRONT_MATTER`. Fingerprints ignore whitespace: re-wrapping a paragraph changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from editions.errors import SourceError, SourceLocation
from editions.sources.text import read_source

FRONT_MATTER = "@front-matter"  # "@" cannot start a heading id, so this never collides with one
_TRANSLATED_KEYS = ("title", "subtitle", "abstract", "keywords")  # translators differ by design
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_HEADING_ID = re.compile(r"\{#([\w:.-]+)[^}]*\}\s*$")  # pandoc's id characters
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_NOTE_DEFINITION = re.compile(r"^\s{0,3}\[\^([^\]\s^]+)\]:")
_NOTE_CALL = re.compile(r"\[\^([^\]\s^]+)\](?!:)")


@dataclass(frozen=True)
class Span:
    """Lines `start` to `end` (1-based, end excluded) of one file."""

    path: Path
    start: int
    end: int


@dataclass(frozen=True)
class Section:
    """One section of one language: its id, heading level (0 for the front matter) and content."""

    id: str
    level: int
    title: str
    location: SourceLocation  # the heading (or the front matter's first line)
    body: tuple[Span, ...]  # where its own text is written, footnote definitions left out
    notes: tuple[Span, ...]  # the footnote definitions it calls first, wherever they are written
    text: str  # its Markdown as written, notes appended: what a translator compares
    fingerprint: str


@dataclass(frozen=True)
class _Note:
    label: str
    span: Span


def read_sections(files: tuple[Path, ...]) -> tuple[Section, ...]:
    """The sections of one language's source files, front matter first, in reading order."""
    return split_sections([(path, read_source(path)) for path in files])


def split_sections(texts: list[tuple[Path, str]]) -> tuple[Section, ...]:
    """The sections of files given as (path, text); used on old versions from history as well."""
    headings: list[tuple[str, int, str, Path, int]] = []  # id, level, title, path, line
    bodies: dict[str, list[Span]] = {}
    notes: list[_Note] = []
    calls: dict[str, list[str]] = {}  # section id → note labels it calls, in order
    front: Section | None = None
    current = ""
    seen: dict[str, SourceLocation] = {}
    for path, text in texts:
        lines = text.splitlines()
        first = 1
        if path == texts[0][0]:
            front, first = _front_matter(path, lines)
        fence = ""
        note: _Note | None = None
        start = first
        for number in range(first, len(lines) + 1):
            line = lines[number - 1]
            if fence:
                fence = "" if _closes(line, fence) else fence
                continue
            if note is not None and line.strip() and not line.startswith(("    ", "\t")):
                notes.append(_Note(note.label, Span(path, note.span.start, number)))
                note, start = None, number
            opening = _FENCE.match(line)
            heading = _HEADING.match(line)
            definition = _NOTE_DEFINITION.match(line)
            if opening and note is None:
                fence = opening.group(1)
            elif heading and note is None and _HEADING_ID.search(heading.group(2)):
                if current:
                    bodies[current].append(Span(path, start, number))
                current = _HEADING_ID.search(heading.group(2)).group(1)
                if current in seen:
                    raise SourceError(
                        f"the heading id '{current}' is used twice in this language (first at "
                        f"{seen[current]}): give each section its own id",
                        SourceLocation(path, number),
                    )
                seen[current] = SourceLocation(path, number)
                title = _HEADING_ID.sub("", heading.group(2)).strip()
                headings.append((current, len(heading.group(1)), title, path, number))
                bodies[current], start = [], number
            elif heading and note is None and len(heading.group(1)) <= 2:
                kind, marks = ("chapter", "#") if len(heading.group(1)) == 1 else ("section", "##")
                raise SourceError(
                    f"this {kind} heading has no id: write it as `{marks} Title {{#id}}`, with the same "
                    "id in every language, so its translations can be matched",
                    SourceLocation(path, number),
                )
            elif definition:
                if current:
                    bodies[current].append(Span(path, start, number))
                note = _Note(definition.group(1), Span(path, number, number))
                continue
            if note is None and current:
                calls.setdefault(current, []).extend(_NOTE_CALL.findall(line))
        end = len(lines) + 1
        if note is not None:
            notes.append(_Note(note.label, Span(path, note.span.start, end)))
        elif current:
            bodies[current].append(Span(path, start, end))
    owner = _note_owners(calls, [h[0] for h in headings])
    lines_of = {path: text.splitlines() for path, text in texts}  # split once, not once per span
    notes_of: dict[str, list[Span]] = {}
    for note in notes:
        if note.label in owner:
            notes_of.setdefault(owner[note.label], []).append(note.span)
    sections = [front] if front else []
    for section_id, level, title, path, line in headings:
        body = tuple(span for span in bodies[section_id] if span.end > span.start)
        own_notes = tuple(notes_of.get(section_id, ()))
        text = "\n".join(
            "\n".join(lines_of[span.path][span.start - 1 : span.end - 1]) for span in (*body, *own_notes)
        )
        sections.append(
            Section(
                id=section_id,
                level=level,
                title=title,
                location=SourceLocation(path, line),
                body=body,
                notes=own_notes,
                text=text,
                fingerprint=fingerprint(text),
            )
        )
    return tuple(sections)


def fingerprint(text: str) -> str:
    """A short hash of `text` that ignores every difference in whitespace."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def _front_matter(path: Path, lines: list[str]) -> tuple[Section | None, int]:
    """The front matter as a section, and the first line after it."""
    if not lines or lines[0].strip() != "---":
        return None, 1
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), None)
    if end is None:
        return None, 1
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError:
        meta = {}
    values = {key: meta.get(key) for key in _TRANSLATED_KEYS} if isinstance(meta, dict) else {}
    text = "\n".join(lines[1:end])
    section = Section(
        id=FRONT_MATTER,
        level=0,
        title=str(values.get("title") or ""),
        location=SourceLocation(path, 1),
        body=(Span(path, 1, end + 2),),
        notes=(),
        text=text,
        fingerprint=fingerprint(json.dumps(_words(values), ensure_ascii=False, sort_keys=True, default=str)),
    )
    return section, end + 2


def _words(value: object) -> object:
    """`value` with every run of whitespace in its strings made one space: re-wrapping an abstract written
    over several lines (`abstract: |`) changes its words' layout, not its text. Without this, JSON would
    keep the line breaks as `\\n`, which `fingerprint` cannot tell from text."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [_words(item) for item in value]
    if isinstance(value, dict):
        return {key: _words(item) for key, item in value.items()}
    return value


def _closes(line: str, fence: str) -> bool:
    """Whether `line` closes a code block opened with `fence`: as pandoc reads it, the same character at
    least as many times and nothing else, so a ```` block can show a ``` block with its headings."""
    mark = line.strip()
    return mark.startswith(fence) and mark == fence[0] * len(mark)


def _note_owners(calls: dict[str, list[str]], order: list[str]) -> dict[str, str]:
    owners: dict[str, str] = {}
    for section_id in order:
        for label in calls.get(section_id, ()):
            owners.setdefault(label, section_id)
    return owners


def span_text(texts: dict[Path, str], span: Span) -> str:
    """The lines of `span`, from the texts of its files."""
    return "\n".join(texts[span.path].splitlines()[span.start - 1 : span.end - 1])
