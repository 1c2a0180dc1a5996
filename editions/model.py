"""The data that flows between stages: frozen dataclasses, no I/O."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from editions.i18n.tracking import TranslationStatus


class Format(enum.Enum):
    """An output format of an edition."""

    HTML = "html"
    PDF = "pdf"
    EPUB = "epub"


def edition_file(slug: str, tag: str, fmt: Format) -> str:
    """Where format `fmt` of an edition is published, relative to output/: `la-lucha/fr/la-lucha-fr.pdf`."""
    name = {Format.HTML: "index.html", Format.PDF: f"{slug}-{tag}.pdf", Format.EPUB: f"{slug}-{tag}.epub"}[
        fmt
    ]
    return f"{slug}/{tag}/{name}"


@dataclass(frozen=True)
class Language:
    """A language an edition is written in, as Babel's locale data describes it."""

    tag: str  # BCP 47, as authors write it: "fr", "pt-BR"
    locale: str  # Babel's identifier: "fr", "pt_BR"
    name: str  # the language's name in itself: "français", "ไทย"
    direction: str  # "ltr" or "rtl"


@dataclass(frozen=True)
class Cover:
    """What a report's generated cover shows besides its words: colours, and optional images (paths
    inside the report's folder, SVG, PNG or JPEG)."""

    background: str
    text: str
    accent: str
    logo: Path | None = None  # the publisher's logo; without one its name is set as a wordmark
    partner_logos: tuple[Path, ...] = ()
    photo: Path | None = None
    photo_credit: str = ""


@dataclass(frozen=True)
class ReleasePolicy:
    """What `--release` accepts in a translation: each of "missing" and "stale" is "refuse" or "allow"."""

    missing: str = "refuse"
    stale: str = "refuse"


@dataclass(frozen=True)
class Confidential:
    """A passage or name marked `{.confidential}` in a source: never in a public edition of any language."""

    text: str  # as written, markup removed and whitespace collapsed
    path: Path
    line: int


@dataclass(frozen=True)
class Translation:
    """One language's sources of a report and their front matter."""

    language: Language
    files: tuple[Path, ...]
    title: str
    abstract: str  # Markdown
    subtitle: str = ""
    translators: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    status: TranslationStatus | None = None  # how it compares with the source; None for the source
    confidential: tuple[Confidential, ...] = ()  # the passages its sources mark confidential

    @property
    def pending(self) -> int:
        """How many sections are not an up-to-date translation of the source (0 for the source)."""
        return self.status.pending if self.status else 0


@dataclass(frozen=True)
class Contributor:
    """Someone credited in the imprint for a part of the work other than writing it."""

    name: str
    role: str  # one of CONTRIBUTOR_ROLES
    languages: tuple[str, ...] = ()  # the editions they worked on; () for every edition


# The roles the imprint can name; each has a translated label in templates/shared/imprint.html.
CONTRIBUTOR_ROLES = ("translation", "revision", "editing", "design", "layout", "photography")
# What a report can be: a "report" has a contents page and opens each chapter on a new page; the
# others are short and compact.
PUBLICATION_KINDS = ("report", "brief", "call-to-action", "policy-paper")


@dataclass(frozen=True)
class Publication:
    """How a report is published: its kind, and what its imprint says beyond authors and licence."""

    kind: str = "report"  # one of PUBLICATION_KINDS
    document_number: str = ""
    isbn_assigned: bool = False  # ISBNs are printed only once the agency has assigned them
    funders: tuple[str, ...] = ()
    acknowledgements: tuple[tuple[str, str], ...] = ()  # (language tag, text) pairs
    contributors: tuple[Contributor, ...] = ()
    contact: tuple[tuple[str, str], ...] = ()  # ("email" | "web" | "address", value) pairs

    @property
    def compact(self) -> bool:
        """Whether the edition is laid out as a short document: no contents page, no page breaks."""
        return self.kind != "report"

    def acknowledgement(self, tag: str) -> str:
        """The acknowledgements in language `tag`, if report.toml gives them."""
        return dict(self.acknowledgements).get(tag, "")

    def credits(self, tag: str) -> tuple[Contributor, ...]:
        """The contributors credited in the edition in language `tag`."""
        return tuple(c for c in self.contributors if not c.languages or tag in c.languages)


@dataclass(frozen=True)
class Report:
    """A publication: language-independent metadata and its translations, source language first."""

    slug: str
    root: Path
    date: dt.date
    publisher: str
    authors: tuple[str, ...]
    licence: str
    cover: Cover
    translations: tuple[Translation, ...]
    identifiers: dict[str, dict[Format, str]] = field(default_factory=dict, hash=False)
    partners: tuple[str, ...] = ()
    bibliography: Path | None = None
    csl: Path | None = None
    release: ReleasePolicy | None = None  # None: the site's policy
    languages: tuple[str, ...] = ()  # every language report.toml names, even one that failed to load
    publication: Publication = field(default_factory=Publication)

    @property
    def source(self) -> Translation:
        """The translation the others were made from."""
        return self.translations[0]

    def translation(self, tag: str) -> Translation | None:
        """The translation in language `tag`, if the report has one."""
        return next((t for t in self.translations if t.language.tag == tag), None)

    @property
    def confidential(self) -> tuple[Confidential, ...]:
        """What any language of the report marks confidential: a name marked in one must stay out of all."""
        return tuple(dict.fromkeys(c for t in self.translations for c in t.confidential))


@dataclass(frozen=True)
class Site:
    """Where things are: settings from pyproject.toml's [tool.editions]."""

    root: Path
    reports_dir: Path
    templates_dir: Path
    locales_dir: Path
    output_dir: Path
    name: str
    publisher: str
    language: str = "en"  # the language of pages that serve every language, such as output/index.html
    release: ReleasePolicy = ReleasePolicy()  # what `--release` accepts, unless a report says otherwise
    audience: str = "public"  # "internal" keeps confidential passages, marked, in its own output folder
    cache_dir: Path | None = None  # where costly results are kept between builds; None keeps nothing
    base_url: str = ""  # where output/ is published, ending in "/"; "" when unknown (no absolute links)
    contact: tuple[tuple[str, str], ...] = ()  # the publisher's ("address" | "email" | "web", value) pairs

    @property
    def internal(self) -> bool:
        """Whether this build is for PI's staff only: confidential passages stay in, visibly marked."""
        return self.audience == "internal"


@dataclass(frozen=True)
class Project:
    """Everything the build reads: settings and every report that loaded without errors."""

    site: Site
    reports: tuple[Report, ...]


@dataclass(frozen=True)
class Job:
    """One edition to build: a report in one language, in some formats."""

    site: Site
    report: Report
    translation: Translation
    formats: tuple[Format, ...]
    timestamp: dt.datetime  # the edition's fixed "modified" time, for reproducible files
    fingerprint: str  # hash of every input; equal fingerprints give byte-identical outputs
    published: tuple[Artifact, ...] = ()  # what the manifest says this edition published before

    @property
    def name(self) -> str:
        """`slug/lang`, how the console names this edition."""
        return f"{self.report.slug}/{self.translation.language.tag}"

    def file(self, fmt: Format) -> str:
        """Where format `fmt` of this edition is published, relative to output/."""
        return edition_file(self.report.slug, self.translation.language.tag, fmt)

    @property
    def basename(self) -> str:
        """`slug-lang`, the stem of the PDF and EPUB file names."""
        return f"{self.report.slug}-{self.translation.language.tag}"


@dataclass(frozen=True)
class Heading:
    """A heading of the document: its id, level (1 = chapter) and plain-text title."""

    id: str
    level: int
    title: str
    lang: str = ""  # set when the heading is in another language than the edition (untranslated)


@dataclass(frozen=True)
class Chapter:
    """A level-1 section as HTML; footnotes are still inline `<span class="footnote">` elements."""

    id: str
    title: str
    html: str
    headings: tuple[Heading, ...]
    kind: str = "chapter"  # "chapter" or "bibliography"


@dataclass(frozen=True)
class Image:
    """An image the document uses: its reference in the source and the cleaned file written for it."""

    source: str  # the src as written in Markdown, relative to the report
    name: str  # the content-addressed file name writers embed: "img-<hash>.png"
    path: Path  # the cleaned file in the edition's work directory
    media_type: str


@dataclass(frozen=True)
class Document:
    """What pandoc made of one edition: enough for every writer, so pandoc runs once per edition."""

    abstract_html: str
    chapters: tuple[Chapter, ...]
    images: tuple[Image, ...] = ()
    withheld: tuple[str, ...] = ()  # the words of the confidential passages left out of this edition
    title: str = ""  # the front matter's title and subtitle as text, with the language's typography
    subtitle: str = ""

    @property
    def headings(self) -> tuple[Heading, ...]:
        """Every heading of every chapter, in reading order."""
        return tuple(h for chapter in self.chapters for h in chapter.headings)


@dataclass(frozen=True)
class PageBreak:
    """Where a page of the PDF begins in the text: at block `block` of part `part` (see
    editions/prepare/blocks.py: part 0 is the abstract, then each chapter in order)."""

    part: int
    block: int
    label: str  # the page number the PDF prints on that page: "7"


@dataclass(frozen=True)
class PageMap:
    """The pages of an edition's PDF, in the terms of its text: the PDF writer learns it while laying
    the pages out and the EPUB writer turns it into page-break markers and a page-list."""

    source: str  # the identifier of the PDF edition the page numbers come from (its urn:uuid or ISBN)
    breaks: tuple[PageBreak, ...]


MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".epub": "application/epub+zip",
    ".html": "text/html",
    ".css": "text/css",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}


@dataclass(frozen=True)
class Artifact:
    """One published file, declared by the writer that made it: the manifest, the site pages, the
    checksums and `assemble` are built from these, never from what happens to be in output/."""

    path: str  # relative to output/, with forward slashes: "la-lucha/fr/la-lucha-fr.pdf"
    media_type: str
    edition: str  # "slug/lang"; "" for a page of the whole site
    format: str  # "pdf", "epub", "html", "cover"; "site" for the site's pages
    size: int
    sha256: str
    variant: str = ""  # tells files of one format apart: "screen" and "print" for the two PDFs

    @staticmethod
    def of(path: str, data: bytes, edition: str, fmt: str, variant: str = "") -> Artifact:
        """The artifact for `data` published at `path`."""
        media_type = MEDIA_TYPES.get(Path(path).suffix, "application/octet-stream")
        return Artifact(path, media_type, edition, fmt, len(data), hashlib.sha256(data).hexdigest(), variant)


@dataclass(frozen=True)
class Listing:
    """What the site's pages say of one published edition, taken from the edition as it was built.

    Landing pages are drawn from these (kept in the manifest), so a draft or a broken source never shows
    on a public page before its edition is rebuilt and published.
    """

    report: str
    language: str  # BCP 47 tag
    source_language: str  # the report's source language
    title: str
    subtitle: str
    abstract_html: str  # pandoc's HTML, after the allow-list
    date: str  # the report's publication date, ISO 8601
    authors: tuple[str, ...]
    partners: tuple[str, ...]
    cover_background: str
    pending: int = 0  # sections awaiting translation or revision
    pages: tuple[tuple[str, int], ...] = ()  # (file name, page count) of each PDF the edition published

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            **self.__dict__,
            "authors": list(self.authors),
            "partners": list(self.partners),
            "pages": {name: count for name, count in self.pages},
        }

    @staticmethod
    def from_json(data: dict) -> Listing:
        """The listing a manifest recorded."""
        return Listing(
            **{
                **data,
                "authors": tuple(data["authors"]),
                "partners": tuple(data["partners"]),
                "pages": tuple(sorted(data.get("pages", {}).items())),
            }
        )


@dataclass(frozen=True)
class EditionResult:
    """What a worker reports back: the staged artifacts of an edition, or why it failed."""

    job: Job
    artifacts: tuple[Artifact, ...] = ()  # staged below staging_dir, in output layout
    listing: Listing | None = None
    staging_dir: Path | None = None
    errors: tuple[str, ...] = ()  # rendered one-line messages
    seconds: float = 0.0
    bug: str = ""  # a traceback: not the author's fault
    # Formats whose page did not change since an earlier build: laid out then, taken from the cache.
    reused: tuple[Format, ...] = ()
    # The processes that built it: its worker's, and a helper's that made its screen formats' costly
    # parts beside the PDF (editions/ahead.py).
    pids: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the edition was built."""
        return not self.errors and not self.bug
