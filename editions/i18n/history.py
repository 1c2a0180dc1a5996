"""What changed in a source section since it was translated, read from git history when there is one.

The record of a translation keeps only a fingerprint of each source section. To show a translator what
to update, we look for the commit in which the source section had exactly that fingerprint, then list
the commits that changed the section since, and the difference between that text and today's.
"""

from __future__ import annotations

import difflib
import itertools
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from editions.errors import EditionsError
from editions.sources.sections import Section, split_sections

_MAX_DIFF_LINES = 14


@dataclass(frozen=True)
class Change:
    """How a source section moved on from the version a translation was made from."""

    commits: tuple[str, ...]  # "1a2b3c4 2026-11-20 Subject", newest first
    uncommitted: bool  # the working copy differs from the last commit too
    diff: tuple[str, ...]  # "-old line" / "+new line", at most _MAX_DIFF_LINES and a "…" line


@dataclass
class History:
    """The git history of a project, with each commit's sections read at most once per language."""

    root: Path
    _sections: dict[tuple[str, tuple[Path, ...]], dict[str, Section]] = field(default_factory=dict)

    def change(self, files: tuple[Path, ...], current: Section, recorded: str) -> Change | None:
        """How `current` changed since its version with fingerprint `recorded`; None when git does not
        know that version (no repository, no git, or the text was never committed as such)."""
        commits = self._log(files)
        versions = [(commit, self._at(commit, files).get(current.id)) for commit in commits]
        index = next((i for i, (_, s) in enumerate(versions) if s and s.fingerprint == recorded), None)
        if index is None:
            return None
        changed = []
        for (commit, section), (_, older) in itertools.pairwise(versions[: index + 1]):
            if section is None or older is None or section.fingerprint != older.fingerprint:
                changed.append(commit.split("\x1f", 1)[1].replace("\x1f", " "))
        head = versions[0][1]
        return Change(
            commits=tuple(changed),
            uncommitted=head is None or head.fingerprint != current.fingerprint,
            diff=_diff(versions[index][1].text, current.text),
        )

    def _log(self, files: tuple[Path, ...]) -> list[str]:
        output = self._git("log", "--format=%H%x1f%h%x1f%ad%x1f%s", "--date=short", "--", *map(str, files))
        return output.splitlines() if output else []

    def _at(self, commit: str, files: tuple[Path, ...]) -> dict[str, Section]:
        key = (commit, files)
        if key not in self._sections:
            full = commit.split("\x1f", 1)[0]
            texts = []
            for path in files:
                relative = path.relative_to(self.root).as_posix()
                text = self._git("show", f"{full}:./{relative}")
                if text is not None:
                    texts.append((path, text))
            try:
                sections = split_sections(texts) if texts else ()
            except EditionsError:  # an old version an author once committed broken
                sections = ()
            self._sections[key] = {section.id: section for section in sections}
        return self._sections[key]

    def _git(self, *arguments: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(self.root), *arguments], capture_output=True, timeout=60, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def _diff(old: str, new: str) -> tuple[str, ...]:
    lines = [
        line
        for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
        if not line.startswith(("---", "+++", "@@"))
    ]
    if len(lines) > _MAX_DIFF_LINES:
        lines = [*lines[:_MAX_DIFF_LINES], f"… and {len(lines) - _MAX_DIFF_LINES} more changed lines"]
    return tuple(lines)
