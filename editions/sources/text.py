"""Reading a source file as text: the one way every stage gets the words an author wrote.

Editors save files in their own ways: a byte-order mark, Windows line ends, letters composed of several
code points. All of them are accepted and made the same (UTF-8 without BOM, LF, NFC), so a chapter's
first heading is found, fingerprints do not change with the editor, and search in the PDF finds "é"
however it was typed. A file that is not UTF-8 is named as such, at its line.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from editions.errors import SourceError, SourceLocation


def read_source(path: Path) -> str:
    """The text of `path`: UTF-8 with or without BOM, line ends as LF, normalised to NFC."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:  # a folder named like a chapter file
        raise SourceError(
            "this is a folder, not a text file: rename or remove it", SourceLocation(path)
        ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(
            "this file is in UTF-16: save it as UTF-8 (in most editors: Save with encoding → UTF-8)",
            SourceLocation(path, 1),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        guess = data.decode("cp1252", errors="replace")[error.start]
        raise SourceError(
            f"this file is not in UTF-8: byte 0x{byte:02x} cannot be read (in Windows-1252 or Latin-1 it "
            f"would be '{guess}'); save the file as UTF-8 (in most editors: Save with encoding → UTF-8)",
            SourceLocation(path, line),
        ) from None
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def without_comments(text: str) -> str:
    """`text` without its HTML comments: authors' notes to themselves, never to be published (pandoc would
    show them as text). Code blocks keep theirs, and every line stays where it was, so positions hold."""
    parts = re.split(r"(^\s*(?:```|~~~).*?^\s*(?:```|~~~)[^\n]*$)", text, flags=re.MULTILINE | re.DOTALL)
    return "".join(
        part if index % 2 else _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), part)
        for index, part in enumerate(parts)
    )
