"""The web edition: one accessible page per edition with its assets, linking to its PDF and EPUB."""

from __future__ import annotations

from markupsafe import Markup

from editions.model import Artifact, Format, Language
from editions.prepare import chapters, cover, transform
from editions.prepare.fonts import FontSet
from editions.prepare.subsets import FontFile, font_face_css
from editions.writers import EditionContext, Written, downloads, sharing, templating
from editions.writers.screen_fonts import every_download, screen_fonts
from editions.writers.shared import shared_stylesheets


def write_html(context: EditionContext) -> Written:
    """Write index.html and assets/ (stylesheets, subset fonts, cleaned images) for the edition."""
    written = [
        context.stage(f"assets/{image.name}", image.path.read_bytes(), Format.HTML)
        for image in context.document.images
    ]
    tag = context.job.translation.language.tag
    prepared = _prepared(context)
    variables = _variables(context, _downloads(context))
    texts = _texts(context, prepared, variables)
    # The EPUB's files (writers/screen_fonts.py): the page's text as written now, and as counted when
    # the EPUB was written (every download listed), which holds it. Imported here, as the EPUB's writer
    # imports this one.
    from editions.writers import epub

    every = _texts(context, prepared, _variables(context, every_download(context)))
    fonts = screen_fonts(context, epub.page_texts(context), transform.merge_texts(texts, every))
    variables["chapters"] = [Markup(chapter.html) for chapter in prepared.chapters]
    preload = _preload(fonts, context.fonts, tag)
    page = templating.render(context.environment, "web/edition.html", preload=preload, **variables)
    written.append(context.stage(context.format_name(Format.HTML), page.encode("utf-8"), Format.HTML))
    written += [context.stage(f"assets/fonts/{font.name}", font.data, Format.HTML) for font in fonts]
    css = font_face_css(fonts, "fonts/", display="swap") + context.fonts.css()
    written.append(context.stage("assets/fonts.css", css.encode("utf-8"), Format.HTML))
    stylesheet = context.job.site.templates_dir / "web" / "edition.css"
    written.append(context.stage("assets/edition.css", stylesheet.read_bytes(), Format.HTML))
    for name, data in shared_stylesheets(context.job.site.templates_dir).items():
        written.append(context.stage(f"assets/{name}", data, Format.HTML))
    return Written(tuple(written))


def page_texts(context: EditionContext, downloads: list[dict[str, object]]) -> dict[tuple[str, str], str]:
    """The text of the web page by (language, role), as `write_html` collects it for the fonts, with
    `downloads` listed."""
    return _texts(context, _prepared(context), _variables(context, downloads))


def _prepared(context: EditionContext) -> chapters.Prepared:
    tag = context.job.translation.language.tag
    return chapters.prepare(
        context.document,
        chapters.Recipe(
            tag=tag,
            sources={image.source: f"assets/{image.name}" for image in context.document.images},
            notices=context.notices(Format.HTML),
            notes=context.note_labels(),
            shift_headings=1,
            scrollable_code=True,
        ),
    )


def _variables(context: EditionContext, downloads: list[dict[str, object]]) -> dict[str, object]:
    return {
        **context.template_context(Format.HTML),
        "downloads": downloads,
        "languages": _languages(context),
        "sharing": _sharing(context),
        "cover_image": cover.THUMBNAIL,
        "home": _home(context),
    }


def _texts(
    context: EditionContext, prepared: chapters.Prepared, variables: dict[str, object]
) -> dict[tuple[str, str], str]:
    """The fonts need the text of the whole page: the chapters' as the stage collected it, the rest's
    from the page without them (the chapters are not parsed again)."""
    frame = templating.render(
        context.environment, "web/edition.html", preload="", **{**variables, "chapters": []}
    )
    return transform.merge_texts(
        transform.language_texts([transform.parse_page(frame)], context.job.translation.language.tag),
        prepared.chapter_texts,
    )


def _preload(files: tuple[FontFile, ...], fonts: FontSet, tag: str) -> str:
    """The body font's regular face, which the browser may fetch before it reads the stylesheet."""
    family = fonts.stack_for(tag).body[0]
    face = next((f for f in files if f.face.family == family and f.face.weight == "400"), None)
    return f"assets/fonts/{face.name}" if face and face.face.style == "normal" else ""


def _downloads(context: EditionContext) -> list[dict[str, object]]:
    """Links to this language's PDFs and EPUB with their sizes: built now, or published before."""
    folder = context.relative_dir.as_posix() + "/"
    found: dict[str, Artifact] = {}
    for artifact in (*context.job.published, *context.done):  # what was built now wins
        name = artifact.path.removeprefix(folder)
        if (
            artifact.path.startswith(folder)
            and "/" not in name
            and artifact.media_type in downloads.MEDIA_TYPES
        ):
            found[name] = artifact
    return [
        {"href": name, "label": downloads.label(name, a.media_type, context.gettext), "size": a.size}
        for name, a in sorted(found.items(), key=lambda item: downloads.order(item[0], item[1].media_type))
    ]


def _home(context: EditionContext) -> str:
    """The report's landing page in the edition's language (publish/site.py names it the same way)."""
    tag = context.job.translation.language.tag
    return "../index.html" if tag == context.job.site.language else f"../index.{tag}.html"


def _languages(context: EditionContext) -> list[tuple[Language, str, bool]]:
    """Every language of the report for the switcher: (language, link, whether it is this page's)."""
    here = context.job.translation
    return [
        (t.language, "index.html" if t is here else f"../{t.language.tag}/index.html", t is here)
        for t in context.job.report.translations
    ]


def _sharing(context: EditionContext) -> sharing.Sharing:
    """Canonical address, alternates in every language, card with the cover, cut description."""
    job = context.job
    base, slug, tr = job.site.base_url, job.report.slug, job.translation
    here = f"{slug}/{tr.language.tag}/index.html"
    pages = {t.language.tag: f"{slug}/{t.language.tag}/" for t in job.report.translations}
    description = transform.text_of(context.document.abstract_html) or tr.subtitle or tr.title
    return sharing.Sharing(
        title=tr.title,
        description=sharing.describe(description),
        kind="book",
        locale=sharing.og_locale(tr.language),
        canonical=sharing.absolute(base, f"{slug}/{tr.language.tag}/"),
        image=sharing.absolute(base, f"{slug}/{tr.language.tag}/{cover.NAME}"),
        image_alt=f"{context.gettext('Cover')}: {tr.title}",
        alternates=sharing.alternates(base, pages, f"{slug}/", here),
        favicon="../../favicon.svg",
    )
