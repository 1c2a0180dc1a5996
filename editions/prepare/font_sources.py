"""Where a face's file comes from: the templates' fonts folder, or a system package pinned by SHA-256.

Faces too large for the repository (the Chinese, Japanese and Korean ones: 16 MB and more each) come from
a Debian package that the set-up installs (`fonts-noto-cjk`). fonts.toml names the package, the file's
absolute path, its SHA-256 and, for a collection (`.ttc`), the index of the face. The file is checked
against the SHA-256 before any use, so a different version of the package is an error, never a silently
different edition; a collection's face is copied out once into a cache as a font file of its own, so
that every consumer (fontTools, WeasyPrint, the subsetter) reads one plain face. Fonts are only ever read
at these explicit paths: the machine's font configuration plays no part.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont, TTLibError

from editions.errors import ConfigError, SourceLocation

_CHUNK = 1 << 20


def cache_dir() -> Path:
    """The folder that holds faces copied out of collections ($XDG_CACHE_HOME/editions/fonts)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "editions" / "fonts"


def face_path(
    fonts_dir: Path, entry: Mapping[str, object], settings: Path, cache: Path | None = None
) -> Path:
    """The font file of one `[[face]]` of fonts.toml, ready to read.

    A face with `package` is verified against its `sha256`; with `index` it is taken out of its collection
    into `cache` (by default `cache_dir()`). Any other face is `file` in `fonts_dir`.
    """
    if "package" not in entry:
        return fonts_dir / str(entry["file"])
    package, source = str(entry["package"]), Path(str(entry["file"]))
    expected = str(entry.get("sha256", "")).lower()
    if not source.is_absolute() or len(expected) != 64:
        raise ConfigError(
            f"the face '{entry.get('family')}' from package {package} needs an absolute `file` and its "
            "`sha256` (64 hexadecimal digits)",
            SourceLocation(settings),
        )
    if not source.is_file():
        raise ConfigError(
            f"the font file {source} of the Debian package {package} is missing: install it with "
            f"`apt-get install {package}` (the set-up of build.py does it for you)",
            SourceLocation(settings),
        )
    if file_sha256(source) != expected:
        raise ConfigError(
            f"the font file {source} is not the version of {package} that fonts.toml pins (its SHA-256 "
            f"differs from {expected}): install the pinned version, or update the entry and check the "
            "editions it changes",
            SourceLocation(settings),
        )
    if "index" not in entry:
        return source
    return _extract(source, expected, int(str(entry["index"])), cache or cache_dir(), settings)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, computed once per process for each version of it on disk."""
    stat = path.stat()
    return _sha256(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _extract(source: Path, sha256: str, index: int, cache: Path, settings: Path) -> Path:
    """The face `index` of the verified collection `source`, as a font file of its own in `cache`.

    The name holds the collection's SHA-256, so a cached face always matches the pinned collection; it is
    written to a temporary name first and renamed, so parallel builds never see half a file.
    """
    suffix = ".otf" if source.suffix.lower() in (".ttc", ".otc") else source.suffix
    target = cache / f"{source.stem}-{index}-{sha256[:16]}{suffix}"
    if target.is_file():
        return target
    try:
        collection = TTCollection(str(source), lazy=True)
        if not 0 <= index < len(collection.fonts):
            raise ConfigError(
                f"{source} holds {len(collection.fonts)} faces: `index` {index} is not one of 0 to "
                f"{len(collection.fonts) - 1}",
                SourceLocation(settings),
            )
        cache.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}")
        face: TTFont = collection.fonts[index]
        face.save(str(partial), reorderTables=False)
        os.replace(partial, target)
    except (OSError, TTLibError) as error:
        raise ConfigError(
            f"cannot take face {index} out of {source} into {cache}: {error}", SourceLocation(settings)
        ) from None
    return target
