"""Code made ready for every format: left to right whatever the text around it, a keyboard-scrollable box
on screen, and, for print, one element per source line so that a line too long for the page wraps with a
continuation mark on its following rows (templates/shared/code*.css)."""

from __future__ import annotations

from lxml.html import HtmlElement


def mark_code(root: HtmlElement, scrollable: bool) -> None:
    """Mark every code block and inline code under `root` as left-to-right text (`dir="ltr"`, which
    also isolates it: a command inside Arabic never runs backwards) and, where a long line scrolls in
    its own box (`scrollable`: web and EPUB), let the keyboard reach the block (`tabindex="0"`).

    An attribute, not CSS: EPUB forbids `direction` and `unicode-bidi` in its stylesheets.
    """
    for element in root.iter("pre", "code"):
        parent = element.getparent()
        if element.tag == "code" and parent is not None and parent.tag == "pre":
            continue  # the block says it for its code
        element.set("dir", "ltr")
        if element.tag == "pre" and scrollable:
            element.set("tabindex", "0")


def mark_code_lines(root: HtmlElement) -> None:
    """Give every line of every `<pre><code>` block under `root` its own `<span class="line">`.

    pandoc writes a highlighted block (```bash) as one span per line already, and a plain one as text:
    the spans get the class, the text is split at its line breaks. A block of any other shape is left
    as it is (it still wraps, without marks).
    """
    for code in root.iter("code"):
        parent = code.getparent()
        if parent is None or parent.tag != "pre":
            continue
        if len(code) == 0:
            _split_text(code)
        elif not (code.text or "").strip() and all(_is_line(child) for child in code):
            for child in code:
                child.set("class", " ".join(filter(None, (child.get("class"), "line"))))
                child.tail = None  # each line is a block of its own: a line break too would add a row


def _is_line(element: HtmlElement) -> bool:
    return element.tag == "span" and not (element.tail or "").strip("\n")


def _split_text(code: HtmlElement) -> None:
    lines = (code.text or "").split("\n")
    code.text = None
    for line in lines:
        span = code.makeelement("span", {"class": "line"})
        span.text = line
        code.append(span)
