"""Pipe tables checked before pandoc reads them: a row with more cells than its header loses the extra
cells without a word, so it is a located error."""

from __future__ import annotations

import re
from pathlib import Path

from editions.errors import SourceError, SourceLocation

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def table_problems(path: Path, text: str) -> list[SourceError]:
    """One error for each table row that has more cells than its header."""
    lines, errors, fenced = text.splitlines(), [], False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        if fenced or index == 0 or not _SEPARATOR.match(line) or "|" not in line:
            continue
        width = len(_cells(lines[index - 1]))
        for number in range(index + 2, len(lines) + 1):
            row = lines[number - 1]
            if not row.strip() or "|" not in row:
                break
            count = len(_cells(row))
            if count > width:
                errors.append(
                    SourceError(
                        f"this table row has {count} cells but its header has {width}: the extra cells "
                        "would be lost; add a column to the header or merge the cells",
                        SourceLocation(path, number),
                    )
                )
    return errors


def _cells(row: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", row.strip())
    if cells and not cells[0].strip():
        cells = cells[1:]
    if cells and not cells[-1].strip():
        cells = cells[:-1]
    return cells
