"""What pandoc renders without a word, yet not as the author meant: each becomes a located error.

An image with text beside it loses its caption and shrinks into the line; a citation in a report that has
no bibliography is printed as `[@key]`. Readers would see either, so the author hears of it first.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml.html import HtmlElement

from editions.errors import SourceError, SourceLocation

Locate = Callable[[str], SourceLocation]


def silent_problems(body: HtmlElement, has_bibliography: bool, locate: Locate) -> list[SourceError]:
    """Located errors for what pandoc turned into something the author did not mean."""
    errors = [
        SourceError(
            f"the image '{img.get('src')}' has text beside it in its paragraph, so it would be shown small "
            "and without its caption: put it alone in its paragraph, with a blank line before and after",
            _where(locate, img.get("alt", ""), img.get("src", "")),
        )
        for img in body.iter("img")
        if next(img.iterancestors("figure"), None) is None
    ]
    if not has_bibliography:
        keys = dict.fromkeys(
            key for span in body.find_class("citation") for key in (span.get("data-cites") or "").split()
        )
        errors += [
            SourceError(
                f"citation '@{key}', but this report has no bibliography: add references.bib to the "
                "report's folder (or name one with bibliography = in report.toml)",
                locate(f"@{key}"),
            )
            for key in keys
        ]
    return errors


def _where(locate: Locate, *needles: str) -> SourceLocation:
    """The place of the first needle written somewhere: an image's alternative text is rarely repeated,
    its file name may be (the same picture used twice)."""
    places = [locate(needle) for needle in needles if needle.strip()]
    return next((place for place in places if place.line is not None), places[-1] if places else locate(""))
