"""Before rendering: every character of an edition must be drawn by a font configured for its language.

Otherwise readers get a box (tofu) in the PDF, or a glyph from whatever font their device has. The
error names the character, its Unicode name and where it is written, instead.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from editions.errors import SourceError, locate
from editions.model import Document, Translation
from editions.prepare import transform
from editions.prepare.fonts import FontSet, uncovered

_ROLE_WORDS = {"body": "", "heading": "heading ", "code": "code "}
_MAX_REPORTED = 5  # one wrong paste can bring dozens of characters; the first few say enough


def check_coverage(
    document: Document, translation: Translation, fonts: FontSet, files: tuple[Path, ...]
) -> list[SourceError]:
    """One located error per character that no font of its language's stack can draw."""
    tag = translation.language.tag
    fragments = [document.abstract_html, *(chapter.html for chapter in document.chapters)]
    texts = transform.language_texts((transform.parse(f"<div>{f}</div>") for f in fragments), tag)
    metadata = " ".join(
        (
            translation.title,
            translation.subtitle,
            *translation.keywords,
            *translation.translators,
            translation.language.name,
        )  # the name of the language shows in every format
    )
    for role in ("body", "heading"):  # titles show on covers and headings, keywords in body text
        # (the code font draws only what is written as code)
        texts[(tag, role)] = texts.get((tag, role), "") + metadata
    errors, seen = [], set()
    for (language, role), text in sorted(texts.items()):
        for character in uncovered(fonts, language, role, text):
            if character in seen:
                continue
            seen.add(character)
            families = ", ".join(fonts.stack_for(language).families(role)) or "none"
            name = unicodedata.name(character, "unnamed character")
            errors.append(
                SourceError(
                    f"the character '{character}' (U+{ord(character):04X} {name}) is in no "
                    f"{_ROLE_WORDS[role]}font configured for '{language}' ({families}): replace it, or add "
                    "a font that has it to templates/fonts/fonts.toml",
                    locate(files, character),
                )
            )
    return errors[:_MAX_REPORTED]
