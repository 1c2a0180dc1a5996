"""The web edition: one accessible page per edition with its assets, linking to its PDF and EPUB."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from editions.model import Artifact, Format
from editions.prepare import transform
from editions.prepare.code import mark_code
from editions.prepare.fonts import font_face_css, subset_fonts
from editions.writers import EditionContext, templating
from editions.writers.shared import shared_stylesheets


def write_html(context: EditionContext) -> tuple[Artifact, ...]:
    """Write index.html and assets/ (stylesheets, subset fonts, cleaned images) for the edition."""
    written = [
        context.stage(f"assets/{image.name}", image.path.read_bytes(), Format.HTML)
        for image in context.document.images
    ]
    variables = context.template_context(Format.HTML)
    page = templating.render(
        context.environment,
        "web/edition.html",
        **variables,
        chapters=_chapters(context),
        downloads=_downloads(context),
        description=" ".join(transform.text_of(context.document.abstract_html).split())[:300],
    )
    written.append(context.stage(context.format_name(Format.HTML), page.encode("utf-8"), Format.HTML))
    texts = transform.language_texts([transform.parse_page(page)], context.job.translation.language.tag)
    fonts = subset_fonts(context.fonts, texts, "woff2")
    written += [context.stage(f"assets/fonts/{font.name}", font.data, Format.HTML) for font in fonts]
    css = font_face_css(fonts, "fonts/") + context.fonts.css()
    written.append(context.stage("assets/fonts.css", css.encode("utf-8"), Format.HTML))
    stylesheet = context.job.site.templates_dir / "web" / "edition.css"
    written.append(context.stage("assets/edition.css", stylesheet.read_bytes(), Format.HTML))
    for name, data in shared_stylesheets(context.job.site.templates_dir).items():
        written.append(context.stage(f"assets/{name}", data, Format.HTML))
    return tuple(written)


def _chapters(context: EditionContext) -> list[Markup]:
    sources = {image.source: f"assets/{image.name}" for image in context.document.images}
    chapters, number = [], 1
    notices = context.notices(Format.HTML)
    for chapter in context.document.chapters:
        section = transform.parse(chapter.html)
        transform.replace_sources(section, sources)
        transform.add_notices(section, notices, context.job.translation.language.tag)
        number = transform.number_notes(section, number, context.note_labels())
        transform.shift_headings(section, by=1)
        mark_code(section, scrollable=True)
        chapters.append(Markup(transform.to_html(section)))
    return chapters


def _downloads(context: EditionContext) -> list[dict[str, object]]:
    """Links to this language's PDF and EPUB with their sizes: built now, or published before."""
    downloads = []
    for fmt in (Format.PDF, Format.EPUB):
        path = context.job.file(fmt)
        found = next((a for a in (*context.done, *context.job.published) if a.path == path), None)
        if found is not None:
            downloads.append({"href": Path(path).name, "label": fmt.name, "size": found.size})
    return downloads
