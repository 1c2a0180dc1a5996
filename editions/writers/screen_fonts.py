"""The fonts of the screen formats, cut once for the EPUB and the web edition of an edition.

Both formats ship the same subset files: each face keeps the characters of both formats' text, so
that the second format to be written finds its subsets made (in the cache, editions/cache.py) instead
of cutting its own. The web page shows the sizes of the PDFs and of the EPUB, which are known only
once they are written, and the EPUB is written before the web page: the text counted for the web page
is therefore the page's with every download listed, and the sizes are counted as every size the
language can write (its digits, separators, units and their plural forms). What the web page shows
in the end is always among those characters, so the files do not depend on the sizes, on the formats
built together, or on the order the formats are written in.
"""

from __future__ import annotations

from collections.abc import Mapping

from editions import i18n
from editions.model import Format
from editions.prepare import transform
from editions.prepare.subsets import FontFile, subset_fonts
from editions.writers import EditionContext, downloads

Texts = Mapping[tuple[str, str], str]
# Sizes from bytes to gigabytes whose numbers hold every digit and the plural forms languages have
# (one, two, few, many, other): what `i18n.file_size` may write for any file.
SAMPLE_SIZES = (
    0, 1, 2, 3, 5, 8, 11, 21, 102, 1_000, 1_234, 2_000, 3_456, 5_678, 8_000, 11_000, 21_000, 90_000,
    102_000, 1_000_000, 1_234_567, 2_000_000, 3_456_789, 5_678_901, 8_901_234, 11_000_000, 21_000_000,
    90_123_456, 102_000_000, 1_234_567_890,
)  # fmt: skip


def screen_fonts(context: EditionContext, epub_texts: Texts, web_texts: Texts) -> tuple[FontFile, ...]:
    """The WOFF2 subsets of the EPUB and of the web edition: the faces the text of either needs, each
    with the characters of both. `epub_texts` and `web_texts` are each format's text by (language,
    role), as its writer collects it (see the writers' `page_texts`)."""
    sizes = " ".join(i18n.file_size(size, context.job.translation.language) for size in SAMPLE_SIZES)
    texts = transform.merge_texts(
        epub_texts, web_texts, {(context.job.translation.language.tag, "body"): sizes}
    )
    names = {t.language.tag: t.language.name for t in context.job.report.translations}
    return subset_fonts(context.fonts, texts, "woff2", own=context.job.translation.language.tag, names=names)


def every_download(context: EditionContext) -> list[dict[str, object]]:
    """The web page's downloads as a build of every format lists them, with a size: what the page's text
    is counted with, whichever formats are built."""
    name = context.format_name
    files = (
        (name(Format.PDF), "application/pdf"),
        (name(Format.PDF).removesuffix(".pdf") + "-print.pdf", "application/pdf"),
        (name(Format.EPUB), "application/epub+zip"),
    )
    return [
        {"href": file, "label": downloads.label(file, media_type, context.gettext), "size": 1}
        for file, media_type in files
    ]
