"""Which version of the source each translated section was made from, and what that makes each section.

A translation's record is `reports/<slug>/<lang>.translation.toml`, committed beside its sources. It
maps each section id to the fingerprint of the source section the translator last brought it up to date
with; `editions i18n accept` writes it. Comparing it with today's source gives each section a state:

- current:  translated from the source as it is now;
- stale:    the source section changed since (or was never recorded as translated);
- missing:  the source has it, the translation does not (the edition shows the source text instead);
- orphaned: the translation has it, the source no longer does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from editions.errors import ConfigError, SourceLocation
from editions.sources.checks import read_toml
from editions.sources.sections import FRONT_MATTER, Section
from editions.storage import write_atomic

RECORD_SUFFIX = ".translation.toml"
STATES = ("current", "stale", "missing", "orphaned")


@dataclass(frozen=True)
class SectionState:
    """One section id of a translation, compared with the source."""

    id: str
    state: str  # one of STATES
    source: Section | None  # the source language's section, None when orphaned
    translation: Section | None  # the translation's section, None when missing
    recorded: str = ""  # the source fingerprint the translation was accepted against, "" if never


@dataclass(frozen=True)
class TranslationStatus:
    """Every section of one translation, in the source's order (orphans last)."""

    source_language: str
    record: Path
    sections: tuple[SectionState, ...]

    def ids(self, state: str) -> tuple[str, ...]:
        """The ids of the sections in `state`."""
        return tuple(s.id for s in self.sections if s.state == state)

    def count(self, state: str) -> int:
        """How many sections are in `state`."""
        return len(self.ids(state))

    @property
    def pending(self) -> int:
        """Sections a reader does not get as an up-to-date translation: stale or missing."""
        return self.count("stale") + self.count("missing")

    @property
    def fallbacks(self) -> tuple[SectionState, ...]:
        """Missing sections whose parent is translated: each is shown, with its subsections, from the
        source text."""
        missing, result, parents = set(self.ids("missing")), [], []
        for state in self.sections:
            if state.source is None:
                continue
            while parents and parents[-1].level >= state.source.level:
                parents.pop()
            if state.id in missing and not any(p.id in missing for p in parents):
                result.append(state)
            parents.append(state.source)
        return tuple(result)


def record_path(report_root: Path, tag: str) -> Path:
    """Where the record of language `tag` of a report is kept."""
    return report_root / f"{tag}{RECORD_SUFFIX}"


def read_record(path: Path) -> dict[str, str]:
    """The recorded source fingerprints by section id; empty when the translation was never accepted."""
    if not path.exists():
        return {}
    data = read_toml(path)
    sections = data.get("sections", {})
    if not isinstance(sections, dict) or not all(isinstance(v, str) for v in sections.values()):
        raise ConfigError(
            "[sections] must map section ids to fingerprints; regenerate this file with "
            "`python3 build.py i18n accept <report> <language>`",
            SourceLocation(path),
        )
    return dict(sections)


def compare(
    source: tuple[Section, ...],
    translation: tuple[Section, ...],
    record: dict[str, str],
    source_tag: str,
    path: Path,
) -> TranslationStatus:
    """Each section's state, from the source's and the translation's sections and the record."""
    translated = {section.id: section for section in translation}
    states = []
    for section in source:
        mine = translated.get(section.id)
        recorded = record.get(section.id, "")
        if mine is None and section.id != FRONT_MATTER:
            state = "missing"
        elif recorded == section.fingerprint:
            state = "current"
        else:
            state = "stale"
        states.append(SectionState(section.id, state, section, mine, recorded))
    known = {section.id for section in source}
    states += [
        SectionState(section.id, "orphaned", None, section, record.get(section.id, ""))
        for section in translation
        if section.id not in known
    ]
    return TranslationStatus(source_language=source_tag, record=path, sections=tuple(states))


def accepted(status: TranslationStatus, ids: tuple[str, ...] = ()) -> dict[str, str]:
    """The record after accepting sections `ids` (all translated sections when empty) as up to date.

    A missing section cannot be accepted: there is nothing to accept. Orphans leave the record.
    """
    by_id = {s.id: s for s in status.sections}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise ConfigError(
            f"no section '{unknown[0]}' in this report; the sections are: "
            + ", ".join(s.id for s in status.sections if s.source is not None),
            SourceLocation(status.record),
        )
    untranslated = [i for i in ids if by_id[i].state in ("missing", "orphaned")]
    if untranslated:
        raise ConfigError(
            f"section '{untranslated[0]}' is {by_id[untranslated[0]].state} in this translation: "
            "translate it (with the same heading id) before accepting it",
            SourceLocation(status.record),
        )
    record = {s.id: s.recorded for s in status.sections if s.recorded and s.source and s.translation}
    for state in status.sections:
        if state.source is not None and state.translation is not None and (not ids or state.id in ids):
            record[state.id] = state.source.fingerprint
    return record


def write_record(path: Path, source_tag: str, record: dict[str, str], order: list[str]) -> None:
    """Write a record file (atomically), sections in the source's order."""
    lines = [
        "# Which version of each source section this translation was last brought up to date with.",
        "# Written by `python3 build.py i18n accept`; commit it together with the translation.",
        f'source = "{source_tag}"',
        "",
        "[sections]",
    ]
    lines += [f'"{section_id}" = "{record[section_id]}"' for section_id in order if section_id in record]
    write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))
