"""The writers, one module per format, behind one small protocol: `write(context) -> Written`.

A writer stages each file through `EditionContext.stage`, which declares it as an Artifact (path, media
type, edition, format, size, SHA-256); the transaction publishes exactly what was declared. Besides its
files, a writer may return what it learnt for the writers after it: the PDF writer, the page map.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2
from babel.support import Translations
from markupsafe import Markup

from editions import i18n
from editions.model import Artifact, Document, Format, Job, PageMap
from editions.prepare import transform
from editions.prepare.fonts import FontSet
from editions.sources.sections import FRONT_MATTER


@dataclass(frozen=True)
class EditionContext:
    """Everything a writer needs for one edition; writers write only below `staging`."""

    job: Job
    document: Document
    environment: jinja2.Environment
    translations: Translations
    fonts: FontSet
    staging: Path  # mirrors output/: files go to staging/<slug>/<lang>/…
    work: Path  # scratch space: cleaned images, never published
    cover_image: bytes = b""  # the edition's cover (JPEG), drawn once for every format and the site's pages
    done: tuple[Artifact, ...] = ()  # what the writers before this one staged
    page_map: PageMap | None = None  # the PDF's pages, when the PDF writer ran before this one
    cores: int = 1  # how many cores the edition may keep busy: its own, and those the build leaves idle

    @property
    def relative_dir(self) -> Path:
        """The edition's folder inside output/: `<slug>/<lang>`."""
        return Path(self.job.report.slug) / self.job.translation.language.tag

    def stage(self, name: str, data: bytes, fmt: Format | str, variant: str = "") -> Artifact:
        """Write `data` as file `name` of this edition (e.g. "assets/edition.css") and declare it;
        `variant` tells apart files of one format, such as the screen and print PDFs."""
        relative = self.relative_dir / name
        target = self.staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return Artifact.of(relative.as_posix(), data, self.job.name, getattr(fmt, "value", fmt), variant)

    def format_name(self, fmt: Format) -> str:
        """The file name of format `fmt` inside the edition's folder: the PDF, the EPUB, the web page."""
        return Path(self.job.file(fmt)).name

    def gettext(self, message: str) -> str:
        """`message` in the edition's language."""
        return self.translations.gettext(message)

    def note_labels(self) -> transform.NoteLabels:
        """Translated words for numbered notes."""
        return transform.NoteLabels(
            heading=self.gettext("Notes"), back=self.gettext("Back to the text of note %(number)s")
        )

    def notices(self, fmt: Format) -> dict[str, str]:
        """Translation notices by section id: for sections shown from the source in every format, and
        for sections whose source changed since translation on screen (HTML, EPUB), not in print."""
        job = self.job
        status = job.translation.status
        if status is None:
            return {}
        source = i18n.language_name_in(job.report.source.language, job.translation.language)
        notices = {
            state.id: self.gettext(
                "This section has not been translated yet. It is shown in its original language, "
                "%(language)s."
            )
            % {"language": source}
            for state in status.fallbacks
        }
        if fmt is not Format.PDF:
            changed = self.gettext("The original of this section has changed since it was translated.")
            notices.update({section_id: changed for section_id in status.ids("stale")})
        return notices

    def template_context(self, fmt: Format) -> dict[str, object]:
        """The variables every template of every format receives."""
        job = self.job
        report, tr = job.report, job.translation
        return {
            "report": report,
            "tr": tr,
            "source": report.source,
            "document": self.document,
            "abstract_html": Markup(self.document.abstract_html),
            "headings": [h for h in self.document.headings if h.level <= 2],
            "identifier": report.identifiers.get(tr.language.tag, {}).get(fmt, ""),
            "abstract_notice": self.notices(fmt).get(FRONT_MATTER, ""),
            "modified": job.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "internal_mark": INTERNAL_MARK if job.site.internal else "",
            "font_stacks": Markup(self.fonts.css()),
            "alternates": [
                (other.language, f"../{other.language.tag}/index.html")
                for other in report.translations
                if other is not tr
            ],
        }


# On every page and in the metadata of an internal edition. English on purpose: PI's staff share it,
# and a translated mark could be missed by someone who does not read the edition's language.
INTERNAL_MARK = "CONFIDENTIAL — internal"


@dataclass(frozen=True)
class Written:
    """What a writer made: the files it staged, and what it learnt that the writers after it use."""

    artifacts: tuple[Artifact, ...]
    page_map: PageMap | None = None  # where the PDF's pages begin in the text (the EPUB's page-list)
    reused: bool = False  # the same page as an earlier build's: its layout came from the cache
    pages: int = 0  # how many pages each of its PDFs has, as laid out (the landing pages show it)


Writer = Callable[[EditionContext], Written]


def writers() -> dict[Format, Writer]:
    """The writer of each format, in the order they run: the PDF first (the EPUB numbers its pages as
    the PDF's), the web edition last (it links to the others)."""
    from editions.writers import epub, html, pdf

    return {Format.PDF: pdf.write_pdf, Format.EPUB: epub.write_epub, Format.HTML: html.write_html}
