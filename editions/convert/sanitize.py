"""An allow-list for pandoc's HTML: only the elements and attributes our editions need survive.

Pandoc passes an author's attributes through (`{onclick=…}`, `{srcset=…}`, `{style=…}`) and turns a
"picture" of a web page or a video into `<embed>` or `<video>`. In a web edition or an EPUB those would
run scripts or make every reader's browser fetch files from elsewhere. So everything outside the lists
below is removed, and each removal is a located error: the author learns what was refused, and nothing
of it reaches any format.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml.html import HtmlElement

from editions.errors import SourceError, SourceLocation

# What pandoc writes for the Markdown we accept (docs/authoring.md), and nothing more.
ELEMENTS = frozenset(
    {
        *("a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup"),
        *("dd", "del", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6"),
        *("hr", "i", "img", "input", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp"),
        *("section", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th"),
        *("thead", "tr", "u", "ul", "var", "wbr"),
    }
)
_NUMERIC = {"width", "height", "span", "colspan", "rowspan", "start", "value"}
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "lang", "dir", "title", "role", "aria-hidden", "aria-label"})
ELEMENT_ATTRIBUTES = {
    "a": {"href", "tabindex"},  # tabindex="-1": pandoc's line anchors in highlighted code
    "img": {"src", "alt", "width", "height", "style"},
    "col": {"style", "span"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "span": {"data-cites"},  # citeproc's citation keys
    "input": {"type", "checked", "disabled"},  # task lists: [x] becomes a disabled checkbox
}
# The only presentation an author may set: sizes and alignment, as pandoc writes them for
# `{width=50%}` and table columns. Values are plain lengths or keywords: no url(), no expressions.
_STYLE_PROPERTIES = {"width", "height", "text-align"}
_STYLE_VALUE = re.compile(r"^(\d+(\.\d+)?(%|px|em|rem|cm|mm|in)?|left|right|center|justify|auto)$")
# Escapes (`u\72l(`) and comments could spell url() in ways a plain search would miss.
_FETCHES = re.compile(r"url\s*\(|\\|/\*|image-set|@import", re.IGNORECASE)
_NUMBER = re.compile(r"^\d{1,5}$")
_MEDIA = frozenset({"embed", "object", "video", "audio", "iframe", "source", "track", "picture", "svg"})

Locate = Callable[[str], SourceLocation]


def sanitize(root: HtmlElement, locate: Locate) -> list[SourceError]:
    """Remove from `root` every element and attribute outside the allow-list; one error per removal.

    `locate` finds where a piece of text is written in the edition's sources.
    """
    errors: list[SourceError] = []
    for element in list(root.iter()):
        if not isinstance(element.tag, str):  # comments and processing instructions
            element.getparent().remove(element)
            continue
        if element.tag not in ELEMENTS:
            errors.append(_element_error(element, locate))
            element.drop_tree()
            continue
        for name, value in list(element.attrib.items()):
            problem = _attribute_problem(element, name, value)
            if problem:
                errors.append(SourceError(problem, _where(locate, *_spellings(name, value))))
                del element.attrib[name]
    return errors


def _spellings(name: str, value: str) -> tuple[str, ...]:
    """How an author may have written `{name=value}`, most precise first."""
    if name == "src":  # ![alt](value)
        return (f"]({value}", value)
    return (f'{name}="{value}"', f"{name}='{value}'", f"{name}={value}", value, f"{name}=")


def _where(locate: Locate, *needles: str) -> SourceLocation:
    """The first place any of `needles` is written: the value itself is the most precise clue."""
    found = [locate(needle) for needle in needles if len(needle.strip()) > 3]
    return next((where for where in found if where.line is not None), found[-1] if found else locate(""))


def _element_error(element: HtmlElement, locate: Locate) -> SourceError:
    source = element.get("src") or element.get("data") or ""
    if element.tag in _MEDIA and source:
        return SourceError(
            f"'{source}' is not a PNG or JPEG image, so it cannot be shown in an edition "
            f"(pandoc made it a <{element.tag}>): use an image file of this report such as "
            "images/name.png, or link to it as [text](https://…)",
            locate(source),
        )
    return SourceError(
        f"<{element.tag}> is not allowed in an edition: remove it from the text",
        locate(element.tag),
    )


def _attribute_problem(element: HtmlElement, name: str, value: str) -> str:
    """Why `name="value"` may not stay on `element`, or "" when it may."""
    allowed = GLOBAL_ATTRIBUTES | ELEMENT_ATTRIBUTES.get(element.tag, set())
    if name.startswith("on"):
        return f"the attribute '{name}' would run a script in readers' browsers: remove {{{name}=…}}"
    if name == "style" and _FETCHES.search(value):
        return (
            "a style with url() would make readers' browsers fetch files from elsewhere: remove "
            "the style; images come only from this report's images/ folder"
        )
    if name == "srcset":
        return (
            "the attribute 'srcset' would make readers' browsers fetch other files: remove it; "
            "images come only from this report's images/ folder"
        )
    if name not in allowed:
        return (
            f"the attribute '{name}' is not allowed on <{element.tag}>: remove {{{name}=…}}; "
            "editions accept id, class, lang, dir, title, and width or height on images"
        )
    if name == "style":
        return _style_problem(value)
    if name == "src" and (_SCHEME.match(value) or value.startswith(("/", "\\"))):
        return f"image '{value}' must be a file of this report, such as images/name.png"
    if name in _NUMERIC and not _NUMBER.match(value):
        return f"the attribute '{name}' must be a whole number, not '{value}'"
    if name == "tabindex" and value != "-1":
        return "the attribute 'tabindex' is not allowed: remove it"
    if element.tag == "input" and name == "type" and value != "checkbox":
        return "only task-list checkboxes ([ ] and [x]) may appear in an edition"
    return ""


def _style_problem(style: str) -> str:
    for declaration in filter(None, (part.strip() for part in style.split(";"))):
        prop, _, value = (piece.strip().lower() for piece in declaration.partition(":"))
        if prop not in _STYLE_PROPERTIES or not _STYLE_VALUE.match(value):
            return (
                f"the style '{declaration}' is not allowed: an edition's look comes from its templates; "
                "only width, height and text-align may be set, e.g. {width=50%}"
            )
    return ""


# Elements that run code, embed other documents or submit data: never in a page we publish.
_NEVER = _MEDIA | {"script", "frame", "frameset", "base", "form", "button", "textarea", "select", "applet"}
_LOADS = {"src", "data", "poster", "background", "action", "formaction"}  # attributes that fetch a file
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
_REMOTE_CSS = re.compile(r"url\s*\(\s*['\"]?\s*([a-zA-Z][a-zA-Z0-9+.-]*:|//)|@import", re.IGNORECASE)


def audit_markup(root: HtmlElement, own: str = "") -> list[str]:
    """What in a whole rendered page (template plus text) could run a script or fetch from elsewhere.

    The last line of defence after the allow-list and autoescaping: it sees every template variable as
    the reader will, so a value that slipped through any of them is caught before it is published.
    URLs starting with `own` count as the edition's own files (the PDF renderer's sandboxed host).
    """
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rpartition("}")[2].lower()
        if tag in _NEVER - {"svg"}:
            problems.append(f"a <{tag}> element")
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            problems.append("a <meta http-equiv=refresh>")
        if tag == "style" and _REMOTE_CSS.search(element.text or ""):
            problems.append("a stylesheet that loads a file from elsewhere")
        for key, value in element.attrib.items():
            name = key.rpartition("}")[2].lower()
            if not (own and value.startswith(own)):
                problems += _audit_attribute(tag, name, value, element)
    return problems


def _audit_attribute(tag: str, name: str, value: str, element: HtmlElement) -> list[str]:
    scheme = (_SCHEME.match(value).group(1).lower() if _SCHEME.match(value) else "") if value else ""
    loads = name in _LOADS or (tag in ("image", "use", "feimage") and name == "href")
    loads = loads or (tag == "link" and name == "href" and _loading_link(element))
    if name.startswith("on") or name in ("srcset", "imagesrcset"):
        return [f"the attribute {name} on <{tag}>"]
    if name == "style" and _REMOTE_CSS.search(value):
        return [f"a style that loads a file from elsewhere on <{tag}>"]
    if loads and (scheme not in ("", "data") or value.strip().startswith("//")):
        return [f"<{tag} {name}> loads '{value}' from elsewhere"]
    if name in ("href", "action") and scheme in ("javascript", "vbscript", "data", "file"):
        return [f"a {scheme}: link on <{tag}>"]
    return []


def _loading_link(element: HtmlElement) -> bool:
    """Whether a <link> fetches what it names (a stylesheet, an icon), rather than only pointing at it."""
    relations = set((element.get("rel") or "").lower().split())
    return not relations <= {"alternate", "canonical", "license", "author", "help", "next", "prev"}
