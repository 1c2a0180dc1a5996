"""What a validator found wrong in a built file, as one located line."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    """One problem in one file.

    `path` is relative to the checked folder, in `/` form; a file inside an EPUB is named below the book,
    as in `sample/en/sample-en.epub/EPUB/chapter-01.xhtml`. `line` is 1-based, None when the tool gives none.
    """

    path: str
    line: int | None
    tool: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.tool}: {self.message}"


def shown_path(path: Path, root: Path) -> str:
    """`path` relative to `root` in `/` form, or as given when it lies elsewhere."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def common_folder(paths: Sequence[Path]) -> Path:
    """The deepest folder holding every one of `paths`: where their findings are named from."""
    if not paths:
        return Path.cwd()
    return Path(os.path.commonpath([path.resolve().parent for path in paths]))


def one_line(text: str, limit: int = 300) -> str:
    """A tool's message on a single line, cut at `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
