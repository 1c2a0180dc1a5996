"""Move staged files into output/ with atomic renames: readers never see half a file or a failed edition."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from editions.model import EditionResult, Format


def staging_root(output_dir: Path) -> Path:
    """Where editions are staged: beside output/, on the same file system, so renames are atomic."""
    return output_dir.parent / f".{output_dir.name}.staging"


def publish_edition(result: EditionResult, output_dir: Path) -> None:
    """Replace the edition's published files by its staged ones; drop web assets no longer used."""
    assert result.ok and result.staging_dir is not None
    for relative in result.staged:
        target = output_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(result.staging_dir / relative, target)
    if Format.HTML in result.job.formats:
        assets = output_dir / result.job.report.slug / result.job.translation.language.tag / "assets"
        keep = {output_dir / relative for relative in result.staged}
        for stale in (p for p in assets.rglob("*") if p.is_file() and p not in keep):
            stale.unlink()
    shutil.rmtree(result.staging_dir, ignore_errors=True)
