"""What pandoc reads for one edition: its own files, and each missing section taken from the source.

A section the translation does not have yet is copied from the source language, with its subsections and
the footnotes it calls, inside a `::: {.untranslated lang=…}` block: pandoc makes that block the
section itself, so the section carries the source's `lang` (screen readers and hyphenation follow it).
It goes where the source has it: before the next section the translation does have. Every piece keeps
the file and first line it was copied from, so pandoc's messages still point at the right line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from editions.i18n.tracking import SectionState
from editions.model import Language, Translation
from editions.sources.sections import FRONT_MATTER, Section, Span, span_text
from editions.sources.text import read_source

_NOTE = re.compile(r"\[\^([^\]\s^]+)\]")


@dataclass(frozen=True)
class Piece:
    """Consecutive lines of one file (or a line we add), in the order pandoc reads them."""

    text: str
    origin: Path
    first_line: int


def assemble(translation: Translation, source: Translation) -> tuple[Piece, ...]:
    """The pieces of an edition, in reading order."""
    status = translation.status
    if status is None or not status.fallbacks:
        return tuple(Piece(read_source(path), path, 1) for path in translation.files)
    texts = {path: read_source(path) for path in (*translation.files, *source.files)}
    ordered = [state for state in status.sections if state.source is not None]
    notes = _notes(ordered, texts)
    inserts: dict[tuple[Path, int] | None, list[Piece]] = {}
    given: set[str] = set()  # notes copied already: pandoc refuses a note defined twice
    for fallback in status.fallbacks:
        start = ordered.index(fallback)
        subtree = [fallback]
        for state in ordered[start + 1 :]:
            if state.source.level <= fallback.source.level:
                break
            subtree.append(state)
        after = ordered[start + len(subtree) :]
        anchor = next(
            (
                (s.translation.location.path, s.translation.location.line)
                for s in after
                if s.translation is not None and s.id != FRONT_MATTER
            ),
            None,
        )
        pieces = _copied(subtree, texts, notes, source.language, translation.language, given)
        inserts.setdefault(anchor, []).extend(pieces)
    result: list[Piece] = []
    for path in translation.files:
        lines = texts[path].splitlines()
        start = 1
        for line in sorted(line for key in inserts if key and key[0] == path for line in [key[1]]):
            result.append(Piece("\n".join(lines[start - 1 : line - 1]), path, start))
            result += inserts[(path, line)]
            start = line
        result.append(Piece(texts[path] if start == 1 else "\n".join(lines[start - 1 :]), path, start))
    return tuple(result + inserts.get(None, []))


def _copied(
    subtree: list[SectionState],
    texts: dict[Path, str],
    notes: dict[str, Span],
    source: Language,
    edition: Language,
    given: set[str],
) -> list[Piece]:
    """A missing section and its subsections from the source, in a block marked with its language, with
    the notes they call that no earlier copy brought (`given`, which this adds them to)."""
    head: Section = subtree[0].source
    attributes = f".untranslated lang={source.tag}"
    if source.direction != edition.direction:
        attributes += f" dir={source.direction}"
    pieces = [Piece(f"::: {{{attributes}}}", head.location.path, head.location.line)]
    called: list[str] = []
    for state in subtree:
        for span in state.source.body:
            text = span_text(texts, span)
            called += _NOTE.findall(text)
            pieces.append(Piece(_renamed(text, source.tag), span.path, span.start))
    for label in dict.fromkeys(called):
        if label in notes and label not in given:
            given.add(label)
            span = notes[label]
            pieces.append(Piece(_renamed(span_text(texts, span), source.tag), span.path, span.start))
    pieces.append(Piece(":::", head.location.path, head.location.line))
    return pieces


def _notes(ordered: list[SectionState], texts: dict[Path, str]) -> dict[str, Span]:
    """Every footnote definition of the source, by label."""
    found = {}
    for state in ordered:
        for span in state.source.notes:
            label = _NOTE.search(span_text(texts, span))
            if label:
                found[label.group(1)] = span
    return found


def _renamed(text: str, tag: str) -> str:
    """Copied notes get their own labels, so they never meet the translation's notes of the same name."""
    return _NOTE.sub(lambda match: f"[^{tag}:{match.group(1)}]", text)
