"""Build one edition in a worker: convert once with pandoc, then render every format into staging."""

from __future__ import annotations

import errno
import functools
import os
import shutil
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from editions import ahead as helping
from editions.ahead import Ahead
from editions.cache import Cache
from editions.convert import markdown
from editions.convert.document import CaptionLabels, build_document
from editions.errors import EditionsError, ErrorGroup, flatten, locate
from editions.model import Artifact, Confidential, Document, EditionResult, Format, Job, Listing
from editions.prepare import cover
from editions.prepare.cover import render_cover
from editions.prepare.coverage import check_coverage
from editions.prepare.images import cleaned_ahead, prepare_images
from editions.publish.audit import extract_texts, find_leaks
from editions.resources import Resources
from editions.sources.text import read_source
from editions.writers import INTERNAL_MARK, EditionContext, writers

Reporter = Callable[[str, str], None]
# Errors of the disk, not of the sources or of editions: the author is told so in a sentence.
_DISK_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


def build_edition(
    job: Job,
    staging_root: Path,
    report: Reporter,
    resources: Resources | None = None,
    ahead: Ahead | None = None,
    cores: int = 1,
) -> EditionResult:
    """Stage every requested format of `job`; errors are returned, never raised, so others go on.

    `resources` are the fonts, catalogs and templates this process already loaded (none: load them).
    `ahead`: where a helper forked when the PDF is laid out draws the cover and works ahead on the
    screen formats on a second core (editions/ahead.py); none, this process does it all alone.
    `cores`: how many cores the edition may keep busy, its own and those the build leaves idle (images
    are cleaned on them).
    """
    started = time.perf_counter()
    staging = staging_root / job.basename
    work = staging_root / f"{job.basename}.work"
    helper: helping.Helper | None = None
    try:
        for folder in (staging, work):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        context, draw_cover = _prepare(job, staging, work, report, resources or Resources(), cores)
        if ahead is None:  # no helper to draw the cover while the PDF is laid out: now
            context = replace(context, cover_image=draw_cover())
        artifacts: list[Artifact] = []
        reused, pages = [], []
        for fmt, write in writers().items():
            if fmt in job.formats:
                report(job.name, fmt.value)
                if fmt is Format.PDF and ahead is not None:
                    helper = helping.fork_helper(
                        ahead, functools.partial(work_ahead, context, ahead, draw_cover)
                    )
                if fmt is not Format.PDF:  # the EPUB's cover
                    context = _with_cover(context, draw_cover, helper, laid_out=Format.PDF not in reused)
                if helper is not None and fmt in ahead.formats:
                    _meet(helper, fmt, laid_out=Format.PDF not in reused)
                context = replace(context, done=tuple(artifacts))
                written = write(context)
                artifacts += written.artifacts
                if written.reused:
                    reused.append(fmt)
                pages += [
                    (Path(a.path).name, written.pages)
                    for a in written.artifacts
                    if a.media_type == "application/pdf"
                ]
                # The PDF's page map, for the EPUB's page-list. A build without the PDF (--format epub)
                # has none, and its EPUB no page-list: nothing reads a PDF published before.
                if written.page_map is not None:
                    context = replace(context, page_map=written.page_map)
        context = _with_cover(context, draw_cover, helper, laid_out=Format.PDF not in reused)
        # The cover of every edition, whatever its formats: the site's pages show it.
        artifacts = [
            context.stage(cover.NAME, context.cover_image, "cover"),
            context.stage(cover.THUMBNAIL, cover.thumbnail(context.cover_image), "cover"),
            *artifacts,
        ]
        helped = helper.end() if helper is not None else None
        helper = None  # ended: the `finally` below is for an edition that fails
        if not job.site.internal:
            report(job.name, "audit")
            audit_edition(job, context.document, staging, artifacts)
        return EditionResult(
            job,
            artifacts=tuple(artifacts),
            listing=listing(context.job, context.document, tuple(sorted(pages))),
            staging_dir=staging,
            seconds=time.perf_counter() - started,
            reused=tuple(reused),
            pids=(os.getpid(), helped) if helped is not None else (os.getpid(),),
        )
    except EditionsError as error:
        shutil.rmtree(staging, ignore_errors=True)
        return EditionResult(
            job,
            errors=tuple(e.render(job.site.root) for e in flatten(error)),
            seconds=time.perf_counter() - started,
        )
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        if error.errno not in _DISK_ERRORS:
            return EditionResult(job, bug=traceback.format_exc(), seconds=time.perf_counter() - started)
        return EditionResult(
            job,
            errors=(
                f"error: cannot write this edition beside {job.site.output_dir}: {error.strerror}; "
                "free some space or build elsewhere with --output DIR",
            ),
            seconds=time.perf_counter() - started,
        )
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # a bug, not the author's fault: keep the traceback for the summary
        # BaseException too: WeasyPrint's FatalURLFetchingError is one, and it must stop this edition
        # only, never the whole build.
        shutil.rmtree(staging, ignore_errors=True)
        return EditionResult(job, bug=traceback.format_exc(), seconds=time.perf_counter() - started)
    finally:
        if helper is not None:  # a failed edition: a helper still at work is of no use
            helper.end()
        shutil.rmtree(work, ignore_errors=True)


def _meet(helper: helping.Helper, step: Format | str, laid_out: bool) -> None:
    """Before making `step` (the cover, a screen format): use what the helper makes ahead, or go on alone.

    A PDF taken from the layout cache says the build is warm: its cover and subsets are in the cache
    already, and the helper would only slow it down."""
    if laid_out:
        helper.meet(step)
    else:
        helper.ahead.stop()


def _with_cover(
    context: EditionContext, draw: Callable[[], bytes], helper: helping.Helper | None, laid_out: bool
) -> EditionContext:
    """`context` with the edition's cover: drawn here, or found in the cache where the helper left it
    while the PDF was laid out."""
    if context.cover_image:
        return context
    if helper is not None:
        _meet(helper, helping.COVER, laid_out)
    return replace(context, cover_image=draw())


def work_ahead(context: EditionContext, ahead: Ahead, draw_cover: Callable[[], bytes]) -> None:
    """In the helper forked by the edition's process: draw the cover, then build the screen formats
    into a scratch folder, for the cache entries they leave (editions/ahead.py); the files are thrown
    away. Errors are left to the edition, which meets them too and says where they are."""
    job = replace(context.job, formats=ahead.formats)
    context = replace(context, job=job, staging=ahead.folder / "scratch", done=())
    outcome = "failed"
    try:
        if ahead.given_up():
            outcome = "stopped"
            return
        ahead.note(helping.COVER)
        context = replace(context, cover_image=draw_cover())
        done: list[Artifact] = []
        for fmt, write in writers().items():
            if fmt in ahead.formats:
                if ahead.given_up():
                    outcome = "stopped"
                    return
                ahead.note(fmt.value)
                done += write(replace(context, done=tuple(done))).artifacts
        outcome = "complete"
    finally:
        ahead.note("done", outcome)


def _prepare(
    job: Job, staging: Path, work: Path, report: Reporter, resources: Resources, cores: int
) -> tuple[EditionContext, Callable[[], bytes]]:
    """Everything the writers share, and how to draw the cover (an edition with a helper has it drawn
    while its PDF is laid out: editions/ahead.py)."""
    site, translation = job.site, job.translation
    translations = resources.translations(site.locales_dir, translation.language)
    environment = resources.environment(site.templates_dir, site.locales_dir, translation.language)
    report(job.name, "pandoc")
    cache = Cache(site.cache_dir)
    files = markdown.edition_files(job)
    # pandoc keeps one core busy and this process waiting: an idle core cleans the images meanwhile.
    with cleaned_ahead(job.report.root, (read_source(path) for path in files), cache, cores - 1):
        conversion = markdown.convert(job, translations.gettext("References"), cache)
    labels = CaptionLabels(
        figure=translations.gettext("Figure %(number)s:"), table=translations.gettext("Table %(number)s:")
    )
    document, sources = build_document(
        conversion.html,
        files,
        labels,
        translation.language,
        job.report.bibliography is not None,
        public=not site.internal,
    )
    fonts = replace(resources.fonts(site.templates_dir / "fonts"), cache=cache)
    missing_glyphs = check_coverage(document, translation, fonts, files)
    if missing_glyphs:
        raise ErrorGroup(missing_glyphs)
    images = prepare_images(sources, job.report.root, files, work, cache, cores)
    # From here on, the title and subtitle are the typeset ones (French spaces, tied short words):
    # every writer, the cover and the site's pages show them as the body would.
    typeset = replace(
        translation,
        title=document.title or translation.title,
        subtitle=document.subtitle if translation.subtitle else "",
    )
    # In the report too: writers tell this edition's translation from the others by identity.
    others = tuple(typeset if t is translation else t for t in job.report.translations)
    job = replace(job, report=replace(job.report, translations=others), translation=typeset)
    translation = typeset
    context = EditionContext(
        job=job,
        document=replace(document, images=images),
        environment=environment,
        translations=translations,
        fonts=fonts,
        staging=staging,
        work=work,
        cores=cores,
    )
    mark = INTERNAL_MARK if site.internal else ""
    draw_cover = functools.partial(
        render_cover, environment, job.report, translation, fonts, site.templates_dir, mark
    )
    return context, draw_cover


def audit_edition(job: Job, document: Document, staging: Path, artifacts: list[Artifact]) -> None:
    """Fail the edition if any staged file holds a passage marked confidential in any language of its
    report, or the words of a passage this edition left out."""
    files = markdown.edition_files(job)
    withheld = []
    for text in document.withheld:
        where = locate(files, " ".join(text.split()[:3]))
        withheld.append(Confidential(text, where.path, where.line or 0))
    texts = (part for artifact in artifacts for part in extract_texts(staging / artifact.path, artifact.path))
    leaks = find_leaks(texts, (*job.report.confidential, *withheld))
    if leaks:
        raise ErrorGroup([leak.error() for leak in leaks])


def listing(job: Job, document: Document, pages: tuple[tuple[str, int], ...] = ()) -> Listing:
    """What the site's pages will say of this edition, from the edition itself as it is built now."""
    report, translation = job.report, job.translation
    return Listing(
        report=report.slug,
        language=translation.language.tag,
        source_language=report.source.language.tag,
        title=translation.title,
        subtitle=translation.subtitle,
        abstract_html=document.abstract_html,
        date=report.date.isoformat(),
        authors=report.authors,
        partners=report.partners,
        cover_background=report.cover.background,
        pending=translation.pending,
        pages=pages,
    )
