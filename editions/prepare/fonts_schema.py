"""fonts.toml as a declared schema (the mechanism of editions/sources/schema.py): every problem at once,
at its line, with "did you mean" for a key nobody declared."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from editions.errors import ConfigError, SourceLocation
from editions.sources.schema import INTEGER, TEXT, TEXTS, Field, Kind, Source, Table, check


def _choice(*allowed: str):
    return lambda value: None if value in allowed else f"'{value}' is none of: {', '.join(allowed)}"


def _stack(required: bool) -> Table:
    families = "font families, in fallback order"
    return Table(
        {
            "body": Field(TEXTS, f"the text's {families}", 'body = ["Noto Serif"]', required=required),
            "heading": Field(
                TEXTS, f"the headings' {families}", 'heading = ["Noto Sans"]', required=required
            ),
            "code": Field(TEXTS, f"code's {families}", 'code = ["Noto Sans Mono"]'),
            "emphasis": Field(
                TEXT,
                "how *emphasis* is set where the script has no italic",
                'emphasis = "bold"',
                check=_choice("italic", "bold"),
            ),
        }
    )


_WEIGHT = Kind(
    'a number such as 700, or a range such as "100 900"',
    lambda v: (isinstance(v, int) and not isinstance(v, bool)) or bool(re.fullmatch(r"\d+ \d+", str(v))),
)
FACE = Table(
    {
        "family": Field(TEXT, "the family name stacks use", 'family = "Noto Serif"', required=True),
        "file": Field(TEXT, "the font file, in this folder", 'file = "NotoSerif-Regular.ttf"', required=True),
        "weight": Field(_WEIGHT, "its weight", "weight = 700"),
        "style": Field(TEXT, "its style", 'style = "italic"', check=_choice("normal", "italic")),
        "index": Field(INTEGER, "which face of a collection (.ttc, .otc)", "index = 2"),
        "package": Field(TEXT, "the Debian package the file comes from", 'package = "fonts-noto-cjk"'),
        "sha256": Field(
            TEXT,
            "the SHA-256 of the package's file",
            'sha256 = "…"',
            check=lambda v: None if re.fullmatch(r"[0-9a-f]{64}", v) else "must be 64 hexadecimal digits",
        ),
    }
)


def font_settings_problems(data: dict[str, Any], path: Path, text: str) -> list[ConfigError]:
    """Every problem of fonts.toml: [stacks] (the default), each [stacks.<lang>], and each [[face]]."""
    lines = tuple(text.splitlines())
    stacks = data.get("stacks")
    if not isinstance(stacks, dict):
        return [
            ConfigError('[stacks] is missing: add body = ["…"] and heading = ["…"]', SourceLocation(path))
        ]
    default = {key: value for key, value in stacks.items() if not isinstance(value, dict)}
    errors = check(default, _stack(required=True), Source(path, lines, prefix=("stacks",), noun="key"))
    for tag, table in stacks.items():
        if isinstance(table, dict):
            errors += check(
                table, _stack(required=False), Source(path, lines, prefix=("stacks", tag), noun="key")
            )
    faces = data.get("face")
    if not isinstance(faces, list) or not faces:
        return [*errors, ConfigError("no [[face]] is declared: add one per font file", SourceLocation(path))]
    headers = [number for number, line in enumerate(lines, 1) if line.strip() == "[[face]]"]
    for number, entry in enumerate(faces):
        # Each [[face]] is checked on its own lines, so its problems point at it.
        start = headers[number] if number < len(headers) else 1
        end = headers[number + 1] - 1 if number + 1 < len(headers) else len(lines)
        part = ("",) * (start - 1) + ("[face]",) + lines[start:end]
        errors += check(entry, FACE, Source(path, part, prefix=("face",), noun="key"))
    return errors
