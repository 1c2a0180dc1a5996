"""HTML rewrites the writers share: footnotes as numbered notes, image sources, headings, cross-file links."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class NoteLabels:
    """Translated words around notes: the notes heading and the back link's accessible name."""

    heading: str
    back: str  # e.g. "Back to the text of note %(number)s"


def parse(fragment: str) -> HtmlElement:
    """A fragment (one element, such as a chapter's <section>) as an lxml element."""
    return lxml_html.fragment_fromstring(fragment)


def parse_page(page: str) -> HtmlElement:
    """A whole HTML page as an lxml element."""
    return lxml_html.document_fromstring(page)


def to_html(element: HtmlElement) -> str:
    """Serialize for HTML5 pages."""
    return lxml_html.tostring(element, encoding="unicode")


def to_xhtml(element: HtmlElement) -> str:
    """Serialize as well-formed XML, for EPUB's XHTML."""
    return etree.tostring(element, encoding="unicode", method="xml")


def number_notes(section: HtmlElement, first: int, labels: NoteLabels, id_prefix: str = "fn") -> int:
    """Turn inline footnote spans into note references and a notes list at the end; return the next number."""
    notes = list(section.find_class("footnote"))
    if not notes:
        return first
    listing = lxml_html.Element("ol", {"start": str(first)} if first != 1 else {})
    for number, note in enumerate(notes, start=first):
        reference = lxml_html.Element(
            "a",
            {
                "href": f"#{id_prefix}{number}",
                "id": f"{id_prefix}ref{number}",
                "class": "footnote-ref",
                "role": "doc-noteref",
            },
        )
        sup = etree.SubElement(reference, "sup")
        sup.text = str(number)
        reference.tail = note.tail
        note.getparent().replace(note, reference)
        item = etree.SubElement(listing, "li", {"id": f"{id_prefix}{number}"})
        paragraph = etree.SubElement(item, "p")
        paragraph.text = note.text
        for child in note:
            paragraph.append(child)
        back = etree.SubElement(
            paragraph,
            "a",
            {
                "href": f"#{id_prefix}ref{number}",
                "class": "footnote-back",
                "role": "doc-backlink",
                "aria-label": labels.back % {"number": number},
            },
        )
        back.text = "↩\ufe0e"
        if len(paragraph) > 1:
            paragraph[-2].tail = (paragraph[-2].tail or "") + " "
        else:
            paragraph.text = (paragraph.text or "") + " "
    aside = lxml_html.Element(
        "section",
        {"class": "footnotes", "role": "doc-endnotes", "aria-labelledby": f"{section.get('id')}-notes"},
    )
    heading = etree.SubElement(aside, "h2", {"id": f"{section.get('id')}-notes", "class": "notes-heading"})
    heading.text = labels.heading
    aside.append(listing)
    section.append(aside)
    return first + len(notes)


def replace_sources(section: HtmlElement, sources: Mapping[str, str]) -> None:
    """Point every <img> at the cleaned file the writer embeds."""
    for img in section.iter("img"):
        img.set("src", sources[img.get("src", "")])


def shift_headings(section: HtmlElement, by: int) -> None:
    """Move headings down `by` levels (h1 → h2), so a page's own title stays its only h1."""
    for element in section.iter("h1", "h2", "h3", "h4", "h5"):
        element.tag = f"h{min(int(element.tag[1]) + by, 6)}"


def retarget_links(section: HtmlElement, file_of: Callable[[str], str | None], current: str) -> None:
    """Rewrite `#id` links whose target lives in another file of a multi-file edition."""
    for link in section.iter("a"):
        href = link.get("href", "")
        if href.startswith("#"):
            target = file_of(href[1:])
            if target and target != current:
                link.set("href", f"{target}{href}")


def add_notices(root: HtmlElement, notices: Mapping[str, str], tag: str) -> None:
    """Put a short notice under the heading of every section whose id is in `notices`.

    The notice is in the edition's language `tag`, even inside a section shown in the source language.
    """
    for section in root.iter("section"):
        text = notices.get(section.get("id", ""))
        heading = next((child for child in section if child.tag in _HEADINGS), None)
        if text is None or heading is None:
            continue
        notice = lxml_html.Element("p", {"class": "translation-notice", "role": "note", "lang": tag})
        notice.text = text
        heading.addnext(notice)


_CODE = frozenset({"code", "kbd", "samp", "pre"})  # set in the code font (see prepare/fonts.py)


def language_texts(roots: Iterable[HtmlElement], tag: str) -> dict[tuple[str, str], str]:
    """The text under `roots` by (language, role): "code" inside code, "heading" inside h1–h6, else "body".

    `tag` is the language of each root unless it says otherwise; `lang` attributes below it switch.
    """
    parts: dict[tuple[str, str], list[str]] = {}

    def walk(element: HtmlElement, language: str, role: str) -> None:
        language = element.get("lang") or language
        role = "code" if element.tag in _CODE else "heading" if element.tag in _HEADINGS else role
        key = (language, role)
        parts.setdefault(key, []).append(element.text or "")
        for child in element:
            if isinstance(child.tag, str) and child.tag not in ("style", "script"):
                walk(child, language, role)
            parts[key].append(child.tail or "")

    for root in roots:
        walk(root, tag, "body")
    return {key: "".join(texts) for key, texts in parts.items()}


def merge_texts(*texts: Mapping[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """Texts by (language, role) from several parts of a page or an edition, as one."""
    merged: dict[tuple[str, str], str] = {}
    for part in texts:
        for key, text in part.items():
            merged[key] = merged.get(key, "") + text
    return merged


def by_language(texts: Mapping[tuple[str, str], str]) -> dict[str, str]:
    """Texts by language only, whatever their role."""
    merged: dict[str, str] = {}
    for (language, _), text in texts.items():
        merged[language] = merged.get(language, "") + text
    return merged


def text_of(fragment: str) -> str:
    """The plain text of an HTML fragment, for font subsetting and descriptions."""
    return lxml_html.fromstring(f"<div>{fragment}</div>").text_content()
