"""Assemble parts built on several machines (each an `--output` folder with its manifest) into one site.

The parts' editions are checked against their manifests, copied in, and the site's pages, manifest and
checksums are drawn from the merged manifest exactly as a build on one machine draws them, so the result
is the same to the byte.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from editions.model import Confidential, Site
from editions.publish.audit import audit_outputs
from editions.publish.manifest import NAME, Manifest, parse_manifest, read_manifest
from editions.publish.publication import publish_manifest
from editions.publish.transaction import PublishError, publishing_lock, recover, sidecar


def assemble(
    site: Site, parts: Sequence[Path], say: Callable[[str], None], confidential: tuple[Confidential, ...] = ()
) -> Manifest:
    """Merge `parts` into the site's output folder in one transaction; return the merged manifest.

    Into a public site, every file of every part is first read back for `confidential` passages: a part
    built for the internal audience, or from a draft, is refused whole and nothing is published.
    """
    with publishing_lock(site.output_dir, say):
        recovered = recover(site.output_dir)
        if recovered:
            say(f"{recovered} in {site.output_dir}")
        previous = read_manifest(site.output_dir)
        staging = sidecar(site.output_dir, "staging")
        shutil.rmtree(staging, ignore_errors=True)
        merged, sources, owners = previous, {}, {}
        for part in parts:
            manifest = _part_manifest(part)
            for name in manifest.editions:
                if name in owners:
                    raise PublishError(f"{name} was built in both {owners[name]} and {part}: keep one")
                owners[name] = part
                for artifact in manifest.edition_files(name):
                    sources[artifact.path] = _copy(part, artifact.path, artifact.sha256, staging / "parts")
            merged = merged.merged(manifest)
        leaks = [] if site.internal else audit_outputs([staging / "parts"], confidential)
        if leaks:
            shutil.rmtree(staging, ignore_errors=True)
            raise PublishError(f"a part holds confidential text, so nothing was published: {leaks[0]}")
        return publish_manifest(site, previous, merged, sources, staging, confidential)


def _part_manifest(part: Path) -> Manifest:
    try:
        return parse_manifest((part / NAME).read_bytes())
    except (OSError, ValueError) as error:
        raise PublishError(
            f"{part} is not a part built by editions ({error}): build it with "
            "`editions build --edition SLUG/LANG --output DIR`"
        ) from None


def _copy(part: Path, relative: str, sha256: str, staging: Path) -> Path:
    """Copy one file of a part into staging, refusing it if it is not what the part's manifest says."""
    target = staging / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(part / relative, target)
    except OSError as error:
        raise PublishError(f"{part / relative}: {error.strerror}; the part is incomplete") from None
    if hashlib.sha256(target.read_bytes()).hexdigest() != sha256:
        raise PublishError(f"{part / relative} differs from its part's manifest: rebuild that part")
    return target
