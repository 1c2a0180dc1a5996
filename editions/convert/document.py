"""Turn pandoc's HTML for one edition into a Document: chapters, headings, numbered captions, links."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from lxml import html as lxml_html
from lxml.html import HtmlElement

from editions.convert.confidential import Withheld, withhold
from editions.convert.sanitize import sanitize
from editions.convert.silent import silent_problems
from editions.errors import ErrorGroup, SourceError, SourceLocation, locate
from editions.i18n import parse_language
from editions.model import Chapter, Document, Heading, Language

_SAFE_SCHEMES = ("https://", "http://", "mailto:")
_UNDEFINED_NOTE = re.compile(r"\[\^([^\]\s]+)\]")


@dataclass(frozen=True)
class CaptionLabels:
    """Translated caption prefixes, e.g. "Figure %(number)s:"; the number is filled in here."""

    figure: str
    table: str


def build_document(
    html: str,
    files: tuple[Path, ...],
    labels: CaptionLabels,
    language: Language,
    has_bibliography: bool = True,
    public: bool = True,
) -> tuple[Document, list[str]]:
    """Parse pandoc's output; return the Document and the image sources it uses, in reading order.

    A `public` Document leaves out every confidential passage; an internal one keeps them, marked.
    """
    tree = lxml_html.fromstring(f"<div>{html}</div>")
    # First, so that nothing outside the allow-list reaches the checks below or any writer.
    refused = sanitize(tree, lambda needle: locate(files, needle))
    # Then, before anything is checked, counted or numbered: what is left out leaves no trace.
    withheld = withhold(tree) if public else Withheld((), frozenset())
    abstract = tree.get_element_by_id("editions-abstract")
    body = tree.get_element_by_id("editions-body")
    errors = refused + silent_problems(body, has_bibliography, lambda needle: locate(files, needle))
    errors += _check_links(tree, files, withheld.ids) + _check_notes(body, files) + _check_images(body, files)
    errors += _set_directions(tree, files, language)
    chapters, stray = _chapters(body)
    if next(abstract.iter("img"), None) is not None:
        errors.append(
            SourceError(
                "the abstract cannot hold images: move the image into a chapter", locate(files, "abstract:")
            )
        )
    if stray:
        errors.append(
            SourceError(
                "text before the first chapter heading: start every chapter with a "
                "level-1 heading such as `# Introduction {#introduction}`",
                locate(files, stray[:40]),
            )
        )
    if not chapters:
        errors.append(
            SourceError(
                "this edition has no chapters: add a level-1 heading (`# Title {#id}`) before the text",
                SourceLocation(files[0]),
            )
        )
    if errors:
        raise ErrorGroup(errors)
    _number_captions(body, labels)
    images = [img.get("src", "") for img in body.iter("img")]
    document = Document(
        abstract_html=_inner_html(abstract),
        chapters=tuple(_chapter(section) for section in chapters),
        withheld=withheld.texts,
        title=tree.get_element_by_id("editions-title").text_content().strip(),
        subtitle=tree.get_element_by_id("editions-subtitle").text_content().strip(),
    )
    return document, list(dict.fromkeys(images))


def _check_links(tree: HtmlElement, files: tuple[Path, ...], withheld: frozenset[str]) -> list[SourceError]:
    ids = {element.get("id") for element in tree.iter() if element.get("id")}
    errors = []
    for link in tree.iter("a"):
        href = link.get("href", "")
        if href.startswith("#") and href[1:] in withheld:
            errors.append(
                SourceError(
                    f"link to '{href}' points into a confidential passage, which public editions leave "
                    "out: mark the link confidential too, or point it elsewhere",
                    locate(files, href),
                )
            )
        elif href.startswith("#"):
            if href[1:] not in ids:
                errors.append(
                    SourceError(
                        f"link to '{href}' points to no heading, figure or table of this "
                        "edition: fix the id or add `{#id}` to the target",
                        locate(files, href),
                    )
                )
        elif not href.startswith(_SAFE_SCHEMES):
            errors.append(
                SourceError(
                    f"link to '{href}' is not allowed: use an https://, http:// or mailto: "
                    "address, or #id for a place in this edition",
                    locate(files, href),
                )
            )
    return errors


def _check_notes(body: HtmlElement, files: tuple[Path, ...]) -> list[SourceError]:
    text = body.text_content()
    return [
        SourceError(
            f"footnote [^{label}] has no definition: add `[^{label}]: text of the note`",
            locate(files, f"[^{label}]"),
        )
        for label in dict.fromkeys(_UNDEFINED_NOTE.findall(text))
    ]


def _check_images(body: HtmlElement, files: tuple[Path, ...]) -> list[SourceError]:
    return [
        SourceError(
            f"image '{img.get('src')}' has no alternative text: add "
            '{alt="what the image shows"} after it',
            locate(files, img.get("src", "")),
        )
        for img in body.iter("img")
        if not (img.get("alt") or "").strip()
    ]


def _set_directions(tree: HtmlElement, files: tuple[Path, ...], language: Language) -> list[SourceError]:
    """Give every passage in another language (`[texto]{lang=es}`) its writing direction when it
    differs from the edition's, so Arabic in an English page, or English in an Arabic one, is laid out
    and read in its own direction."""
    errors = []
    for element in tree.iter():
        tag = element.get("lang")
        if tag is None or element.get("dir"):
            continue
        try:
            direction = parse_language(tag).direction
        except ValueError as error:
            errors.append(SourceError(f"{{lang={tag}}}: {error}", locate(files, f"lang={tag}")))
            continue
        if direction != language.direction:
            element.set("dir", direction)
    # A bibliography entry is written in the language of the work it cites, and a citation made only of
    # such words ("(United Nations 1998)") too: in an Arabic edition they are laid out left to right, as
    # one unit with their parentheses. A citation that mixes in words of the edition ("Bennett وآخرون")
    # follows the edition's direction.
    for element in tree.find_class("citation") + tree.find_class("csl-entry"):
        text = element.text_content()
        direction = _first_strong_direction(text)
        mixed = "citation" in element.get("class", "") and _has_direction(text, language.direction)
        if direction and direction != language.direction and not mixed and not element.get("dir"):
            element.set("dir", direction)
    return errors


def _has_direction(text: str, direction: str) -> bool:
    kinds = ("R", "AL") if direction == "rtl" else ("L",)
    return any(unicodedata.bidirectional(character) in kinds for character in text)


def _first_strong_direction(text: str) -> str:
    """The direction of the first letter with a strong direction, as the Unicode bidi algorithm sees it."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return ""


def _chapters(body: HtmlElement) -> tuple[list[HtmlElement], str]:
    sections = [child for child in body if child.tag == "section" and "level1" in child.get("class", "")]
    stray = " ".join(child.text_content().strip() for child in body if child not in sections).strip()
    return sections, stray


def _chapter(section: HtmlElement) -> Chapter:
    headings = tuple(
        Heading(
            id=sub.get("id", ""),
            level=int(sub.get("class", "level1").split("level")[1][:1] or 1),
            title=_plain_title(sub),
            lang=sub.get("lang") or next((a.get("lang") for a in sub.iterancestors() if a.get("lang")), ""),
        )
        for sub in section.iter("section")
        if re.search(r"\blevel[1-3]\b", sub.get("class", ""))
    )
    kind = "bibliography" if section.get("id") == "bibliography" else "chapter"
    return Chapter(
        id=section.get("id", ""),
        title=headings[0].title,
        html=_outer_html(section),
        headings=headings,
        kind=kind,
    )


def _plain_title(section: HtmlElement) -> str:
    heading = next(child for child in section if child.tag in ("h1", "h2", "h3", "h4", "h5", "h6"))
    copy = lxml_html.fromstring(lxml_html.tostring(heading))
    for note in copy.find_class("footnote"):
        note.drop_tree()
    return " ".join(copy.text_content().split())


def _number_captions(body: HtmlElement, labels: CaptionLabels) -> None:
    for template, captions in (
        (labels.figure, body.iter("figcaption")),
        (labels.table, body.iter("caption")),
    ):
        for number, caption in enumerate(list(captions), start=1):
            label = lxml_html.Element("span", {"class": "caption-label"})
            label.text = template % {"number": number}
            label.tail = " " + (caption.text or "")
            caption.text = None
            caption.insert(0, label)


def _inner_html(element: HtmlElement) -> str:
    text = element.text or ""
    return (text + "".join(lxml_html.tostring(child, encoding="unicode") for child in element)).strip()


def _outer_html(element: HtmlElement) -> str:
    return lxml_html.tostring(element, encoding="unicode").strip()
