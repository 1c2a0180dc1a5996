"""The confidential-text audit: read back every word an output file holds and look for marked passages.

Leaving confidential passages out of the Document is the first defence; this is the last. A name marked
confidential in one place and written unmarked in another, in the abstract, a caption, an alt text or a
translation that forgot the mark, is a leak that only reading the outputs finds. So every file a public
build stages is read as a reader's tools would read it: HTML and XHTML as text plus every attribute
value; an EPUB file by file; a PDF's page text (poppler's `pdftotext`) plus every string in its objects
(metadata, bookmarks, alt texts, XMP). Text is compared as words: NFKC, case-folded, soft hyphens and
line-end hyphenation undone, punctuation and spacing ignored.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from editions.errors import EditionsError, SourceError, SourceLocation
from editions.model import Confidential

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_LINE_END_HYPHEN = re.compile(r"[-\u2010\u2011]\s*\n\s*")
# Scripts written without spaces between words: a name may sit right against the next word.
_UNSPACED = ("THAI", "LAO", "KHMER", "MYANMAR", "CJK", "HIRAGANA", "KATAKANA", "HANGUL")
_TEXT_SUFFIXES = {".html", ".xhtml", ".htm", ".xml", ".opf", ".ncx", ".svg", ".json", ".txt", ".css"}
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.DOTALL)
_PDF_LITERAL = re.compile(rb"\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)", re.DOTALL)
_PDF_HEX = re.compile(rb"<([0-9A-Fa-f\s]{4,})>")
_PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_TIMEOUT_SECONDS = 120


class AuditToolMissing(EditionsError):
    """poppler's pdftotext is not installed: a PDF cannot be audited, so it must not be published."""


@dataclass(frozen=True)
class Leak:
    """A confidential passage found in an output: which file (and part of it), and which mark."""

    where: str  # "sample/en/sample-en.epub!EPUB/nav.xhtml"
    secret: Confidential

    def error(self, outcome: str = "this edition is not published") -> SourceError:
        """The leak as a located error: at the mark, naming the output that holds the text."""
        text = self.secret.text if len(self.secret.text) <= 60 else self.secret.text[:59] + "…"
        return SourceError(
            f"the confidential text '{text}' appears in {self.where}; {outcome}: mark "
            "every occurrence {.confidential}, in every language, or rephrase it",
            SourceLocation(self.secret.path, self.secret.line or None),
        )


def normalise(text: str) -> str:
    """Text as a sequence of words: NFKC, case-folded, invisible characters and punctuation removed."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).casefold()
    # One look-up per distinct character, then one pass in C: a long edition has millions of characters
    # and only a few hundred distinct ones.
    separators = {ord(ch): " " for ch in set(text) if unicodedata.category(ch)[0] not in "LMN"}
    return " ".join(text.translate(separators).split())


def find_leaks(texts: Iterable[tuple[str, str]], secrets: Iterable[Confidential]) -> list[Leak]:
    """Each (file, secret) pair where a secret appears in the text of that file."""
    needles = [(normalise(secret.text), secret) for secret in dict.fromkeys(secrets)]
    needles = [(needle, secret) for needle, secret in needles if needle]
    if not needles:  # nothing is confidential: the outputs need not even be read
        return []
    leaks = []
    for where, text in texts:
        # Hyphenation may have split a name across lines: look in the text both joined and split there.
        variants = {normalise(_LINE_END_HYPHEN.sub("", text)), normalise(_LINE_END_HYPHEN.sub(" ", text))}
        seen = set()
        for needle, secret in needles:
            if needle not in seen and any(_contains(variant, needle) for variant in variants):
                seen.add(needle)
                leaks.append(Leak(where, secret))
    return leaks


def audit_outputs(paths: Iterable[Path], secrets: Iterable[Confidential]) -> list[str]:
    """For `editions check`: one message per confidential passage found in any of `paths` (files or
    folders, read recursively); none when the outputs are clean."""
    secrets = tuple(secrets)
    files = [f for p in paths for f in ([p] if p.is_file() else sorted(p.rglob("*"))) if f.is_file()]
    texts = (part for path in files for part in extract_texts(path, str(path)))
    return [leak.error("it must not be published").render() for leak in find_leaks(texts, secrets)]


def extract_texts(path: Path, name: str = "") -> Iterator[tuple[str, str]]:
    """Every text `path` holds, as (part, text): the file itself, or each file of an EPUB."""
    name = name or path.name
    suffix = path.suffix.lower()
    if suffix == ".epub":
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                yield from _member_texts(f"{name}!{member}", member, archive.read(member))
    elif suffix == ".pdf":
        yield name, pdf_page_text(path)
        yield f"{name} (metadata and structure)", pdf_strings(path.read_bytes())
    else:
        yield from _member_texts(name, path.name, path.read_bytes())


def _member_texts(where: str, member: str, data: bytes) -> Iterator[tuple[str, str]]:
    suffix = Path(member).suffix.lower()
    if suffix in (".html", ".xhtml", ".htm", ".opf", ".ncx", ".svg", ".xml"):
        yield where, markup_text(data)
    elif suffix in _TEXT_SUFFIXES or member == "mimetype" or not suffix:
        yield where, data.decode("utf-8", "replace")


def markup_text(data: bytes) -> str:
    """The text of an HTML or XML document, and every attribute value (alt, title, content, aria-label)."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    root = etree.fromstring(data, parser) if data.lstrip().startswith(b"<?xml") else None
    if root is None:
        root = etree.fromstring(data, etree.HTMLParser(no_network=True))
    if root is None:
        return data.decode("utf-8", "replace")
    pieces = []
    for element in root.iter():
        pieces += [*element.attrib.values()] if isinstance(element.tag, str) else []
        pieces += [element.text or "", element.tail or ""]
    return "\n".join(pieces)


def pdf_page_text(path: Path) -> str:
    """The text of every page, as a reader's copy and paste or a search engine would get it."""
    tool = shutil.which("pdftotext")
    if tool is None:
        raise AuditToolMissing(
            "pdftotext (Debian package poppler-utils) is needed to audit PDF editions for confidential "
            "text: install it"
        )
    done = subprocess.run(
        [tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=_TIMEOUT_SECONDS, check=True
    )
    return done.stdout.decode("utf-8", "replace")


def pdf_strings(data: bytes) -> str:
    """Every string in a PDF's objects, compressed or not: the Info dictionary, XMP, bookmarks, /Alt."""
    chunks = [data]
    for stream in _PDF_STREAM.finditer(data):
        try:
            chunks.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            continue  # not a Flate stream (an image): holds no text we write
    strings = []
    for chunk in chunks:
        strings += [_pdf_decode(_unescape(m.group(0)[1:-1])) for m in _PDF_LITERAL.finditer(chunk)]
        strings += [_pdf_decode(_hex(m.group(1))) for m in _PDF_HEX.finditer(chunk)]
        if b"<x:xmpmeta" in chunk or b"<rdf:RDF" in chunk:
            strings.append(chunk.decode("utf-8", "replace"))
    return "\n".join(strings)


def _unescape(raw: bytes) -> bytes:
    def replace(match: re.Match[bytes]) -> bytes:
        escaped = match.group(1)
        if escaped[:1] in b"01234567" and escaped[:1]:
            return bytes([int(escaped, 8) & 0xFF])
        return _PDF_ESCAPES.get(escaped, escaped if escaped != b"\n" else b"")

    return re.sub(rb"\\([0-7]{1,3}|.)", replace, raw, flags=re.DOTALL)


def _hex(digits: bytes) -> bytes:
    digits = re.sub(rb"\s", b"", digits)
    try:
        return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))
    except ValueError:
        return b""


def _pdf_decode(raw: bytes) -> str:
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", "replace")
    return raw.decode("latin-1")  # PDFDocEncoding agrees with Latin-1 on letters


def _contains(haystack: str, needle: str) -> bool:
    """Whether `needle` occurs in `haystack` as whole words (or anywhere, in scripts without spaces)."""
    start = haystack.find(needle)
    free_start, free_end = _unspaced(needle[0]), _unspaced(needle[-1])
    while start != -1:
        end = start + len(needle)
        before = start == 0 or haystack[start - 1] == " " or free_start
        after = end == len(haystack) or haystack[end] == " " or free_end
        if before and after:
            return True
        start = haystack.find(needle, start + 1)
    return False


def _unspaced(character: str) -> bool:
    return unicodedata.name(character, "").startswith(_UNSPACED)
