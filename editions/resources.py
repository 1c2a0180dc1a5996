"""What every edition of a process loads alike — fonts, catalogs, Jinja environments — loaded once.

A `Resources` belongs to whoever runs editions: a worker process (made by the pool's initializer), the
build that runs them in its own process, or `serve` for its whole session. Each thing is remembered with
the stamps (path, size, modification time) of the files it was loaded from, and loaded again as soon as
one of them changes, so a preview sees an edited catalog or font setting at its next build. Templates
need no stamp of ours: Jinja checks each template file's time before it uses its compiled copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from editions import i18n
from editions.i18n.catalogs import catalog_for
from editions.model import Language

# The loaders are imported when something is first loaded: a build with nothing to build makes a
# `Resources` and never uses it, and importing the fonts' and templates' code took a tenth of its time.
if TYPE_CHECKING:
    import jinja2
    from babel.support import Translations

    from editions.prepare.fonts import FontSet

_T = TypeVar("_T")
Stamp = tuple[tuple[str, int, int], ...]


class Resources:
    """Fonts, catalogs and template environments, each loaded once while its files stay the same."""

    def __init__(self) -> None:
        # One entry per thing (kind, folder, language): a changed file replaces its entry, so a long
        # preview session keeps no stale copies.
        self._memo: dict[tuple[object, ...], tuple[Stamp, object]] = {}
        self.loads = 0  # how many times something was actually read, for tests and the benchmark

    def fonts(self, fonts_dir: Path) -> FontSet:
        """The font settings and faces of `fonts_dir` (see `prepare.fonts.load_fonts`)."""
        from editions.prepare.fonts import load_fonts

        files = [fonts_dir / "fonts.toml", *_files(fonts_dir)]
        return self._get(("fonts", fonts_dir), stamp(files), lambda: load_fonts(fonts_dir))

    def translations(self, locales_dir: Path, language: Language) -> Translations:
        """The compiled catalog of `language` (see `i18n.load_translations`)."""
        return self._get(
            ("translations", locales_dir, language),
            self._catalog_stamp(locales_dir, language),
            lambda: i18n.load_translations(locales_dir, language),
        )

    def environment(self, templates_dir: Path, locales_dir: Path, language: Language) -> jinja2.Environment:
        """The template environment of `language`, speaking its catalog (see `make_environment`)."""
        from editions.writers.templating import make_environment

        return self._get(
            ("environment", templates_dir, locales_dir, language),
            self._catalog_stamp(locales_dir, language),
            lambda: make_environment(templates_dir, language, self.translations(locales_dir, language)),
        )

    def _catalog_stamp(self, locales_dir: Path, language: Language) -> Stamp:
        return stamp([path] if (path := catalog_for(locales_dir, language.locale)) else [])

    def _get(self, key: tuple[object, ...], current: Stamp, load: Callable[[], _T]) -> _T:
        kept = self._memo.get(key)
        if kept is not None and kept[0] == current:
            return kept[1]  # type: ignore[return-value]
        value = load()
        self.loads += 1
        self._memo[key] = (current, value)
        return value


def stamp(paths: Iterable[Path]) -> Stamp:
    """Path, size and modification time of each file, in order; a missing file counts as size -1."""
    stamps = []
    for path in paths:
        try:
            status = path.stat()
            stamps.append((str(path), status.st_size, status.st_mtime_ns))
        except OSError:
            stamps.append((str(path), -1, 0))
    return tuple(stamps)


def _files(folder: Path) -> list[Path]:
    try:
        return sorted(path for path in folder.rglob("*") if path.is_file())
    except OSError:
        return []
