"""Input fingerprints: a hash of every file an edition is made from, to skip editions that did not change."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from importlib import metadata
from pathlib import Path

import pypandoc

from editions.model import Project, Site
from editions.prepare import harfbuzz
from editions.prepare.word_breaks import icu_version

PACKAGE = Path(__file__).resolve().parent.parent  # the engine's code, every stage


def fingerprint_editions(project: Project, epoch: dt.datetime | None = None) -> dict[str, str]:
    """Each edition's fingerprint by `slug/lang`: its sources, its report's other files (settings, images,
    bibliography), the templates and fonts, the catalogs, the engine's own code and filters, the site's
    settings, SOURCE_DATE_EPOCH and the versions of the tools that render. Equal fingerprints give
    byte-identical editions."""
    site = project.site
    shared = _digest(
        [*_files(site.templates_dir), *_files(site.locales_dir, suffix=".po"), *_files(PACKAGE)], site.root
    )
    shared += _settings(site) + (epoch.isoformat() if epoch else "") + tool_versions()
    fingerprints = {}
    for report in project.reports:
        assets = _digest(_files(report.root, exclude_md=True), site.root)
        # Every edition is audited against the marks of every language: a mark added in one language
        # must rebuild, and so re-audit, the editions of the others.
        assets += hashlib.sha256(repr(sorted({c.text for c in report.confidential})).encode()).hexdigest()
        for translation in report.translations:
            # A translation's editions show the source where they fall behind it: both count.
            sources = _digest([*translation.files, *report.source.files], site.root)
            key = f"{report.slug}/{translation.language.tag}"
            fingerprints[key] = hashlib.sha256(f"{shared}{assets}{sources}".encode()).hexdigest()
    return fingerprints


def _digest(paths: list[Path], root: Path) -> str:
    # Names relative to the project (or bare, for the engine's code), and taken in the order of those
    # names: neither the place of the project nor that of the engine's checkout changes the fingerprint.
    named = {
        (
            path.relative_to(root) if path.is_relative_to(root) else path.relative_to(PACKAGE.parent)
        ).as_posix(): path
        for path in paths
    }
    digest = hashlib.sha256()
    for name in sorted(named):
        digest.update(name.encode())
        digest.update(hashlib.sha256(named[name].read_bytes()).digest())
    return digest.hexdigest()


def _files(folder: Path, suffix: str = "", exclude_md: bool = False) -> list[Path]:
    return [
        path
        for path in folder.rglob("*")
        if path.is_file()
        and path.name.endswith(suffix)
        and "__pycache__" not in path.parts
        and not (exclude_md and path.suffix == ".md")
    ]


def _settings(site: Site) -> str:
    """The site's settings as text, with its folders relative to the project (not where it is checked out)."""
    folders = [
        str(path.relative_to(site.root)) for path in (site.reports_dir, site.templates_dir, site.locales_dir)
    ]
    return repr(
        (
            site.name,
            site.publisher,
            site.language,
            site.release,
            site.audience,
            site.base_url,
            site.contact,
            folders,
        )
    )


@functools.cache
def engine_digest() -> str:
    """A digest of the engine's own code and filters: what other code made is never reused as ours.

    Not the validators' (editions/check/): they read outputs and never make them, so a change to them
    keeps every published edition current and every cached layout sound."""
    checkers = PACKAGE / "check"
    return _digest([path for path in _files(PACKAGE) if not path.is_relative_to(checkers)], PACKAGE.parent)


@functools.cache
def tool_versions() -> str:
    """The versions of pandoc and of the libraries that shape the outputs: an upgrade rebuilds everything."""
    versions = [f"pandoc {pypandoc.get_pandoc_version()}"]
    versions += [f"{name} {metadata.version(name)}" for name in _LIBRARIES]
    # ICU's word lists decide where Lao, Khmer and Myanmar lines of the PDF break.
    versions.append(f"icu {icu_version()}")
    # HarfBuzz shapes the PDF's text and cuts every font subset, of the PDF, the EPUB and the web.
    versions.append(f"harfbuzz {harfbuzz.version()}")
    return "; ".join(versions)


# Every library whose output ends up in an edition's bytes.
_LIBRARIES = ("weasyprint", "pydyf", "ebooklib", "fonttools", "pillow", "babel", "jinja2", "lxml", "pyphen")
