"""output/manifest.json: what is published, and the only truth the site's pages are drawn from.

It records every published file (path, media type, edition, format, size, SHA-256), and for each edition
the listing its landing pages show and the fingerprint each format was built from. A build's manifest is
the previous one with what that build published: nothing is learnt from the files in output/.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from editions import __version__
from editions.model import Artifact, EditionResult, Job, Listing

NAME = "manifest.json"
CHECKSUMS = "SHA256SUMS"
_VERSION = 2  # the layout of this file; an older or unknown one is not trusted: everything is rebuilt
_EVERY_BUILD = ("cover",)  # formats an edition stages whatever was asked, such as its cover


@dataclass(frozen=True)
class EditionRecord:
    """One published edition: what its pages say of it, and the fingerprint behind each format."""

    listing: Listing
    fingerprints: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Manifest:
    """Every published edition and file."""

    editions: Mapping[str, EditionRecord] = field(default_factory=dict, hash=False)
    files: Mapping[str, Artifact] = field(default_factory=dict, hash=False)

    def edition_files(self, name: str) -> tuple[Artifact, ...]:
        """The files edition `name` (slug/lang) published, sorted by path."""
        return tuple(a for path, a in sorted(self.files.items()) if a.edition == name)

    def published(self, result: EditionResult) -> Manifest:
        """This manifest with `result`'s edition published: the formats it built replace theirs."""
        job = result.job
        assert result.listing is not None
        rebuilt = {fmt.value for fmt in job.formats} | set(_EVERY_BUILD)
        files = {
            path: a for path, a in self.files.items() if not (a.edition == job.name and a.format in rebuilt)
        }
        files.update({a.path: a for a in result.artifacts})
        previous = self.editions.get(job.name)
        fingerprints = {**(previous.fingerprints if previous else {})}
        fingerprints.update({fmt.value: job.fingerprint for fmt in job.formats})
        listing = result.listing
        if previous:
            # A PDF not rebuilt this time keeps the page count its own build recorded.
            counts = dict(listing.pages)
            names = {Path(path).name for path, a in files.items() if a.edition == job.name}
            kept = {n: c for n, c in previous.listing.pages if n in names and n not in counts}
            listing = replace(listing, pages=tuple(sorted({**counts, **kept}.items())))
        editions = {**self.editions, job.name: EditionRecord(listing, fingerprints)}
        return Manifest(editions, files)

    def retired(self, names: Iterable[str]) -> Manifest:
        """This manifest without editions `names` (their report or language was removed)."""
        gone = set(names)
        return Manifest(
            {n: e for n, e in self.editions.items() if n not in gone},
            {p: a for p, a in self.files.items() if a.edition not in gone},
        )

    def with_site_pages(self, pages: Iterable[Artifact]) -> Manifest:
        """This manifest with the site's own pages replaced by `pages`."""
        files = {p: a for p, a in self.files.items() if a.format != "site"}
        files.update({a.path: a for a in pages})
        return Manifest(self.editions, files)

    def merged(self, other: Manifest) -> Manifest:
        """Both manifests' editions (the other's win), for assembling parts built on other machines."""
        names = set(other.editions)
        mine = self.retired(names)
        return Manifest(
            {**mine.editions, **other.editions},
            {**mine.files, **{p: a for p, a in other.files.items() if a.edition in names}},
        )

    def to_bytes(self) -> bytes:
        """The manifest as JSON: sorted, so equal manifests are equal bytes."""
        data = {
            "generator": f"editions {__version__}",
            "version": _VERSION,
            "editions": {
                name: {"listing": record.listing.to_json(), "fingerprints": dict(record.fingerprints)}
                for name, record in sorted(self.editions.items())
            },
            "files": [_file_json(a) for _, a in sorted(self.files.items())],
        }
        return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def parse_manifest(data: bytes) -> Manifest:
    """A manifest from its JSON; ValueError when it is not one this version of editions wrote."""
    try:
        raw = json.loads(data)
        if raw.get("version") != _VERSION:
            raise ValueError("an older manifest layout")
        editions = {
            name: EditionRecord(Listing.from_json(entry["listing"]), dict(entry["fingerprints"]))
            for name, entry in raw["editions"].items()
        }
        files = {entry["path"]: _file(entry) for entry in raw["files"]}
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as error:
        raise ValueError(f"not a manifest of this version of editions ({error})") from None
    return Manifest(editions, files)


def read_manifest(output_dir: Path) -> Manifest:
    """What output/ holds according to its manifest; empty when there is none we can trust."""
    try:
        return parse_manifest((output_dir / NAME).read_bytes())
    except (OSError, ValueError):
        return Manifest()  # nothing published yet, or by an older editions: everything is rebuilt


def is_current(job: Job, manifest: Manifest) -> bool:
    """Whether every requested format of `job` is published from exactly the same inputs."""
    record = manifest.editions.get(job.name)
    if record is None:
        return False
    return all(record.fingerprints.get(fmt.value) == job.fingerprint for fmt in job.formats)


def checksums(manifest: Manifest, manifest_bytes: bytes) -> bytes:
    """SHA256SUMS for every published file and the manifest itself, as `sha256sum -c` reads it."""
    entries = {path: a.sha256 for path, a in manifest.files.items()}
    entries[NAME] = Artifact.of(NAME, manifest_bytes, "", "site").sha256
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(entries.items())).encode("ascii")


def _file_json(artifact: Artifact) -> dict[str, object]:
    entry: dict[str, object] = {
        "path": artifact.path,
        "media_type": artifact.media_type,
        "format": artifact.format,
        "bytes": artifact.size,
        "sha256": artifact.sha256,
    }
    if artifact.edition:
        entry["report"], entry["language"] = artifact.edition.split("/")
    return entry


def _file(entry: dict) -> Artifact:
    edition = f"{entry['report']}/{entry['language']}" if "report" in entry else ""
    return Artifact(
        entry["path"], entry["media_type"], edition, entry["format"], entry["bytes"], entry["sha256"]
    )
