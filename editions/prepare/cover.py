"""The generated cover: an SVG drawn from the report's colours and the edition's title."""

from __future__ import annotations

import textwrap

import jinja2

from editions.model import Report, Translation
from editions.prepare.fonts import FontSet
from editions.writers import templating

_TITLE_WIDTH = 1000  # px of the 1200 px wide cover that text may use


def render_cover(
    environment: jinja2.Environment, report: Report, translation: Translation, fonts: FontSet
) -> str:
    """The cover of `report` in `translation`'s language, as SVG text, set in its language's heading stack."""
    size = 84 if len(translation.title) < 60 else 70
    title_lines = wrap(translation.title, size)
    return templating.render(
        environment,
        "cover/cover.svg",
        report=report,
        tr=translation,
        title_size=size,
        title_lines=title_lines,
        subtitle_lines=wrap(translation.subtitle, 46)[:4],
        font_family=fonts.stack_for(translation.language.tag).css("heading"),
    )


def wrap(text: str, font_size: int) -> list[str]:
    """Break `text` into lines that fit the cover; SVG cannot wrap text by itself.

    The width of a line is estimated from the font size (about half an em per character), which is
    close enough for the sans-serif fonts covers use; scripts without spaces keep whole phrases.
    """
    if not text:
        return []
    return textwrap.wrap(
        text, width=max(12, int(_TITLE_WIDTH / (font_size * 0.55))), break_long_words=False
    ) or [text]
