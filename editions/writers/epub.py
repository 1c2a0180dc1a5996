"""The EPUB 3 edition: one XHTML file per chapter, navigation, cover, full and accessible metadata.

When the PDF of the edition is built with it, the EPUB has the PDF's page numbers: a page-break marker
where each page of the PDF begins and a page-list in its navigation, so that a reader can go to the
page a printed copy or a citation names. Built without its PDF (`--format epub`), it has neither,
nor the pageBreakSource metadata that names their source: it has no pages to point at.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping
from xml.sax.saxutils import escape, quoteattr

from ebooklib import epub
from lxml import etree
from markupsafe import Markup

from editions.errors import RenderError, SourceLocation
from editions.model import Chapter, Format, PageMap
from editions.prepare import blocks, chapters, transform
from editions.prepare.cover import NAME as COVER_NAME
from editions.prepare.subsets import font_face_css
from editions.writers import INTERNAL_MARK, EditionContext, Written, templating
from editions.writers.screen_fonts import every_download, screen_fonts
from editions.writers.shared import shared_stylesheets


def write_epub(context: EditionContext) -> Written:
    """Package the edition as `<slug>-<lang>.epub`, reproducible to the byte."""
    job = context.job
    book = _book(context)
    pages, texts = _pages(context, book)
    _add_style(context, book, pages, texts)
    book.spine = ["cover", "title", "nav", *(page for page in pages[2:])]
    buffer = io.BytesIO()
    try:
        epub.write_epub(
            buffer, book, {"mtime": job.timestamp, "raise_exceptions": True, "epub3_pages": False}
        )
    except Exception as error:  # ebooklib raises bare exceptions; the edition fails with its message
        raise RenderError(
            f"the EPUB could not be written: {error}", SourceLocation(job.translation.files[0])
        ) from None
    data = reproducible_zip(
        buffer.getvalue(),
        job.timestamp.timetuple()[:6],
        edits={
            "EPUB/content.opf": _package_attributes(context),
            "EPUB/nav.xhtml": _nav_edits(context),
            "EPUB/toc.ncx": _ncx_page_list(context),
        },
    )
    return Written((context.stage(context.format_name(Format.EPUB), data, Format.EPUB),))


def _book(context: EditionContext) -> epub.EpubBook:
    job = context.job
    report, tr = job.report, job.translation
    book = epub.EpubBook()
    book.set_identifier(report.identifiers[tr.language.tag][Format.EPUB])
    book.set_title(tr.title)
    book.set_language(tr.language.tag)
    if tr.language.direction == "rtl":
        book.set_direction("rtl")
    for number, author in enumerate(report.authors, start=1):
        book.add_author(author, uid=f"creator{number}", role="aut")
    for translator in tr.translators:
        book.add_metadata("DC", "contributor", translator)
    book.add_metadata("DC", "publisher", report.publisher)
    book.add_metadata("DC", "date", report.date.isoformat())
    book.add_metadata("DC", "rights", report.licence)
    description = " ".join(transform.text_of(context.document.abstract_html).split())
    if job.site.internal:
        description = f"{INTERNAL_MARK}. {description}"
    book.add_metadata("DC", "description", description)
    for keyword in tr.keywords:
        book.add_metadata("DC", "subject", keyword)
    if tr.subtitle:
        book.add_metadata("DC", "title", tr.subtitle, {"id": "subtitle"})
        book.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    for prop, value in _accessibility(context):
        book.add_metadata(None, "meta", value, {"property": prop})
    return book


CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


def _accessibility(context: EditionContext) -> list[tuple[str, str]]:
    """schema.org accessibility metadata: what the book offers readers of assistive technology."""
    has_images = bool(context.document.images)
    summary = context.gettext(
        "This publication has a table of contents, headings in order, alternative text for "
        "every image, and linked notes. It has no known hazards."
    )
    if context.page_map is not None and context.page_map.breaks:
        summary += " " + context.gettext(
            "Its list of pages and its page-break markers follow the page numbers of the PDF edition."
        )
    return [
        ("schema:accessMode", "textual"),
        *([("schema:accessMode", "visual")] if has_images else []),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        *([("schema:accessibilityFeature", "alternativeText")] if has_images else []),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", summary),
        # What the book claims, and who checked it: the build runs EPUBCheck and DAISY Ace on every
        # EPUB and axe-core's WCAG 2.1 AA rules on its pages, and publishes none that fails them.
        ("dcterms:conformsTo", CONFORMANCE),
        ("a11y:certifiedBy", context.job.report.publisher),
        *_page_metadata(context.page_map),
    ]


def _page_metadata(page_map: PageMap | None) -> list[tuple[str, str]]:
    """What the page-break markers offer and where their numbers come from: the PDF edition, named by
    its identifier (pageBreakSource, EPUB Accessibility 1.1 techniques, which DAISY Ace asks of any EPUB
    with a page-list). Nothing without a page map: an EPUB built without its PDF has no page-list."""
    if page_map is None or not page_map.breaks:
        return []
    return [
        ("schema:accessibilityFeature", "pageBreakMarkers"),
        ("schema:accessibilityFeature", "pageNavigation"),
        ("pageBreakSource", page_map.source),
    ]


def _pages(
    context: EditionContext, book: epub.EpubBook
) -> tuple[list[epub.EpubHtml], dict[tuple[str, str], str]]:
    """Cover, title page and one XHTML page per chapter, added to the book and its navigation; and
    the text of the pages by (language, role), for the fonts."""
    job, tag = context.job, context.job.translation.language.tag
    direction = job.translation.language.direction
    prepared = _prepared(context)
    cover_html, title_html = _front_pages(context, prepared)
    book.set_cover(f"images/{COVER_NAME}", context.cover_image, create_page=False)
    cover = _page("cover", "cover.xhtml", context.gettext("Cover"), tag, direction, cover_html)
    title = _page("title", "title.xhtml", job.translation.title, tag, direction, title_html)
    files = chapters.chapter_files(context.document.chapters)
    chapter_pages = [
        _page(f"chapter-{chapter.id}", chapter.file, chapter.title, tag, direction, chapter.html)
        for chapter in prepared.chapters
    ]
    for image in context.document.images:
        book.add_item(
            epub.EpubImage(
                uid=image.name,
                file_name=f"images/{image.name}",
                media_type=image.media_type,
                content=image.path.read_bytes(),
            )
        )
    pages = [cover, title, *chapter_pages]
    for page in pages:
        book.add_item(page)
    book.add_item(epub.EpubNav(title=context.gettext("Contents")))
    book.add_item(epub.EpubNcx())  # for EPUB 2 reading systems; ebooklib always points the spine at it
    book.toc = [
        epub.Link("title.xhtml#abstract", context.gettext("Abstract"), "abstract"),
        *(_toc_entry(chapter, files[chapter.id]) for chapter in context.document.chapters),
    ]
    book.guide = [
        {"type": "cover", "href": "cover.xhtml", "title": context.gettext("Cover")},
        {"type": "toc", "href": "nav.xhtml", "title": context.gettext("Contents")},
        {
            "type": "text",
            "href": files[context.document.chapters[0].id],
            "title": context.document.chapters[0].title,
        },
    ]
    return pages, _texts(context, prepared, cover_html, title_html)


def page_texts(context: EditionContext) -> dict[tuple[str, str], str]:
    """The text of the EPUB's pages by (language, role), as `write_epub` collects it for the fonts."""
    prepared = _prepared(context)
    return _texts(context, prepared, *_front_pages(context, prepared))


def _prepared(context: EditionContext) -> chapters.Prepared:
    return chapters.prepare(
        context.document,
        chapters.Recipe(
            tag=context.job.translation.language.tag,
            sources={image.source: f"images/{image.name}" for image in context.document.images},
            notices=context.notices(Format.EPUB),
            notes=context.note_labels(),
            scrollable_code=True,
            page_breaks=context.page_map.breaks if context.page_map else (),
            one_file_per_chapter=True,
            xhtml=True,
        ),
    )


def _front_pages(context: EditionContext, prepared: chapters.Prepared) -> tuple[str, str]:
    """The bodies of the cover page and of the title page."""
    variables = {**context.template_context(Format.EPUB), "abstract_html": Markup(prepared.abstract_html)}
    return tuple(
        templating.render(context.environment, f"epub/{name}.xhtml", **variables)
        for name in ("cover", "title")
    )


def _texts(
    context: EditionContext, prepared: chapters.Prepared, cover_html: str, title_html: str
) -> dict[tuple[str, str], str]:
    # The fonts need the text of every page: the chapters' as the stage collected it, the cover's and
    # the title page's from the pages themselves.
    roots = (transform.parse(f"<div>{body}</div>") for body in (cover_html, title_html))
    tag = context.job.translation.language.tag
    return transform.merge_texts(transform.language_texts(roots, tag), prepared.chapter_texts)


def _page(uid: str, name: str, title: str, tag: str, direction: str, body: str) -> epub.EpubHtml:
    page = epub.EpubHtml(
        uid=uid, file_name=name, title=title, lang=tag, direction=direction if direction == "rtl" else None
    )
    page.content = Markup(body)
    return page


def _toc_entry(chapter: Chapter, name: str) -> object:
    subsections = [epub.Link(f"{name}#{h.id}", h.title, h.id) for h in chapter.headings if h.level == 2]
    link = epub.Link(f"{name}#{chapter.id}", chapter.title, chapter.id)
    return (epub.Section(chapter.title, href=f"{name}#{chapter.id}"), subsections) if subsections else link


def _add_style(
    context: EditionContext,
    book: epub.EpubBook,
    pages: list[epub.EpubHtml],
    texts: dict[tuple[str, str], str],
) -> None:
    # WOFF2: the EPUB 3.3 core media type, ~30 % smaller than WOFF. The same files as the web
    # edition's (writers/screen_fonts.py): imported here, as the web edition's writer imports this one.
    from editions.writers import html

    fonts = screen_fonts(context, texts, html.page_texts(context, every_download(context)))
    for font in fonts:
        book.add_item(
            epub.EpubItem(
                uid=font.name, file_name=f"fonts/{font.name}", media_type=font.media_type, content=font.data
            )
        )
    stylesheet = (context.job.site.templates_dir / "epub" / "epub.css").read_text(encoding="utf-8")
    shared = b"".join(shared_stylesheets(context.job.site.templates_dir).values()).decode("utf-8")
    css = epub.EpubItem(
        uid="style",
        file_name="style.css",
        media_type="text/css",
        content=(font_face_css(fonts, "fonts/") + context.fonts.css() + stylesheet + shared).encode("utf-8"),
    )
    book.add_item(css)
    for page in pages:
        page.add_item(css)


def _package_attributes(context: EditionContext) -> Callable[[bytes], bytes]:
    """xml:lang (and dir) on <package>, which ebooklib cannot write."""
    language = context.job.translation.language
    attributes = f'xml:lang="{language.tag}"'
    if language.direction == "rtl":
        attributes += ' dir="rtl"'
    return lambda opf: opf.replace(b"<package ", b"<package " + attributes.encode("ascii") + b" ", 1)


def _nav_edits(context: EditionContext) -> Callable[[bytes], bytes]:
    """The navigation document as ebooklib writes it, with what it cannot write."""
    languages, pages = _nav_languages(context), _page_list(context)
    return lambda nav: pages(languages(nav))


def _page_list(context: EditionContext) -> Callable[[bytes], bytes]:
    """The page-list: a link to each page-break marker, in the PDF's page order. Hidden, as reading
    systems offer it in their own "go to page" controls. (ebooklib's own page-list would take in any
    element with an epub:type, and has no role.)"""
    page_map = context.page_map
    if page_map is None or not page_map.breaks:
        return lambda nav: nav
    files = ["title.xhtml", *chapters.chapter_files(context.document.chapters).values()]
    title = escape(context.gettext("Pages"))
    hrefs = (f"{files[page.part]}#{blocks.MARKER_PREFIX}{page.label}" for page in page_map.breaks)
    items = "".join(
        f"<li><a href={quoteattr(href)}>{escape(page.label)}</a></li>"
        for href, page in zip(hrefs, page_map.breaks, strict=True)
    )
    nav = (
        '<nav epub:type="page-list" role="doc-pagelist" id="page-list" aria-labelledby="page-list-title" '
        f'hidden="hidden"><h2 id="page-list-title">{title}</h2><ol>{items}</ol></nav>'
    )
    return lambda document: document.replace(b"</body>", nav.encode("utf-8") + b"</body>", 1)


def _ncx_page_list(context: EditionContext) -> Callable[[bytes], bytes]:
    """The same pages in the NCX, for reading systems of EPUB 2 (Adobe Digital Editions 2 and the
    e-readers built on it read pages only there)."""
    page_map = context.page_map
    if page_map is None or not page_map.breaks:
        return lambda ncx: ncx
    files = ["title.xhtml", *chapters.chapter_files(context.document.chapters).values()]
    title = context.gettext("Pages")

    def add(data: bytes) -> bytes:
        ncx = etree.fromstring(data)
        for meta in ncx.iterfind(f"{_NCX}head/{_NCX}meta"):
            if meta.get("name") == "dtb:totalPageCount":
                meta.set("content", str(len(page_map.breaks)))
            elif meta.get("name") == "dtb:maxPageNumber":
                meta.set("content", page_map.breaks[-1].label)  # the numbers only increase
        page_list = etree.SubElement(ncx, f"{_NCX}pageList")  # in the NCX's namespace, without a prefix
        _ncx_label(page_list, title)
        for page in page_map.breaks:
            attributes = {"id": f"page-target-{page.label}", "type": "normal", "value": page.label}
            target = etree.SubElement(page_list, f"{_NCX}pageTarget", attributes)
            _ncx_label(target, page.label)
            href = f"{files[page.part]}#{blocks.MARKER_PREFIX}{page.label}"
            etree.SubElement(target, f"{_NCX}content", {"src": href})
        ncx.find(f"{_NCX}navMap").addnext(page_list)
        page_list.tail = "\n"
        return etree.tostring(ncx, encoding="utf-8", xml_declaration=True, pretty_print=True)

    return add


_NCX = "{http://www.daisy.org/z3986/2005/ncx/}"


def _ncx_label(parent: etree._Element, text: str) -> None:
    label = etree.SubElement(parent, f"{_NCX}navLabel")
    etree.SubElement(label, f"{_NCX}text").text = text


def _nav_languages(context: EditionContext) -> Callable[[bytes], bytes]:
    """The language of each contents entry that is not in the edition's (an untranslated chapter),
    which ebooklib's navigation cannot carry."""
    files = chapters.chapter_files(context.document.chapters)
    entries = {
        f"{files[chapter.id]}#{heading.id}": heading.lang
        for chapter in context.document.chapters
        for heading in chapter.headings
        if heading.lang
    }

    def mark(nav: bytes) -> bytes:
        for href, lang in entries.items():
            nav = nav.replace(
                f'<a href="{href}">'.encode(), f'<a href="{href}" lang="{lang}" xml:lang="{lang}">'.encode()
            )
        return nav

    return mark


def reproducible_zip(
    data: bytes, date_time: tuple[int, ...], edits: Mapping[str, Callable[[bytes], bytes]] | None = None
) -> bytes:
    """Re-pack an EPUB with fixed timestamps, permissions and order, `mimetype` first and stored.

    ebooklib stamps the current time on every zip entry. `edits` rewrite entries by name, for what
    ebooklib cannot write.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if edits and entry.filename in edits:
                content = edits[entry.filename](content)
            info = zipfile.ZipInfo(
                entry.filename,
                date_time=tuple(max(v, 1980 if i == 0 else 0) for i, v in enumerate(date_time)),
            )
            info.create_system = 3
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if entry.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info, content, compresslevel=9)
    return output.getvalue()
