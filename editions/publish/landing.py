"""Landing pages: output/index.html lists every report; output/<slug>/index.html every language × format."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from lxml import html as lxml_html
from markupsafe import Markup

from editions import i18n
from editions.i18n import parse_language
from editions.model import Format, Project, Report, Translation, edition_file
from editions.prepare.cover import render_cover
from editions.prepare.fonts import load_fonts
from editions.storage import write_atomic
from editions.writers import templating
from editions.writers.templating import make_environment


@dataclass(frozen=True)
class Download:
    """A published file of one language, as a landing page lists it."""

    href: str
    label: str
    size: str
    media_type: str


@dataclass(frozen=True)
class LanguageBlock:
    """One language of a report on its landing page: its words, its abstract and its files."""

    translation: Translation
    abstract_html: Markup
    date: str
    downloads: tuple[Download, ...]
    heading: str  # "Abstract", in this language
    pending: str = ""  # "2 sections are awaiting translation or revision.", when some are


def write_landing_pages(project: Project) -> list[Path]:
    """Write the site index and one page per report, from what output/ holds now."""
    site = project.site
    language = parse_language(site.language)
    environment = make_environment(
        site.templates_dir, language, i18n.load_translations(site.locales_dir, language)
    )
    written = []
    reports = [report for report in project.reports if _published(report, site.output_dir)]
    for report in reports:
        written += _write_report_page(project, report, environment)
    page = templating.render(environment, "landing/site.html", site=site, reports=reports)
    written.append(_write(site.output_dir / "index.html", page.encode("utf-8")))
    css = (site.templates_dir / "landing" / "landing.css").read_bytes()
    written.append(_write(site.output_dir / "landing.css", css))
    return written


def _published(report: Report, output_dir: Path) -> bool:
    return any((output_dir / report.slug / t.language.tag).is_dir() for t in report.translations)


def _write_report_page(project: Project, report: Report, environment: jinja2.Environment) -> list[Path]:
    site = project.site
    folder = site.output_dir / report.slug
    blocks = [
        _block(project, report, translation)
        for translation in report.translations
        if (folder / translation.language.tag).is_dir()
    ]
    source = report.source
    cover_environment = make_environment(
        site.templates_dir, source.language, i18n.load_translations(site.locales_dir, source.language)
    )
    cover = render_cover(cover_environment, report, source, load_fonts(site.templates_dir / "fonts"))
    page = templating.render(environment, "landing/report.html", site=site, report=report, blocks=blocks)
    return [_write(folder / "cover.svg", cover.encode("utf-8")), _write(folder / "index.html", page.encode())]


def _block(project: Project, report: Report, translation: Translation) -> LanguageBlock:
    site, language = project.site, translation.language
    translations = i18n.load_translations(site.locales_dir, language)
    labels = {Format.HTML: translations.gettext("Read online")}
    downloads = []
    for fmt, media_type in (
        (Format.HTML, "text/html"),
        (Format.PDF, "application/pdf"),
        (Format.EPUB, "application/epub+zip"),
    ):
        path = site.output_dir / edition_file(report.slug, language.tag, fmt)
        if path.is_file():
            label = labels.get(fmt) or translations.gettext("Download %(format)s") % {"format": fmt.name}
            size = "" if fmt is Format.HTML else i18n.file_size(path.stat().st_size, language)
            downloads.append(
                Download(href=f"{language.tag}/{path.name}", label=label, size=size, media_type=media_type)
            )
    return LanguageBlock(
        translation=translation,
        abstract_html=_abstract(
            site.output_dir / edition_file(report.slug, language.tag, Format.HTML), translation.abstract
        ),
        date=i18n.long_date(report.date, language),
        downloads=tuple(downloads),
        heading=translations.gettext("Abstract"),
        pending=translations.ngettext(
            "%(num)s section is awaiting translation or revision.",
            "%(num)s sections are awaiting translation or revision.",
            translation.pending,
        )
        % {"num": translation.pending}
        if translation.pending
        else "",
    )


def _abstract(web_edition: Path, markdown_text: str) -> Markup:
    """The abstract as the published web edition shows it (pandoc already converted it there, once).

    Without a web edition (only PDF or EPUB built), the front matter's paragraphs are shown as text.
    """
    if web_edition.is_file():
        section = next(iter(lxml_html.parse(str(web_edition)).getroot().find_class("abstract")), None)
        if section is not None:
            for heading in section.findall("h2"):
                section.remove(heading)
            return Markup("".join(lxml_html.tostring(child, encoding="unicode") for child in section))
    paragraphs = [" ".join(block.split()) for block in markdown_text.split("\n\n") if block.strip()]
    return Markup("").join(Markup("<p>{}</p>").format(paragraph) for paragraph in paragraphs)


def _write(path: Path, data: bytes) -> Path:
    write_atomic(path, data)
    return path
