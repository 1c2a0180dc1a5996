"""Where the PDF may break Lao, Khmer and Myanmar lines: between words, as ICU's dictionaries find them.

These scripts write no spaces between words. Browsers find the words with ICU's dictionaries, but the PDF
renderer's line breaker (Pango) knows only Thai's (libthai): it breaks Lao, Khmer and Myanmar only at the
rare spaces between phrases, which leaves short lines before every long phrase, and it cuts a phrase wider
than the line inside a word ("ແລ" + "ະ"). A ZERO WIDTH SPACE between the words gives it the breaks a
browser has; it draws nothing, and text extraction drops it like any default-ignorable character.

ICU comes with the system (Debian's libicu, which the set-up installs); its C functions are called
through ctypes, so no Python package is needed. Its versioned symbols (`ubrk_open_72`) are found by
the library's version.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import itertools
import re

from lxml import html as lxml_html
from lxml.html import HtmlElement

from editions.errors import EditionsError

ZERO_WIDTH_SPACE = "\u200b"
# Lao, Myanmar (with its extensions A and B), Khmer and Khmer symbols: a run of them is segmented whole.
_RUN = re.compile("[\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\ua9e0-\ua9ff\uaa60-\uaa7f]+")
_WORD = 1  # UBRK_WORD
_DONE = -1  # UBRK_DONE
_SKIPPED = ("pre", "code", "kbd", "samp", "script", "style")


def mark_word_breaks(section: HtmlElement) -> None:
    """Put a ZERO WIDTH SPACE between the words of every Lao, Khmer or Myanmar run in `section`'s text
    (not in code), in place."""
    for element in section.iter():
        if not isinstance(element.tag, str):
            continue
        if element.text and _inside_text(element):
            element.text = word_broken(element.text)
        if element.tail and element is not section and _inside_text(element.getparent()):
            element.tail = word_broken(element.tail)


def word_broken_html(fragment: str) -> str:
    """An HTML fragment (the abstract's paragraphs) with mark_word_breaks applied."""
    if not _RUN.search(fragment):
        return fragment
    holder = lxml_html.fragment_fromstring(fragment, create_parent="div")
    mark_word_breaks(holder)
    inner = lxml_html.tostring(holder, encoding="unicode")
    return inner[len("<div>") : -len("</div>")]


def word_broken(text: str) -> str:
    """`text` with a ZERO WIDTH SPACE at each word boundary inside its Lao, Khmer and Myanmar runs."""
    return _RUN.sub(lambda run: ZERO_WIDTH_SPACE.join(_words(run.group())), text)


def _inside_text(element: HtmlElement | None) -> bool:
    """Whether text directly in `element` is prose, not code."""
    while element is not None:
        if element.tag in _SKIPPED:
            return False
        element = element.getparent()
    return True


@functools.lru_cache(maxsize=4096)
def _words(run: str) -> tuple[str, ...]:
    """The words of a run of characters of one Basic Multilingual Plane script, by ICU's word rules."""
    icu = _icu()
    data = run.encode("utf-16-le")
    buffer = ctypes.create_string_buffer(data + b"\0\0")
    status = ctypes.c_int(0)
    iterator = icu.open(_WORD, b"", ctypes.cast(buffer, ctypes.c_void_p), len(run), ctypes.byref(status))
    if status.value > 0 or not iterator:
        raise EditionsError(f"ICU could not find the words of a line of text (error {status.value})")
    try:
        bounds = [icu.first(iterator)]
        while (bound := icu.next(iterator)) != _DONE:
            bounds.append(bound)
    finally:
        icu.close(iterator)
    # Every character of these scripts is one UTF-16 unit, so boundaries are string offsets.
    return tuple(run[start:end] for start, end in itertools.pairwise(bounds) if end > start)


class _Icu:
    """The three break-iterator functions of ICU's C library."""

    def __init__(self, library: ctypes.CDLL, suffix: str) -> None:
        self.open = getattr(library, f"ubrk_open{suffix}")
        self.open.restype = ctypes.c_void_p
        self.open.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int32, ctypes.c_void_p]
        self.first = getattr(library, f"ubrk_first{suffix}")
        self.next = getattr(library, f"ubrk_next{suffix}")
        for function in (self.first, self.next):
            function.restype = ctypes.c_int32
            function.argtypes = [ctypes.c_void_p]
        self.close = getattr(library, f"ubrk_close{suffix}")
        self.close.argtypes = [ctypes.c_void_p]


@functools.cache
def _library() -> tuple[ctypes.CDLL, str] | None:
    """ICU's common library and the suffix of its versioned symbols (`_72`), or None without ICU."""
    name = ctypes.util.find_library("icuuc")
    if name is None:
        return None
    library = ctypes.CDLL(name)
    version = re.search(r"\.so\.(\d+)", name)
    for suffix in ([f"_{version.group(1)}"] if version else []) + [""]:
        if hasattr(library, f"ubrk_open{suffix}"):
            return library, suffix
    return None


def icu_version() -> str:
    """ICU's version (its word lists decide the breaks), for the fingerprints; "none" without ICU."""
    found = _library()
    if found is None:
        return "none"
    library, suffix = found
    info = (ctypes.c_uint8 * 4)()
    get_version = getattr(library, f"u_getVersion{suffix}")
    get_version.argtypes = [ctypes.c_void_p]
    get_version(info)
    return ".".join(str(part) for part in info)


@functools.cache
def _icu() -> _Icu:
    """ICU's break iterator, loaded once per process."""
    found = _library()
    if found is None:
        raise EditionsError(
            "ICU is missing, which finds the words of Lao, Khmer and Myanmar text for the PDF: install it "
            "with `apt-get install libicu-dev` (the set-up of build.py does it for you)"
        )
    return _Icu(*found)
