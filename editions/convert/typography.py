"""The typography of each language, set in pandoc's HTML so that every format gets it.

- Hashtags, handles, e-mail addresses and web addresses are never hyphenated: they are wrapped in
  `<span class="nohyphen">` (the PDF gives it `hyphens: manual`). Links get the class from
  filters/typography.lua, which still sees them as links.
- French puts a narrow no-break space (U+202F) before ; : ! ? and inside « ». Its quotations, which
  pandoc only knows as quotations before writing them, are set by filters/typography.lua too.
- In French and Spanish, one- and two-letter words ("à", "la", "y", "un") are tied to the next word with
  a no-break space, so that they never end a line alone; in English only "a", "I" and two-capital
  abbreviations ("UN", "EU"), which is as far as English typesetting goes.

Each element's own run of text is read as pandoc wrote it: words between spaces, and the element's
children as whatever they are (an emphasis, a link, a note). A word is tied only to a word of the same
run, as it was in pandoc's document. A passage in another language (`lang` on any element) follows that
language's rules. Code, and attributes such as an image's text alternative, are left as written.

This was a pandoc Lua filter. Every list of words crossed from pandoc to Lua and back, which took a third
of a long report's conversion (about 2 s for 324 pages); on the HTML it takes 0.14 s in English, 0.27 s
in French. It runs before the conversion is cached, so a warm build does not pay it.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement, fromstring, tostring

NNBSP = "\u202f"
NBSP = "\u00a0"

# Code is shown as written; <math> and <svg> are not text.
_UNTOUCHED = frozenset({"code", "pre", "kbd", "samp", "script", "style", "math", "svg"})
_TOKENS = re.compile(r"( |\n)")
# Never hyphenated: a hashtag or a handle (after any opening punctuation), an e-mail address, a web address.
_UNBREAKABLE = re.compile(
    r"^[^\w\s]*[#@]\w|[\w.\-]+@[\w\-]+\.[\w.]|://|^[^\w\s]*www\.",
)
# What may open a word: brackets, opening quotation marks, and Spanish's inverted marks.
_OPENING = "([{“‘«‹„¿¡" + NNBSP + NBSP
_MAYBE_UNBREAKABLE = re.compile(r"[#@]|://|www\.")  # a run without these has no such word
_FRENCH_PLAIN = re.compile(r"[^;:!?«»]*$")  # a word french_punctuation leaves as it is
_FRENCH_MARKS = re.compile(r"^(.*?)([;:!?]+)$", re.DOTALL)

# A token of a run: a word, a space, or anything else (a child element, a line break).
_WORD, _SPACE, _OTHER = "word", "space", "other"


def typeset_html(html: str, language: str) -> str:
    """pandoc's HTML fragment with the typography of `language` (a BCP 47 tag) and of its passages."""
    root = fromstring(f"<div>{html}</div>")
    typeset(root, language)
    text = tostring(root, encoding="unicode")
    return text[len("<div>") : -len("</div>")]


def typeset(element: HtmlElement, language: str) -> None:
    """Set the typography of `language` in `element` and everything under it, in place."""
    if not isinstance(element.tag, str) or element.tag in _UNTOUCHED:  # a comment, code
        return
    language = _primary(element.get("lang") or language)
    if element.tag == "span" and "nohyphen" in (element.get("class") or "").split():
        return  # the author's, or ours: what it holds is one unbreakable piece
    for child in list(element):
        typeset(child, language)
    _typeset_run(element, language)


def _primary(tag: str) -> str:
    match = re.match(r"[A-Za-z]+", tag)
    return match.group(0).lower() if match else ""


def _typeset_run(element: HtmlElement, language: str) -> None:
    """The element's own text and its children's tails, as one run of words."""
    children = list(element)
    pieces = [element.text or ""] + [child.tail or "" for child in children]
    if not any(pieces):
        return
    kinds: list[str] = []
    texts: list[str] = []
    owners: list[int] = []  # which piece each token comes from
    for number, piece in enumerate(pieces):
        if number:
            kinds.append(_OTHER)  # the child before this tail
            texts.append("")
            owners.append(-1)
        for token in _TOKENS.split(piece):
            if token:
                kinds.append(_SPACE if token == " " else _OTHER if token == "\n" else _WORD)
                texts.append(token)
                owners.append(number)
    new_kinds, new_texts = kinds, texts
    if language == "fr":
        new_kinds, new_texts = _french_spaces(new_kinds, new_texts)
    new_kinds, new_texts = _tie_short_words(new_kinds, new_texts, language)
    unbreakable = [False] * len(new_texts)
    if any(_MAYBE_UNBREAKABLE.search(piece) for piece in pieces):
        unbreakable = [
            kind == _WORD and _UNBREAKABLE.search(text) is not None
            for kind, text in zip(new_kinds, new_texts, strict=True)
        ]
    if new_texts == texts and not any(unbreakable):
        return
    _rewrite(element, children, len(pieces), new_texts, owners, unbreakable)


def _rewrite(
    element: HtmlElement,
    children: list[HtmlElement],
    count: int,
    texts: list[str],
    owners: list[int],
    unbreakable: list[bool],
) -> None:
    """Put the run's tokens back: each piece's text, and a span after it for each unbreakable word."""
    # For each piece: its leading text, then (span, text after it) pairs.
    leads = [""] * count
    spans: list[list[HtmlElement]] = [[] for _ in range(count)]
    for text, owner, whole in zip(texts, owners, unbreakable, strict=True):
        if owner < 0:
            continue
        if whole:
            span = element.makeelement("span", {"class": "nohyphen"})
            span.text, span.tail = text, ""
            spans[owner].append(span)
        elif spans[owner]:
            spans[owner][-1].tail += text
        else:
            leads[owner] += text
    element.text = leads[0] or None
    for child, lead in zip(children, leads[1:], strict=True):
        child.tail = lead or None
    if not any(spans):
        return
    arranged: list[HtmlElement] = list(spans[0])
    for child, after in zip(children, spans[1:], strict=True):
        arranged += [child, *after]
    for span in (span for after in spans for span in after):
        span.tail = span.tail or None
    element[:] = arranged


def _french_spaces(kinds: list[str], texts: list[str]) -> tuple[list[str], list[str]]:
    """A space before ; : ! ? or », or after «, becomes a narrow no-break one; each word gets the spaces
    of `_french_punctuation`. Decided on the run as it was."""
    new_kinds, new_texts = list(kinds), list(texts)
    last = len(kinds) - 1
    for i, kind in enumerate(kinds):
        before_mark = i < last and kinds[i + 1] == _WORD and texts[i + 1][:1] in (";", ":", "!", "?", "»")
        after_guillemet = i > 0 and kinds[i - 1] == _WORD and texts[i - 1].endswith("«")
        if kind == _SPACE and (before_mark or after_guillemet):
            new_kinds[i], new_texts[i] = _WORD, NNBSP
        elif kind == _WORD and not _FRENCH_PLAIN.match(texts[i]):
            new_texts[i] = _french_punctuation(texts[i])
    return new_kinds, new_texts


def _tie_short_words(kinds: list[str], texts: list[str], language: str) -> tuple[list[str], list[str]]:
    """A space after a short word, between two words, becomes a no-break one."""
    new_kinds, new_texts = list(kinds), list(texts)
    last = len(kinds) - 1
    for i, kind in enumerate(kinds):
        if (
            kind == _SPACE
            and 0 < i < last
            and kinds[i - 1] == _WORD
            and kinds[i + 1] == _WORD
            and _short_word(texts[i - 1], language)
        ):
            new_kinds[i], new_texts[i] = _WORD, NBSP
    return new_kinds, new_texts


def _short_word(text: str, language: str) -> bool:
    """Letters only (no digit, punctuation, quotation mark or dash), as short as the language ties; an
    opening bracket or quotation mark before it ("(à", "“A", "¿y") does not count."""
    text = text.lstrip(_OPENING)
    if not text.isalpha():
        return False
    if language in ("fr", "es"):
        return len(text) <= 2
    if language == "en":
        return text in ("a", "A", "I") or (len(text) == 2 and text.isupper())
    return False


def _spaced(text: str) -> bool:
    """Whether `text` is empty or already ends with a space of any kind, so that no other is added."""
    return text == "" or text.endswith((" ", NNBSP, NBSP))


def _french_punctuation(text: str) -> str:
    """ "mot!" and "«mot»", written without spaces, get the narrow ones."""
    if "://" in text:
        return text
    marks = _FRENCH_MARKS.match(text)
    if marks and not _spaced(marks.group(1)):
        text = marks.group(1) + NNBSP + marks.group(2)
    if text.startswith("«") and len(text) > 1 and not text[1:].startswith((NNBSP, NBSP)):
        text = "«" + NNBSP + text[1:]
    head, closing, tail = text.partition("»")
    if closing and not _spaced(head):
        text = head + NNBSP + "»" + tail
    return text
