"""Per-edition and per-page font subsets for the web, the EPUB and the landing pages, and their
@font-face rules: only the letters a page shows, with everything browsers' shapers draw for them."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import fontTools
from fontTools.ttLib import TTFont

from editions.cache import Cache, file_digest
from editions.errors import ConfigError, SourceLocation
from editions.prepare import harfbuzz
from editions.prepare.fonts import ROLES, CharacterSet, Face, FontSet, family_cmap


@dataclass(frozen=True)
class FontFile:
    """A font written for an edition: its file name and the face it serves."""

    name: str
    data: bytes
    face: Face
    media_type: str


def subset_fonts(
    fonts: FontSet,
    texts: Mapping[str, str] | Mapping[tuple[str, str], str],
    flavor: str,
    own: str | None = None,
    names: Mapping[str, str] | None = None,
) -> tuple[FontFile, ...]:
    """Subsets, as `flavor` ("woff" or "woff2"), of the families a page's or an edition's text needs.

    `texts` holds the text in each language, or in each (language, role) as `transform.language_texts`
    gives it. A family is needed when it draws characters of a language that the families before it in
    that language's stack do not: a Thai font is shipped with the Thai edition and with pages that name
    Thai (ไทย), not with the rest of a French one; a code font only with an edition that has code. Each
    family holds the characters it is needed for (a Japanese face that also draws Latin letters is not
    sent them on an English page); the families of language `own`, the page's, hold every character of
    the page they draw, and the digits and full stop of list markers, for what stylesheets add.

    `names` holds the names of the languages the page links to, by tag (a switcher's "ไทย"): a family
    that draws only those keeps only their letters and what shapers need for them, not its script's
    whole block (keep_closure), so that an Arabic page does not fetch a Thai font to name Thai.
    """
    assigned = font_assignments(fonts, texts)
    named = font_assignments(fonts, names) if names else {}
    if own is not None:
        distinct = set().union(*map(set, texts.values()))
        every = {ord(c) for c in distinct if not c.isspace()} | _DRAWN_BY_STYLESHEETS
        stack = fonts.stack_for(own)
        for role in ROLES:
            for family in stack.families(role):
                if family in assigned:
                    assigned[family] |= every
    files = []
    for face in fonts.faces:
        if face.family in assigned:
            characters = assigned[face.family]
            whole = not characters <= named.get(face.family, set())
            kept = _composed(keep_closure(characters | _SPACES, whole_blocks=whole), face.characters)
            data = _subset(face, kept, flavor, fonts.cache)
            files.append(
                FontFile(name=f"{face.path.stem}.{flavor}", data=data, face=face, media_type=f"font/{flavor}")
            )
    return tuple(files)


def font_assignments(
    fonts: FontSet, texts: Mapping[str, str] | Mapping[tuple[str, str], str]
) -> dict[str, set[int]]:
    """The characters each family draws for `texts`: in each language's stack of each role, a character
    goes to the first family that has it, as browsers and reading systems choose."""
    assigned: dict[str, set[int]] = {}
    for key, text in texts.items():
        tag, roles = key if isinstance(key, tuple) else (key, ("body", "heading"))
        # The distinct characters first: a set of a string is made at C speed, and an edition's text
        # holds a few hundred of them among hundreds of thousands.
        characters = {ord(character) for character in set(text) if not character.isspace()}
        stack = fonts.stack_for(tag)
        for role in (roles,) if isinstance(roles, str) else roles:
            remaining = set(characters)
            for family in stack.families(role):
                covered = family_cmap(fonts, family).among(remaining)
                if covered:
                    assigned.setdefault(family, set()).update(covered)
                    remaining -= covered
    return assigned


def keep_closure(codepoints: set[int], whole_blocks: bool = True) -> set[int]:
    """`codepoints` and every character a browser may draw for them.

    Browsers normalise text and split characters into their canonical and compatibility
    decompositions when the font lacks a precomposed glyph, or by design: Chromium draws Thai SARA AM
    (U+0E33) as NIKHAHIT U+0E4D + SARA AA U+0E32, Lao AM (U+0EB3) likewise, and an Arabic presentation
    form (U+FEFB LAM-ALEF) as its letters. A subset without them shows a gap where the PDF is right.
    Stylesheets draw the other case (`text-transform`); shapers and line breakers draw characters of
    their own: the hyphen of `hyphens: auto`, the
    dotted circle of a mark without a base. Each case was found by drawing subsets and full fonts in
    Chromium (tests/test_subsets.py, tests/test_corpus.py).

    Every script keeps the letters FreeType's autohinter measures it by (_HINTING_REFERENCES): Chromium
    draws a subset without them a fraction of a pixel off. `whole_blocks=False` is for a few letters
    that only name a language (ไทย in a switcher): those and the references, not the script's block.
    """
    closure = set(codepoints) | _DRAWN_BY_BROWSERS
    for start, end in _WHOLE_BLOCKS:
        if (whole_blocks or (start, end) not in _NAMED_BY_REFERENCES) and any(
            start <= codepoint <= end for codepoint in codepoints
        ):
            closure |= set(range(start, end + 1))
    for ranges, references in _HINTING_REFERENCES:
        if any(start <= codepoint <= end for codepoint in codepoints for start, end in ranges):
            closure |= set(map(ord, references))
    pending = list(closure)
    while pending:
        character = chr(pending.pop())
        # A Hangul syllable is drawn with its own glyph, which every Korean face has; its conjoining jamo
        # would bring, through the composition below, all 11,172 syllables (575 KB a face, not 95 KB).
        forms = ("NFC", "NFKC") if _HANGUL_SYLLABLES[0] <= ord(character) <= _HANGUL_SYLLABLES[1] else _FORMS
        produced = {ord(c) for form in forms for c in unicodedata.normalize(form, character)}
        # `text-transform` draws the other case of what is written ("Protection" as PROTECTION).
        produced |= {
            ord(c) for cased in (character.upper(), character.lower(), character.title()) for c in cased
        }
        decomposition = unicodedata.decomposition(character).split()
        produced |= {int(part, 16) for part in decomposition if not part.startswith("<")}
        for codepoint in produced - closure:
            closure.add(codepoint)
            pending.append(codepoint)
    return closure


def _composed(kept: set[int], characters: CharacterSet) -> set[int]:
    """The characters of a face in `kept`, and those the face has that compose from kept ones: Chromium
    draws "ff" with the glyph of U+FB00 ﬀ when the font maps it, so the subset must map it too."""
    composed = {
        character
        for character in characters
        if character not in kept
        and len(parts := unicodedata.normalize("NFKD", chr(character))) > 1
        and all(ord(p) in kept for p in parts)
    }
    return characters.among(kept) | composed


_FORMS = ("NFD", "NFKD", "NFC", "NFKC")
_HANGUL_SYLLABLES = (0xAC00, 0xD7A3)
# Hyphens (U+2010, U+2011, U+002D, soft hyphen), the dotted circle, joiners and the ellipsis.
_DRAWN_BY_BROWSERS = frozenset(
    {0x002D, 0x00AD, 0x2010, 0x2011, 0x25CC, 0x200B, 0x200C, 0x200D, 0x2060, 0x2026}
)
# What a stylesheet draws with the page's own fonts without its text holding it: the numbers of an
# ordered list's markers ("3." after chapters 1 and 2, whose text has no 3).
_DRAWN_BY_STYLESHEETS = frozenset(map(ord, "0123456789."))
# Thai, Lao, Khmer and Myanmar: small blocks whose shaping reaches across them: kept whole for the text
# of a page, a few kilobytes each.
_WHOLE_BLOCKS = ((0x0E00, 0x0E7F), (0x0E80, 0x0EFF), (0x1780, 0x17FF), (0x1000, 0x109F))
# The blocks whose hinting references below are enough to draw a language's name as the full font does.
# Khmer is not one: ខ្មែរ with the references only still differs by a few pixels under its subscript.
_NAMED_BY_REFERENCES = frozenset({(0x0E00, 0x0E7F), (0x0E80, 0x0EFF), (0x1000, 0x109F)})
# Spaces every subset keeps: the text's own, and the narrow no-break space that Babel's dates carry
# ("10 декабря 1948 г.") in text the page's templates write, not its sources.
_SPACES = frozenset({0x20, 0xA0, 0x202F})
# Chromium on Linux hints text with FreeType's autohinter, which measures each script's blue zones (the
# heights its letters align to) on fixed letters of the font: the blue strings of FreeType's
# src/autofit/afblue.dat (tops, bottoms, ascenders, descenders, x-height), taken here for each script
# fonts.toml ships; Arabic's include the tatweel, which joins like every medial form. A subset without
# them draws the same words a pixel off (a Hebrew name in a switcher, a Russian or Hindi page); with
# them, as the full font does: tests/test_corpus.py draws every corpus edition both ways. Chinese,
# Japanese and Korean draw the same without theirs, which would cost 100 ideographs a face. A script is
# found by its letters: spaces, digits and punctuation bring no references (the Latin ones would add
# 18 KB to each Chinese, Japanese or Korean face that names its language in a switcher).
_LATIN_LETTERS = ((0x0041, 0x005A), (0x0061, 0x007A), (0x00C0, 0x024F), (0x1E00, 0x1EFF))
_HINTING_REFERENCES: tuple[tuple[tuple[tuple[int, int], ...], str], ...] = (
    (_LATIN_LETTERS, "CEHLOQSTUZbcdefghijknopqrsuvxyz"),
    (((0x0400, 0x052F),), "БВЕЗОПСШЭезнопрсуфхш"),
    (((0x0370, 0x03FF), (0x1F00, 0x1FFF)), "ΒΓΔΕΖΘΞΟΩαβγδεζηθιλμξοπρστφχψω"),
    (((0x0590, 0x05FF),), "בדהחטךכםןסףץצק"),
    (((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)), "إاتثطظـكل"),
    (((0x0900, 0x097F),), "अआईउऐओऔकछटठडथधनभमशिीुृोौ"),
    (((0x0980, 0x09FF),), "অইএওকটঠডতনবভলিীৈৗ"),
    (((0x1200, 0x139F),), "ሀሃለሐማሪበዋዐዘጨፐ"),
    (((0x0E00, 0x0E7F),), "กญฎฏฐบปฝฟยฤฦษอฮฯาเแโใไ๐๑๓"),
    (((0x0E80, 0x0EFF),), "ງຊຍດຖບປຝຟມຢຣລວອຮຯາຽໂໃໄໆ"),
    (((0x1780, 0x17FF), (0x19E0, 0x19FF)), "កខគឃងចឋតថទនបមយរលអឧឩឲាឿៀៃ្᧠᧡᧶᧹"),
    (((0x1000, 0x109F),), "ခဂငဉညဎဒပဗဝဥဨဩါိြ၂၅၆၉၊။၍၏ၥ"),
)


def font_face_css(files: tuple[FontFile, ...], prefix: str, display: str = "") -> str:
    """@font-face rules for written font files, their URLs starting with `prefix`; `display="swap"` shows
    the text at once in a fallback font on a slow connection, then in ours when it arrives."""
    rules = []
    for file in files:
        rules.append(
            "@font-face {\n"
            f'  font-family: "{file.face.family}";\n'
            f"  font-weight: {file.face.weight};\n"
            f"  font-style: {file.face.style};\n"
            + (f"  font-display: {display};\n" if display else "")
            + f'  src: url("{prefix}{file.name}") format("{file.media_type.split("/")[1]}");\n'
            "}\n"
        )
    return "".join(rules)


def _subset(face: Face, codepoints: set[int], flavor: str, cache: Cache) -> bytes:
    """The face cut down to `codepoints` by HarfBuzz (harfbuzz.subset_font: every glyph a shaper reaches
    from them, through any feature), compressed as `flavor` by fontTools; from the cache when made before."""
    # Everything the bytes depend on: the font, the characters, how they are cut and compressed, and the
    # versions of both libraries.
    inputs = (
        file_digest(face.path),
        str(face.index),
        ",".join(map(str, sorted(codepoints))),
        f"harfbuzz {harfbuzz.version()}; every feature and script; notdef outline; {flavor}",
        fontTools.version,
    )
    return cache.fetch("font-subset", inputs, lambda: _make_subset(face, codepoints, flavor))


def _make_subset(face: Face, codepoints: set[int], flavor: str) -> bytes:
    try:
        cut = harfbuzz.subset_font(face.path, face.index, codepoints)
    except harfbuzz.HarfBuzzError:
        raise ConfigError(
            f"{face.path.name} could not be cut down to the characters of this edition: the file is "
            "damaged; put the font's original file back",
            SourceLocation(face.path),
        ) from None
    # fontTools only compresses: WOFF2's glyph transform and Brotli, which HarfBuzz does not write. The
    # font's own modification date is kept, so that the file is reproducible.
    font = TTFont(io.BytesIO(cut), recalcTimestamp=False)
    font.flavor = flavor
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=False)
    return buffer.getvalue()
