"""Publish a build: the new manifest (previous ⊕ what was built), the site's pages drawn from it, the
checksums, and one transaction that moves all of it into output/."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterable
from pathlib import Path

from editions import i18n
from editions.errors import EditionsError, ErrorGroup
from editions.model import Confidential, EditionResult, Language, Site
from editions.publish.manifest import CHECKSUMS, NAME, Manifest, checksums
from editions.publish.transaction import Change, commit
from editions.resources import Resources


def publish(
    site: Site,
    previous: Manifest,
    results: Iterable[EditionResult],
    retired: Iterable[str],
    staging: Path,
    confidential: tuple[Confidential, ...] = (),
    resources: Resources | None = None,
) -> Manifest:
    """Move the built editions and the pages that list them into output/, all or nothing.

    When no edition was built or retired, nothing is written: the published site stays as it was. In a
    public build, a site page or manifest holding any `confidential` text stops publishing altogether.
    """
    manifest = previous.retired(retired)
    sources: dict[str, Path] = {}
    for result in results:
        if result.ok and result.staging_dir is not None:
            manifest = manifest.published(result)
            sources.update({a.path: result.staging_dir / a.path for a in result.artifacts})
    if manifest == previous and not sources:
        shutil.rmtree(staging, ignore_errors=True)
        return previous
    return publish_manifest(site, previous, manifest, sources, staging, confidential, resources)


def get_ready(site: Site, languages: Iterable[Language], resources: Resources) -> None:
    """Load what publishing the site will need (the pages' code, the fonts, each language's catalog and
    templates) into `resources`: run while worker processes build the editions, it takes no time from
    the build, where loaded at the end it came after the last edition."""
    # A problem found here (a broken fonts.toml, a catalog that does not compile) is not reported here:
    # each edition meets it and says where it is, and the publication after them, as without this.
    with contextlib.suppress(EditionsError, OSError):
        resources.fonts(site.templates_dir / "fonts")
        from editions.publish.site import render_site  # noqa: F401 (loaded now, not after the editions)

        for language in {i18n.parse_language(site.language), *languages}:
            resources.environment(site.templates_dir, site.locales_dir, language)


def publish_manifest(
    site: Site,
    previous: Manifest,
    manifest: Manifest,
    sources: dict[str, Path],
    staging: Path,
    confidential: tuple[Confidential, ...] = (),
    resources: Resources | None = None,
) -> Manifest:
    """Publish `manifest`, whose new files are staged at `sources`, over what `previous` published."""
    try:
        changes, manifest = _changes(site, previous, manifest, sources, staging / "site", resources)
        if not site.internal:
            _audit_site(staging / "site", confidential)
    except BaseException:  # nothing was published: leave nothing behind either
        shutil.rmtree(staging, ignore_errors=True)
        raise
    commit(site.output_dir, changes, staging)
    return manifest


def _changes(
    site: Site,
    previous: Manifest,
    manifest: Manifest,
    sources: dict[str, Path],
    pages: Path,
    resources: Resources | None,
) -> tuple[list[Change], Manifest]:
    """Stage the site's pages, the manifest and the checksums; list every file to put or delete."""
    # Imported when there is something to publish: a build with nothing to do never loads WeasyPrint.
    from editions.publish.site import render_site

    rendered = render_site(site, manifest, resources)
    for artifact, data in rendered:
        sources[artifact.path] = _stage(pages, artifact.path, data)
    manifest = manifest.with_site_pages(artifact for artifact, _ in rendered)
    listing = manifest.to_bytes()
    sources[NAME] = _stage(pages, NAME, listing)
    sources[CHECKSUMS] = _stage(pages, CHECKSUMS, checksums(manifest, listing))
    changes = [
        Change(path, sources[path])
        for path, artifact in sorted(manifest.files.items())
        if previous.files.get(path) != artifact or not (site.output_dir / path).is_file()
    ]
    changes += [Change(path, None) for path in sorted(set(previous.files) - set(manifest.files))]
    # The manifest and the checksums go last: until they are in, the journal can still undo the rest.
    changes += [Change(NAME, sources[NAME]), Change(CHECKSUMS, sources[CHECKSUMS])]
    return changes, manifest


def _audit_site(pages: Path, confidential: tuple[Confidential, ...]) -> None:
    """The site's pages and the manifest list only audited editions; read them back all the same."""
    # Imported here, like the pages' code: a build with nothing to publish never reads a page.
    from editions.publish.audit import extract_texts, find_leaks

    files = sorted(path for path in pages.rglob("*") if path.is_file())
    texts = (part for path in files for part in extract_texts(path, path.relative_to(pages).as_posix()))
    leaks = find_leaks(texts, confidential)
    if leaks:
        raise ErrorGroup([leak.error("nothing was published") for leak in leaks])


def _stage(folder: Path, relative: str, data: bytes) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
