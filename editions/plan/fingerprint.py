"""Input fingerprints: a hash of every file an edition is made from, to skip editions that did not change."""

from __future__ import annotations

import hashlib
from pathlib import Path

from editions.model import Project

PACKAGE = Path(__file__).resolve().parent.parent  # the engine's code, every stage


def fingerprint_editions(project: Project) -> dict[str, str]:
    """Each edition's fingerprint by `slug/lang`: its sources, its report's other files (settings, images,
    bibliography), the templates, the catalogs and the engine's own code. Equal fingerprints give
    byte-identical editions."""
    site = project.site
    shared = _digest(
        [*_files(site.templates_dir), *_files(site.locales_dir, suffix=".po"), *_files(PACKAGE)], site.root
    )
    fingerprints = {}
    for report in project.reports:
        assets = _digest(_files(report.root, exclude_md=True), site.root)
        for translation in report.translations:
            # A translation's editions show the source where they fall behind it: both count.
            sources = _digest([*translation.files, *report.source.files], site.root)
            key = f"{report.slug}/{translation.language.tag}"
            fingerprints[key] = hashlib.sha256(f"{shared}{assets}{sources}".encode()).hexdigest()
    return fingerprints


def _digest(paths: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(set(paths)):
        # Names relative to the project (or bare, for the engine's code), so the place of a checkout
        # does not change the fingerprint.
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path.name).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
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
