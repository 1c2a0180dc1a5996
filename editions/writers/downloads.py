"""What an edition's files are called where readers choose one: the web edition and the landing pages."""

from __future__ import annotations

from collections.abc import Callable

# Files a reader downloads, in the order they are offered: the screen PDF (the default download),
# the PDF for print shops, the EPUB.
MEDIA_TYPES = ("application/pdf", "application/epub+zip")


def label(name: str, media_type: str, gettext: Callable[[str], str]) -> str:
    """The button text for file `name`: a whole sentence per format, so that each language can write
    its article ("l'EPUB", "le PDF") instead of pasting a format name into one sentence."""
    if media_type == "text/html":
        return gettext("Read online")
    if name.endswith("-print.pdf"):
        return gettext("Download the print PDF (with bleed and crop marks)")
    if media_type == "application/pdf":
        return gettext("Download the PDF")
    return gettext("Download the EPUB")


def order(name: str, media_type: str) -> tuple[int, str]:
    """Where file `name` comes in a list of downloads: web edition, screen PDF, print PDF, EPUB."""
    rank = {"text/html": 0, "application/pdf": 2 if name.endswith("-print.pdf") else 1}
    return rank.get(media_type, 3), name
