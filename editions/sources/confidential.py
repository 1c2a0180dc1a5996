"""Find what a language's Markdown marks confidential, before anything is built.

Authors mark a name `[Name Surname]{.confidential}`, a figure `![caption](images/x.png){.confidential}`, a
passage with a fenced block `::: confidential` … `:::`, and a whole section by its heading,
`## Title {#id .confidential}`. Each language's files carry the same marks, but a
translator may miss one: so every language's marks are read at load time, and the public editions of
*every* language are audited against all of them. Reading the Markdown (rather than pandoc's output) is
what lets the English edition know what the French file marked, without running pandoc for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from editions.model import Confidential

CLASS = "confidential"
# A heading or line of a marked block shorter than this ("Background") is left out but not searched for:
# it would refuse every edition using the word. Names are marked inline, and inline marks are always
# searched for, whatever their length.
MIN_PASSAGE_WORDS = 3
_ATTRIBUTES = re.compile(r"\{([^{}\n]*)\}")
_MARKED = re.compile(r"(^|\s)\.confidential(?=\s|$)")
_ALT = re.compile(r"""\balt=(?:"([^"]*)"|'([^']*)')""")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{([^}]*)\})?\s*$")
_FENCE = re.compile(r"^\s{0,3}(:{3,})\s*(?:\{([^}]*)\}|([\w-]+))?\s*:*\s*$")
_NOTE_CALL = re.compile(r"\[\^([^\]\s^]+)\](?!:)")
_NOTE_LABEL = re.compile(r"\[\^[^\]\s^]+\]:?")
_NOTE_DEFINITION = re.compile(r"^\s{0,3}\[\^([^\]\s^]+)\]:\s?(.*)$")
_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")


def find_confidential(path: Path, text: str) -> tuple[Confidential, ...]:
    """Every passage `text` (the content of `path`) marks confidential, with the footnotes it calls."""
    notes = _note_definitions(text)
    found: list[Confidential] = []
    marks = [(line, passage, 1) for line, passage in _inline_marks(text)]
    marks += [(line, passage, MIN_PASSAGE_WORDS) for line, passage in _block_marks(text)]
    for line, passage, words in marks:
        for piece in (passage, *(notes[label] for label in _NOTE_CALL.findall(passage) if label in notes)):
            plain = plain_text(piece)
            if len(plain.split()) >= words:
                found.append(Confidential(plain, path, line))
    return tuple(dict.fromkeys(found))


def plain_text(markdown: str) -> str:
    """The words of a piece of Markdown: note calls, link targets and `{…}` attributes left out."""
    text = _NOTE_LABEL.sub(" ", markdown)
    text = _LINK_TARGET.sub("]", text)
    text = _ATTRIBUTES.sub(" ", text)
    return " ".join(text.replace("\\", "").split())


def _inline_marks(text: str) -> Iterator[tuple[int, str]]:
    """`[words]{.confidential}` and `![caption](src){.confidential alt="…"}`: the words, caption and alt."""
    for match in _ATTRIBUTES.finditer(text):
        if not _MARKED.search(match.group(1)):
            continue
        end = match.start() - 1
        if end >= 0 and text[end] == ")":  # an image or a link: step over its target
            end = _opening(text, end, "(", ")") - 1
        if end < 0 or text[end] != "]":
            continue  # a heading's or a fence's attributes: handled as blocks, or not a mark
        start = _opening(text, end, "[", "]")
        if start < 0:
            continue
        line = text.count("\n", 0, start) + 1
        yield line, text[start + 1 : end]
        for alt in _ALT.finditer(match.group(1)):
            yield line, alt.group(1) or alt.group(2) or ""


def _opening(text: str, close: int, opener: str, closer: str) -> int:
    """Where the bracket that `text[close]` closes was opened, or -1."""
    depth = 0
    for index in range(close, -1, -1):
        if text[index] == closer:
            depth += 1
        elif text[index] == opener:
            depth -= 1
            if depth == 0:
                return index
    return -1


def _block_marks(text: str) -> Iterator[tuple[int, str]]:
    """Each paragraph (and heading) of every `::: confidential` block and of every section whose heading
    is marked, with the line of its opening fence or heading."""
    stack: list[bool] = []  # for each open fenced div: whether it is confidential
    section = 0  # the level of the marked heading whose section we are in; 0 when none
    opened_at = 0
    paragraph: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        heading = _HEADING.match(line)
        if heading and section and len(heading.group(1)) <= section:
            section = 0  # a heading of the same or a higher level ends the marked section
        if heading and not section and not any(stack) and _MARKED.search(heading.group(3) or ""):
            section, opened_at = len(heading.group(1)), number
        fence = _FENCE.match(line)
        if (fence or not line.strip()) and paragraph:  # a paragraph ends at a blank line or a fence
            yield opened_at, " ".join(paragraph)
            paragraph = []
        if fence and (fence.group(2) is not None or fence.group(3)):
            marked = fence.group(3) == CLASS or bool(fence.group(2) and _MARKED.search(fence.group(2)))
            if marked and not any(stack) and not section:
                opened_at = number
            stack.append(marked)
        elif fence and stack:
            stack.pop()
        elif (any(stack) or section) and line.strip():
            paragraph.append(line.strip().lstrip("#>*-+ ").strip())


def _note_definitions(text: str) -> dict[str, str]:
    """Footnote definitions by label: the first line and its indented continuation lines."""
    notes: dict[str, str] = {}
    label = None
    for line in text.splitlines():
        definition = _NOTE_DEFINITION.match(line)
        if definition:
            label = definition.group(1)
            notes[label] = definition.group(2)
        elif label and line.startswith(("    ", "\t")):
            notes[label] += " " + line.strip()
        elif line.strip():
            label = None
    return notes
