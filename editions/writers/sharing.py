"""What a page tells search engines and messaging apps: canonical address, languages, card, description.

Open Graph and hreflang need absolute addresses, so they come from the site's `base_url`. Without it a
page says only what needs no address (title, description, type, locale, relative alternates): a
relative canonical or og:image is invalid, and a guessed host would be worse.
"""

from __future__ import annotations

from dataclasses import dataclass

from editions.model import Language

DESCRIPTION_LENGTH = 160  # characters that search results and link previews show


@dataclass(frozen=True)
class Sharing:
    """The sharing metadata of one page (templates/web/sharing.html writes it)."""

    title: str
    description: str
    kind: str  # og:type: "website" or "book"
    locale: str  # og:locale, such as "fr_FR" or "th"
    canonical: str  # absolute URL, or "" without base_url
    image: str  # absolute URL of the cover, or "" without base_url
    image_alt: str
    alternates: tuple[tuple[str, str], ...]  # (hreflang, href), "x-default" last
    favicon: str  # relative to the page


def absolute(base_url: str, path: str) -> str:
    """`path` (relative to output/) under the site's address; "" when the site has none."""
    return f"{base_url}{path}" if base_url else ""


def alternates(base_url: str, pages: dict[str, str], default: str, here: str) -> tuple[tuple[str, str], ...]:
    """hreflang alternates: `pages` maps language tags to paths relative to output/, `default` is the
    x-default page; absolute with a base_url, else relative to `here` (the page's own path)."""
    depth = here.count("/")

    def href(path: str) -> str:
        return absolute(base_url, path) or "../" * depth + path or "./"

    entries = [(tag, href(path)) for tag, path in sorted(pages.items())]
    return (*entries, ("x-default", href(default)))


def describe(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters (an ellipsis marks the
    cut); a text without spaces (Thai) is cut at a character, since it has no spaces between words."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1]
    if " " in cut and not words[limit - 1].isspace():
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-–—") + "…"


def og_locale(language: Language) -> str:
    """og:locale as Open Graph writes it: "fr_FR" when the locale names a territory, else "fr"."""
    return language.locale
