"""Leave confidential passages out of a public edition, straight after the allow-list.

Pandoc keeps the class of `[Name]{.confidential}` (a span), of `::: confidential` (a div, or a section when
the block starts with a heading) and of `![…](…){.confidential}` (the image, inside its figure). Every such
element goes, with its footnotes, its heading and its figure's caption, before headings, notes and captions
are numbered: so no writer, no table of contents, no alt text and no listing ever sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml.html import HtmlElement

from editions.sources.confidential import MIN_PASSAGE_WORDS

CLASS = "confidential"
_TEXT_ATTRIBUTES = ("alt", "title", "aria-label")


@dataclass(frozen=True)
class Withheld:
    """What was left out of one edition: the words of every removed element, and the ids it carried."""

    texts: tuple[str, ...]
    ids: frozenset[str]


def withhold(root: HtmlElement) -> Withheld:
    """Remove every element of class `confidential` from `root`, in place; return what it held."""
    texts: list[str] = []
    ids: set[str] = set()
    for element in [e for e in root.iter() if isinstance(e.tag, str) and CLASS in e.classes]:
        if element.getparent() is None or not _attached(element, root):
            continue  # inside an element already removed
        if element.tag == "img" and element.getparent().tag == "figure":
            element = element.getparent()  # the caption says what the image shows: it goes too
        texts += [t for t in _words(element) if element.tag == "span" or len(t.split()) >= MIN_PASSAGE_WORDS]
        ids.update(e.get("id") for e in element.iter() if isinstance(e.tag, str) and e.get("id"))
        element.drop_tree()
    return Withheld(tuple(dict.fromkeys(text for text in texts if text)), frozenset(ids))


def _attached(element: HtmlElement, root: HtmlElement) -> bool:
    return any(ancestor is root for ancestor in element.iterancestors())


def _words(element: HtmlElement) -> list[str]:
    """The text of `element` and of each paragraph, heading, note and alt text inside it, one per item."""
    texts = [element.text_content()]
    for inner in element.iter():
        if not isinstance(inner.tag, str):
            continue
        if inner.tag in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "td", "th") or (
            "footnote" in inner.classes
        ):
            texts.append(inner.text_content())
        texts += [inner.get(name, "") for name in _TEXT_ATTRIBUTES]
    return [" ".join(text.split()) for text in texts]
