"""The site's own pages, drawn from the manifest only: output/index.html lists every report, and
output/<slug>/index.html every language and format of one report, with sizes and checksums.

Nothing here reads a source or a published file: what a page says of an edition is the listing that
edition recorded when it was published, so a draft or a broken report never reaches these pages, and
parts built on several machines assemble into the very same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from editions import i18n
from editions.model import Artifact, Format, Language, Listing, Site, edition_file
from editions.publish.manifest import Manifest
from editions.writers import INTERNAL_MARK, templating
from editions.writers.templating import make_environment


@dataclass(frozen=True)
class Download:
    """A published file of one language, as a landing page lists it."""

    href: str
    label: str
    size: str
    media_type: str
    sha256: str


@dataclass(frozen=True)
class Block:
    """One language of a report on its landing page: its words, its abstract and its files."""

    listing: Listing
    language: Language
    abstract_html: Markup
    date: str
    downloads: tuple[Download, ...]
    heading: str  # "Abstract", in this language
    pending: str  # "2 sections are awaiting translation or revision.", when some are


@dataclass(frozen=True)
class ReportPage:
    """One report as the site shows it: its source-language listing first, then every other language."""

    slug: str
    main: Listing  # the listing that speaks for the report: the source language's when it is published
    language: Language
    date: dt.date
    cover: str  # relative to the report's folder
    blocks: tuple[Block, ...]


def render_site(site: Site, manifest: Manifest) -> list[tuple[Artifact, bytes]]:
    """Every page of the site, with its declared artifact."""
    language = i18n.parse_language(site.language)
    environment = make_environment(
        site.templates_dir, language, i18n.load_translations(site.locales_dir, language)
    )
    reports = _reports(site, manifest)
    mark = INTERNAL_MARK if site.internal else ""
    pages = [
        (
            f"{r.slug}/index.html",
            templating.render(environment, "landing/report.html", site=site, report=r, internal_mark=mark),
        )
        for r in reports
    ]
    index = templating.render(
        environment, "landing/site.html", site=site, reports=reports, internal_mark=mark
    )
    pages.append(("index.html", index))
    files = [(path, text.encode("utf-8")) for path, text in pages]
    files.append(("landing.css", (site.templates_dir / "landing" / "landing.css").read_bytes()))
    return [(Artifact.of(path, data, "", "site"), data) for path, data in files]


def _reports(site: Site, manifest: Manifest) -> list[ReportPage]:
    by_report: dict[str, list[Listing]] = {}
    for record in manifest.editions.values():
        by_report.setdefault(record.listing.report, []).append(record.listing)
    return [_report(site, manifest, slug, listings) for slug, listings in sorted(by_report.items())]


def _report(site: Site, manifest: Manifest, slug: str, listings: list[Listing]) -> ReportPage:
    # The source language first, then the others in the order of their tags: the same order on every
    # machine, whichever editions were built where.
    listings.sort(key=lambda listing: (listing.language != listing.source_language, listing.language))
    main = listings[0]
    return ReportPage(
        slug=slug,
        main=main,
        language=i18n.parse_language(main.language),
        date=dt.date.fromisoformat(main.date),
        cover=f"{main.language}/cover.svg",
        blocks=tuple(_block(site, manifest, listing) for listing in listings),
    )


def _block(site: Site, manifest: Manifest, listing: Listing) -> Block:
    language = i18n.parse_language(listing.language)
    translations = i18n.load_translations(site.locales_dir, language)
    downloads = []
    for fmt in (Format.HTML, Format.PDF, Format.EPUB):
        artifact = manifest.files.get(edition_file(listing.report, listing.language, fmt))
        if artifact is None:
            continue
        label = (
            translations.gettext("Read online")
            if fmt is Format.HTML
            else translations.gettext("Download %(format)s") % {"format": fmt.name}
        )
        size = "" if fmt is Format.HTML else i18n.file_size(artifact.size, language)
        href = f"{listing.language}/{Path(artifact.path).name}"
        downloads.append(Download(href, label, size, artifact.media_type, artifact.sha256))
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
        downloads=tuple(downloads),
        heading=translations.gettext("Abstract"),
        pending=pending,
    )
