"""The shipped fonts: which faces exist, their @font-face rules, and per-edition subsets for EPUB and web."""

from __future__ import annotations

import io
import tomllib
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from editions.errors import ConfigError, SourceLocation


@dataclass(frozen=True)
class Face:
    """One font file and the CSS family, weight and style it provides."""

    family: str
    path: Path
    weight: int = 400
    style: str = "normal"


@dataclass(frozen=True)
class FontSet:
    """Every face, and the CSS font stacks for body text and headings."""

    faces: tuple[Face, ...]
    body: tuple[str, ...]
    heading: tuple[str, ...]

    def stack(self, name: str) -> str:
        """A CSS font-family value such as `"Noto Serif", "Noto Serif Thai", serif`."""
        families = self.body if name == "body" else self.heading
        generic = "serif" if name == "body" else "sans-serif"
        return ", ".join([*(f'"{family}"' for family in families), generic])


@dataclass(frozen=True)
class FontFile:
    """A font written for an edition: its file name and the face it serves."""

    name: str
    data: bytes
    face: Face
    media_type: str


def load_fonts(fonts_dir: Path) -> FontSet:
    """Read fonts.toml in the templates' fonts folder."""
    settings = fonts_dir / "fonts.toml"
    try:
        data = tomllib.loads(settings.read_text(encoding="utf-8"))
        faces = tuple(
            Face(
                family=f["family"],
                path=fonts_dir / f["file"],
                weight=int(f.get("weight", 400)),
                style=f.get("style", "normal"),
            )
            for f in data["face"]
        )
        stacks = data["stacks"]
        unknown = (set(stacks["body"]) | set(stacks["heading"])) - {face.family for face in faces}
        if unknown:
            raise ConfigError(
                f"[stacks] names families without a [[face]]: {', '.join(sorted(unknown))}",
                SourceLocation(settings),
            )
        missing = [face.path.name for face in faces if not face.path.is_file()]
        if missing:
            raise ConfigError(
                f"font files listed but not present: {', '.join(missing)}", SourceLocation(settings)
            )
        return FontSet(faces=faces, body=tuple(stacks["body"]), heading=tuple(stacks["heading"]))
    except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read the font settings: {error}", SourceLocation(settings)) from None


def subset_fonts(fonts: FontSet, text: str, flavor: str) -> tuple[FontFile, ...]:
    """Subsets, as `flavor` ("woff" or "woff2"), of the families the edition's text needs.

    A family is needed when it draws characters the families before it in its stack do not: a Thai
    font is shipped with the Thai edition, not with the French one.
    """
    wanted = {ord(character) for character in text if not character.isspace()}
    needed: set[str] = set()
    for stack in (fonts.body, fonts.heading):
        remaining = set(wanted)
        for family in stack:
            covered = remaining & _cmap(_faces(fonts, family)[0].path)
            if covered:
                needed.add(family)
                remaining -= covered
    files = []
    for face in fonts.faces:
        if face.family in needed:
            codepoints = (wanted | {0x20, 0xA0}) & _cmap(face.path)
            data = _subset(face.path, codepoints, flavor)
            files.append(
                FontFile(name=f"{face.path.stem}.{flavor}", data=data, face=face, media_type=f"font/{flavor}")
            )
    return tuple(files)


def _faces(fonts: FontSet, family: str) -> list[Face]:
    return [face for face in fonts.faces if face.family == family]


def _cmap(path: Path) -> set[int]:
    with TTFont(path, lazy=True) as font:
        return set(font.getBestCmap())


def font_face_css(files: tuple[FontFile, ...], prefix: str) -> str:
    """@font-face rules for written font files, their URLs starting with `prefix`."""
    rules = []
    for file in files:
        rules.append(
            "@font-face {\n"
            f'  font-family: "{file.face.family}";\n'
            f"  font-weight: {file.face.weight};\n"
            f"  font-style: {file.face.style};\n"
            f'  src: url("{prefix}{file.name}") format("{file.media_type.split("/")[1]}");\n'
            "}\n"
        )
    return "".join(rules)


def _subset(path: Path, codepoints: set[int], flavor: str) -> bytes:
    options = subset.Options()
    options.flavor = flavor
    options.layout_features = ["*"]  # keep kerning, ligatures and the mark positioning Thai needs
    options.recalc_timestamp = False  # the original date keeps the file reproducible
    font = subset.load_font(str(path), options, dontLoadGlyphNames=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    return buffer.getvalue()
