"""User errors: one located, one-line message each, printed as `path:line: error: message`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SourceLocation:
    """A place in a source file; `line` is 1-based, None when unknown."""

    path: Path
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def relative(self, root: Path | None) -> SourceLocation:
        """The same place, its path shown relative to `root` when it lies below it."""
        if root is not None and self.path.is_absolute() and self.path.is_relative_to(root):
            return SourceLocation(self.path.relative_to(root), self.line)
        return self


def locate(files: tuple[Path, ...], needle: str) -> SourceLocation:
    """The first place `needle` is written in `files`, for errors found after pandoc lost positions."""
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if needle in line:
                return SourceLocation(path, number)
    return SourceLocation(files[0])


class EditionsError(Exception):
    """A problem in the user's sources or settings, reported without a traceback."""

    def __init__(self, message: str, location: SourceLocation | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def render(self, root: Path | None = None) -> str:
        """One line in the compiler style: `reports/x/fr.md:42: error: message`."""
        if self.location is None:
            return f"error: {self.message}"
        return f"{self.location.relative(root)}: error: {self.message}"


class ConfigError(EditionsError):
    """Malformed or missing metadata in report.toml, front matter or site settings."""


class SourceError(EditionsError):
    """A problem in a report's Markdown, images or bibliography."""


class RenderError(EditionsError):
    """A template or rendering engine refused an edition."""


class InternalError(EditionsError):
    """A bug in editions met while working on a user's files: one line for the author, the trace for a log."""

    def __init__(self, summary: str, trace: str, location: SourceLocation | None = None) -> None:
        super().__init__(f"an internal error, a bug in editions and not in your sources: {summary}", location)
        self.trace = trace


class ErrorGroup(EditionsError):
    """Several user errors found together, so an author can fix them all in one go."""

    def __init__(self, errors: list[EditionsError]) -> None:
        super().__init__(f"{len(errors)} problems found")
        self.errors = list(errors)

    def render(self, root: Path | None = None) -> str:
        """Every error on its own line."""
        return "\n".join(error.render(root) for error in self.errors)


def flatten(error: EditionsError) -> list[EditionsError]:
    """The individual errors inside `error`."""
    return list(error.errors) if isinstance(error, ErrorGroup) else [error]
