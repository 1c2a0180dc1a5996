"""The shipped fonts: which faces exist, in which stacks for each language and role, and what they draw."""

from __future__ import annotations

import bisect
import struct
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError

from editions.cache import Cache
from editions.errors import ConfigError, ErrorGroup, SourceLocation
from editions.i18n.tags import lang_selectors, lookup_tags
from editions.prepare import harfbuzz
from editions.prepare.font_sources import face_path
from editions.prepare.fonts_schema import font_settings_problems


@dataclass(frozen=True)
class CharacterSet:
    """The characters a face draws, as sorted runs of code points: `c in characters`, iteration, len.

    A frozenset of a face's code points costs about 60 bytes each: the 56 faces of the repository's
    fonts, CJK included, held 66 MiB in every worker that way. Runs hold the same in a few kilobytes.
    """

    bounds: tuple[int, ...] = ()  # start, end (exclusive), start, end …

    @classmethod
    def of(cls, codepoints: Iterable[int]) -> CharacterSet:
        """The set of `codepoints`."""
        bounds: list[int] = []
        for codepoint in sorted(set(codepoints)):
            if bounds and bounds[-1] == codepoint:
                bounds[-1] = codepoint + 1
            else:
                bounds += (codepoint, codepoint + 1)
        return cls(tuple(bounds))

    def __contains__(self, codepoint: object) -> bool:
        # Inside a run when the number of bounds at or below it is odd.
        return isinstance(codepoint, int) and bisect.bisect_right(self.bounds, codepoint) % 2 == 1

    def __iter__(self) -> Iterator[int]:
        for index in range(0, len(self.bounds), 2):
            yield from range(self.bounds[index], self.bounds[index + 1])

    def __len__(self) -> int:
        return sum(self.bounds[index + 1] - self.bounds[index] for index in range(0, len(self.bounds), 2))

    def among(self, codepoints: Iterable[int]) -> set[int]:
        """Those of `codepoints` this set holds."""
        return {codepoint for codepoint in codepoints if codepoint in self}


@dataclass(frozen=True)
class Face:
    """One font file and the CSS family, weight and style it provides."""

    family: str
    path: Path
    weight: str = "400"  # a CSS font-weight: "400", "700", or a variable font's range, "100 900"
    style: str = "normal"
    characters: CharacterSet = field(default_factory=CharacterSet, repr=False)  # what its cmap draws
    index: int = 0  # the face inside a collection (.ttc, .otc); 0 for a single font file


ROLES = ("body", "heading", "code")
_GENERIC = {"body": "serif", "heading": "sans-serif", "code": "monospace"}


@dataclass(frozen=True)
class Stack:
    """The families of each role (body text, headings, code), in fallback order, for one language."""

    body: tuple[str, ...]
    heading: tuple[str, ...]
    code: tuple[str, ...] = ()
    emphasis: str = "italic"  # or "bold", for scripts that have no italic (Arabic, Thai)

    def families(self, role: str) -> tuple[str, ...]:
        """The families of `role`: "body", "heading" or "code"."""
        return {"body": self.body, "heading": self.heading, "code": self.code}[role]

    def css(self, role: str) -> str:
        """A CSS font-family value such as `"Noto Serif Thai", "Noto Serif", serif`."""
        return ", ".join([*(f'"{family}"' for family in self.families(role)), _GENERIC[role]])


@dataclass(frozen=True)
class FontSet:
    """Every face, and the font stacks of each language ("" is the default for all others)."""

    faces: tuple[Face, ...]
    stacks: dict[str, Stack] = field(hash=False)
    cache: Cache = field(default=Cache(), compare=False)  # where subsets made before are kept

    def stack_for(self, tag: str) -> Stack:
        """The stack of a language: its own, else that of its nearest tag (`pt-BR` → `pt`, `zh-TW` →
        `zh-Hant`, by CLDR's likely subtags), else the default one."""
        for candidate in lookup_tags(tag):
            if candidate in self.stacks:
                return self.stacks[candidate]
        return self.stacks[""]

    def css(self) -> str:
        """CSS that gives every element the stacks of its language, as `--body-font`/`--heading-font`.

        Stylesheets set `font-family: var(--body-font)` (or heading). An element marked with a language
        (`lang="th"`) takes that language's stacks and sets its font again, since a font family is
        inherited as already resolved. (WeasyPrint does not support `:where()`, hence plain selectors.)
        """
        default = self.stacks[""]
        rules = [f":root {{ {_properties(default)} }}"]
        # A language-only stack first: a more specific one (zh-Hant after zh) wins on equal specificity.
        for tag, stack in sorted(self.stacks.items(), key=lambda item: (item[0].count("-"), item[0])):
            if not tag:
                continue
            rules.append(f"{_selector(tag)} {{ {_properties(stack)} }}")
            if stack.emphasis == "bold":
                # A slanted copy of an upright script is not emphasis its readers know; a passage set
                # left to right inside it (a reference in English) keeps its italics.
                rules.append(f"{_selector(tag, ' :is(em, i)')} {{ font-style: normal; font-weight: 700; }}")
                left_to_right = _selector(tag, ' [dir="ltr"] :is(em, i)')
                rules.append(f"{left_to_right} {{ font-style: italic; font-weight: inherit; }}")
        rules.append("[lang] { font-family: var(--body-font); }")
        rules.append(":is(h1, h2, h3, h4, h5, h6)[lang] { font-family: var(--heading-font); }")
        rules.append(":is(code, kbd, samp, pre) { font-family: var(--code-font); }")
        return "\n".join(rules) + "\n"


def _properties(stack: Stack) -> str:
    return " ".join(f"--{role}-font: {stack.css(role)};" for role in ROLES)


def _selector(tag: str, inside: str = "") -> str:
    """`[lang|="zh-Hans"]`, and the tags that CLDR writes in the same script (`zh`, `zh-CN`, `zh-SG`):
    an edition's `lang` is the tag its author wrote, and a stack may be named for the script."""
    return ", ".join(f"{selector}{inside}" for selector in lang_selectors(tag))


def load_fonts(fonts_dir: Path) -> FontSet:
    """Read fonts.toml in the templates' fonts folder, and what each face draws."""
    settings = fonts_dir / "fonts.toml"
    try:
        text = settings.read_text(encoding="utf-8")
        data = tomllib.loads(text)
        problems = font_settings_problems(data, settings, text)
        if problems:
            raise ErrorGroup(problems)
        faces = tuple(_face(entry, face_path(fonts_dir, entry, settings)) for entry in data["face"])
        stacks = _stacks(data["stacks"], settings)
        known = {face.family for face in faces}
        named = {family for stack in stacks.values() for role in ROLES for family in stack.families(role)}
        if named - known:
            raise ConfigError(
                f"[stacks] names families without a [[face]]: {', '.join(sorted(named - known))}",
                SourceLocation(settings),
            )
        missing = [face.path.name for face in faces if not face.path.is_file()]
        if missing:
            raise ConfigError(
                f"font files listed but not present: {', '.join(missing)}", SourceLocation(settings)
            )
        return FontSet(faces=faces, stacks=stacks)
    except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read the font settings: {error}", SourceLocation(settings)) from None


def _face(entry: dict, path: Path) -> Face:
    """One `[[face]]`: a font file, or the face `index` of a collection; a variable font's weight
    range comes from its `wght` axis unless `weight` says otherwise."""
    # A packaged collection's face is taken out into a file of its own (font_sources): its index is 0.
    index = 0 if "package" in entry else int(entry.get("index", 0))
    characters, weights = _read_face(path, index) if path.is_file() else (CharacterSet(), None)
    weight = entry.get("weight") or (f"{weights[0]} {weights[1]}" if weights else 400)
    return Face(
        family=entry["family"],
        path=path,
        weight=str(weight),
        style=entry.get("style", "normal"),
        characters=characters,
        index=index,
    )


def _stacks(table: dict, settings: Path) -> dict[str, Stack]:
    """`[stacks]` (the default) and `[stacks.<lang>]` tables.

    A language's stack may leave out a role and takes the default's then. Its code stack is the default
    code families followed by its body families, so that a comment in Thai inside code has a Thai glyph.
    """
    default = Stack(
        body=tuple(table["body"]), heading=tuple(table["heading"]), code=tuple(table.get("code", ()))
    )
    stacks = {"": default}
    for tag, value in table.items():
        if isinstance(value, dict):
            emphasis = value.get("emphasis", "italic")
            if emphasis not in ("italic", "bold"):
                raise ConfigError(
                    f'[stacks.{tag}] emphasis is "italic" or "bold", not "{emphasis}"',
                    SourceLocation(settings),
                )
            body = tuple(value.get("body", default.body))
            code = tuple(value.get("code", dict.fromkeys((*default.code, *body))))
            heading = tuple(value.get("heading", default.heading))
            stacks[tag] = Stack(body=body, heading=heading, code=code, emphasis=emphasis)
    return stacks


def uncovered(fonts: FontSet, tag: str, role: str, text: str) -> list[str]:
    """The characters of `text` that no family of the `role` stack of language `tag` can draw.

    Spaces and invisible formatting characters (joiners, direction marks, variation selectors) need no
    glyph of their own.
    """
    families = fonts.stack_for(tag).families(role)
    sets = [family_cmap(fonts, family) for family in families]
    missing = []
    for character in dict.fromkeys(text):
        if character.isspace() or unicodedata.category(character) in ("Cc", "Cf"):
            continue
        if 0xFE00 <= ord(character) <= 0xFE0F or any(ord(character) in drawn for drawn in sets):
            continue
        missing.append(character)
    return missing


def family_cmap(fonts: FontSet, family: str) -> CharacterSet:
    """The characters the first face of `family` draws."""
    faces = _faces(fonts, family)
    return faces[0].characters if faces else CharacterSet()


def _faces(fonts: FontSet, family: str) -> list[Face]:
    return [face for face in fonts.faces if face.family == family]


def _read_face(path: Path, index: int) -> tuple[CharacterSet, tuple[int, int] | None]:
    """The characters a face draws, and its weight range if it is a variable font with a `wght` axis.

    The characters are those HarfBuzz finds in the face's best character map, as WeasyPrint and Chromium
    draw them: the 56 faces of the repository's fonts, CJK ones of 44,000 characters included, in 20 ms,
    where fontTools took a second in every process a build or a preview starts. A file that is no font,
    or one cut short, is refused here, by name, before any edition uses it."""
    try:
        ranges = harfbuzz.mapped_ranges(path, index)
        with TTFont(path, lazy=True, fontNumber=index) as font:  # reads the table directory and fvar only
            size = path.stat().st_size
            whole = all(entry.offset + entry.length <= size for entry in font.reader.tables.values())
            axes = {axis.axisTag: axis for axis in font["fvar"].axes} if "fvar" in font else {}
    except (harfbuzz.HarfBuzzError, TTLibError, struct.error, AssertionError):
        ranges, whole, axes = [], False, {}
    if not ranges or not whole:
        raise ConfigError(
            f"{path.name} is not a font file that can be read (damaged, cut short, or another kind of file): "
            "put the font's original file back, or take its [[face]] out of fonts.toml",
            SourceLocation(path),
        )
    bounds = [bound for first, last in ranges for bound in (first, last + 1)]
    weight = axes.get("wght")
    return CharacterSet(tuple(bounds)), ((round(weight.minValue), round(weight.maxValue)) if weight else None)
