"""The site's own pages, drawn from the manifest only: output/index.html lists every report, and
output/<slug>/index.html every language and file of one report, with covers, sizes, page counts and
checksums. Each page also exists in every language of what it lists (index.fr.html), its words from
that language's catalog, and carries subsets of our fonts holding only the characters it shows.

Nothing here reads a source or a published file: what a page says of an edition is the listing that
edition recorded when it was published, so a draft or a broken report never reaches these pages, and
parts built on several machines assemble into the very same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

import jinja2
from babel.support import Translations
from markupsafe import Markup

from editions import i18n
from editions.cache import Cache
from editions.model import Artifact, Language, Listing, Site
from editions.prepare import cover, transform
from editions.prepare.fonts import FontSet, Stack
from editions.prepare.subsets import FontFile, font_assignments, font_face_css, subset_fonts
from editions.publish.manifest import Manifest
from editions.resources import Resources
from editions.writers import INTERNAL_MARK, downloads, sharing, templating


@dataclass(frozen=True)
class Download:
    """A published file of one language, as a landing page lists it."""

    href: str
    label: str
    size: str  # "1.2 MB", in the block's language; "" for the web edition
    pages: str  # "12 pages", for a PDF
    media_type: str
    sha256: str


@dataclass(frozen=True)
class Block:
    """One language of a report on its landing page: its words, its cover, its abstract and its files."""

    listing: Listing
    language: Language
    abstract_html: Markup
    date: str
    downloads: tuple[Download, ...]
    cover: str  # the language's cover thumbnail, relative to the report's folder; "" when none
    cover_alt: str
    checksum: str  # "SHA-256 checksum", in this language
    heading: str  # "Abstract", in this language
    pending: str  # "2 sections are awaiting translation or revision.", when some are


@dataclass(frozen=True)
class ReportPage:
    """One report as a page in one language shows it: that language's listing first, then the others."""

    slug: str
    main: Listing  # the listing that speaks for the report on this page
    language: Language
    date: dt.date
    cover: str  # the main listing's cover thumbnail, relative to the report's folder
    blocks: tuple[Block, ...]
    page: str  # the report's page in this page's language, or in the site's when it has none


@dataclass(frozen=True)
class Version:
    """One language version of a site page, for the language switcher."""

    language: Language
    href: str  # relative to the page that links to it
    current: bool


def page_name(tag: str, site: Site) -> str:
    """The file of a site page in language `tag`: index.html in the site's language, else index.<tag>.html."""
    return "index.html" if tag == site.language else f"index.{tag}.html"


def render_site(
    site: Site, manifest: Manifest, resources: Resources | None = None
) -> list[tuple[Artifact, bytes]]:
    """Every page of the site in every language it lists, its fonts and stylesheet, as declared artifacts.

    `resources` are the fonts, catalogs and templates the build already loaded (none: load them here,
    each once).
    """
    resources = resources or Resources()
    # The site's subsets come from the same cache as the editions': a rebuild that changes no page text
    # (a new checksum is hex digits the subset already has) cuts no font again.
    fonts = replace(_sans_only(resources.fonts(site.templates_dir / "fonts")), cache=Cache(site.cache_dir))
    by_report: dict[str, list[Listing]] = {}
    for record in manifest.editions.values():
        by_report.setdefault(record.listing.report, []).append(record.listing)
    everyone = sorted({listing.language for listings in by_report.values() for listing in listings})
    pages: list[_Page] = []
    for tag in dict.fromkeys([site.language, *everyone]):
        language = i18n.parse_language(tag)
        translations = resources.translations(site.locales_dir, language)
        environment = resources.environment(site.templates_dir, site.locales_dir, language)
        reports = [
            _report(site, manifest, slug, ls, tag, resources) for slug, ls in sorted(by_report.items())
        ]
        for report in reports:
            tags = [site.language, *(b.language.tag for b in report.blocks)]
            if tag in tags:
                path = f"{report.slug}/{page_name(tag, site)}"
                context = _report_context(site, report, translations, path, _versions(site, tags, tag))
                pages.append(_draft(site, environment, "landing/report.html", path, context))
        path = page_name(tag, site)
        versions = _versions(site, [site.language, *everyone], tag)
        context = _site_context(site, reports, language, translations, path, versions)
        pages.append(_draft(site, environment, "landing/site.html", path, context))
    names = {tag: i18n.parse_language(tag).name for tag in dict.fromkeys([site.language, *everyone])}
    tiers = _site_fonts(fonts, pages, names)
    files = {f"fonts/{file.name}": file.data for file in (*tiers.full, *tiers.names)}
    for page in pages:
        files[page.path] = _final(page, fonts, tiers).encode("utf-8")
    for name in ("landing.css", "favicon.svg"):
        files[name] = (site.templates_dir / "landing" / name).read_bytes()
    return [(Artifact.of(path, data, "", "site"), data) for path, data in sorted(files.items())]


def _site_fonts(fonts: FontSet, pages: list[_Page], names: dict[str, str]) -> _Tiers:
    """Two subsets of each face for the whole site, shared by its pages so that a browser fetches each
    once: one with every character the site shows, and a small one with only the names of the
    languages (`names`, by tag), for pages that use a script just to name its language in the switcher."""
    every_text: dict[str, str] = {}
    for page in pages:
        for tag, text in page.texts.items():
            every_text[tag] = every_text.get(tag, "") + text
    full = subset_fonts(fonts, every_text, "woff2")
    small = subset_fonts(fonts, names, "woff2", names=names)
    return _Tiers(
        full=tuple(_content_named(file) for file in full),
        # Names are set in the regular weight only: a bold one is the page's own language, in `full`.
        names=tuple(_content_named(file) for file in small if file.face.weight == "400"),
        name_characters=font_assignments(fonts, names),
    )


@dataclass(frozen=True)
class _Page:
    """A site page before its fonts are known: what renders it, and the text it shows by language."""

    path: str
    environment: jinja2.Environment
    template: str
    variables: dict[str, object] = field(hash=False)
    texts: dict[str, str] = field(hash=False)


def _draft(
    site: Site, environment: jinja2.Environment, template: str, path: str, context: dict[str, object]
) -> _Page:
    language = environment.globals["language"]
    up = "../" * path.count("/")
    variables = {"site": site, "internal_mark": INTERNAL_MARK if site.internal else "", "up": up, **context}
    draft = templating.render(environment, template, font_css="", preload="", **variables)
    texts = transform.by_language(transform.language_texts([transform.parse_page(draft)], language.tag))
    return _Page(path, environment, template, variables, texts)


@dataclass(frozen=True)
class _Tiers:
    """The site's font subsets: every character it shows, and only the names of its languages."""

    full: tuple[FontFile, ...]
    names: tuple[FontFile, ...]
    name_characters: dict[str, set[int]] = field(hash=False)  # by family

    def files_for(self, family: str, characters: set[int]) -> tuple[FontFile, ...]:
        """The smallest subset of `family` that holds `characters`."""
        small = characters <= self.name_characters.get(family, set())
        return tuple(file for file in (self.names if small else self.full) if file.face.family == family)


def _final(page: _Page, fonts: FontSet, tiers: _Tiers) -> str:
    """The page with @font-face rules for the faces its own text needs, and a preload of the first."""
    assigned = font_assignments(fonts, page.texts)
    mine = tuple(
        file
        for family, characters in sorted(assigned.items())
        for file in tiers.files_for(family, characters)
    )
    up = page.variables["up"]
    css = font_face_css(mine, f"{up}fonts/", display="swap") + fonts.css()
    language = page.environment.globals["language"]
    return templating.render(
        page.environment,
        page.template,
        font_css=Markup(css),
        preload=_preload(mine, fonts, language, up),
        **page.variables,
    )


def _sans_only(fonts: FontSet) -> FontSet:
    """The fonts with every language's sans-serif for all text: landing pages are set in sans only, so a
    page ships no serif face at all."""
    stacks = {tag: Stack(stack.heading, stack.heading, stack.emphasis) for tag, stack in fonts.stacks.items()}
    return replace(fonts, stacks=stacks)


def _versions(site: Site, tags: list[str], current: str) -> tuple[Version, ...]:
    return tuple(
        Version(i18n.parse_language(tag), page_name(tag, site), tag == current) for tag in dict.fromkeys(tags)
    )


def _report_context(
    site: Site, report: ReportPage, translations: Translations, path: str, versions: tuple[Version, ...]
) -> dict[str, object]:
    pages = {v.language.tag: f"{report.slug}/{v.href}" for v in versions}
    main = report.main
    return {
        "report": report,
        "versions": versions,
        "sharing": sharing.Sharing(
            title=main.title,
            description=sharing.describe(transform.text_of(main.abstract_html) or main.title),
            kind="website",
            locale=sharing.og_locale(report.language),
            canonical=sharing.absolute(site.base_url, path.removesuffix("index.html")),
            image=sharing.absolute(site.base_url, f"{report.slug}/{main.language}/{cover.NAME}"),
            image_alt=f"{translations.gettext('Cover')}: {main.title}",
            alternates=sharing.alternates(site.base_url, pages, f"{report.slug}/", path),
            favicon="../favicon.svg",
        ),
    }


def _site_context(
    site: Site,
    reports: list[ReportPage],
    language: Language,
    translations: Translations,
    path: str,
    versions: tuple[Version, ...],
) -> dict[str, object]:
    description = translations.gettext(
        "Reports by %(publisher)s in every language, to read online or download as PDF and EPUB."
    ) % {"publisher": site.publisher}
    first = reports[0] if reports else None
    return {
        "reports": reports,
        "versions": versions,
        "description": description,
        "sharing": sharing.Sharing(
            title=site.name,
            description=description,
            kind="website",
            locale=sharing.og_locale(language),
            canonical=sharing.absolute(site.base_url, path.removesuffix("index.html")),
            image=sharing.absolute(site.base_url, f"{first.slug}/{first.main.language}/{cover.NAME}")
            if first
            else "",
            image_alt=f"{translations.gettext('Cover')}: {first.main.title}" if first else "",
            alternates=sharing.alternates(site.base_url, {v.language.tag: v.href for v in versions}, "", ""),
            favicon="favicon.svg",
        ),
    }


def _content_named(file: FontFile) -> FontFile:
    """A subset named by its content: pages that show the same characters share one file."""
    digest = hashlib.sha256(file.data).hexdigest()[:12]
    return replace(file, name=f"{PurePosixPath(file.name).stem}-{digest}.woff2")


def _preload(written: tuple[FontFile, ...], fonts: FontSet, language: Language, up: str) -> str:
    """The regular face of the page's first font, which the browser may fetch before the stylesheet."""
    family = fonts.stack_for(language.tag).heading[0]
    face = next((f for f in written if f.face.family == family and f.face.weight == "400"), None)
    return f"{up}fonts/{face.name}" if face else ""


def _report(
    site: Site, manifest: Manifest, slug: str, listings: list[Listing], tag: str, resources: Resources
) -> ReportPage:
    # The page's language first, then the source language, then the others in the order of their
    # tags: the same order on every machine, whichever editions were built where.
    listings = sorted(
        listings,
        key=lambda ls: (ls.language != tag, ls.language != ls.source_language, ls.language),
    )
    main = listings[0]
    blocks = tuple(_block(site, manifest, listing, resources) for listing in listings)
    return ReportPage(
        slug=slug,
        main=main,
        language=i18n.parse_language(main.language),
        date=dt.date.fromisoformat(main.date),
        cover=blocks[0].cover,
        blocks=blocks,
        page=page_name(tag if tag == main.language else site.language, site),
    )


def _block(site: Site, manifest: Manifest, listing: Listing, resources: Resources) -> Block:
    language = i18n.parse_language(listing.language)
    translations = resources.translations(site.locales_dir, language)
    edition = f"{listing.report}/{listing.language}"
    files = manifest.edition_files(edition)
    pages = dict(listing.pages)
    offered = [
        _download(artifact, translations, language, pages.get(Path(artifact.path).name))
        for artifact in sorted(files, key=lambda a: downloads.order(a.path, a.media_type))
        if artifact.media_type in downloads.MEDIA_TYPES or artifact.path == f"{edition}/index.html"
    ]
    thumbnail = f"{edition}/{cover.THUMBNAIL}"
    pending = (
        translations.ngettext(
            "%(num)s section is awaiting translation or revision.",
            "%(num)s sections are awaiting translation or revision.",
            listing.pending,
        )
        % {"num": listing.pending}
        if listing.pending
        else ""
    )
    return Block(
        listing=listing,
        language=language,
        abstract_html=Markup(listing.abstract_html),
        date=i18n.long_date(dt.date.fromisoformat(listing.date), language),
        downloads=tuple(offered),
        cover=f"{listing.language}/{cover.THUMBNAIL}" if thumbnail in manifest.files else "",
        cover_alt=f"{translations.gettext('Cover')}: {listing.title}",
        checksum=translations.gettext("SHA-256 checksum"),
        heading=translations.gettext("Abstract"),
        pending=pending,
    )


def _download(
    artifact: Artifact, translations: Translations, language: Language, page_count: int | None
) -> Download:
    """A file as its language's block offers it: a label for what it is, its size, pages and checksum."""
    name = artifact.path.rsplit("/", 1)[-1]
    label = downloads.label(name, artifact.media_type, translations.gettext)
    pages = (
        translations.ngettext("%(num)s page", "%(num)s pages", page_count) % {"num": page_count}
        if page_count
        else ""
    )
    size = "" if artifact.media_type == "text/html" else i18n.file_size(artifact.size, language)
    href = f"{artifact.path.split('/')[1]}/{name}"
    return Download(href, label, size, pages, artifact.media_type, artifact.sha256)
