"""output/manifest.json: every published file with its edition, format, size and SHA-256."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from editions import __version__
from editions.model import Project
from editions.storage import write_atomic

NAME = "manifest.json"


def read_fingerprints(output_dir: Path) -> dict[str, str]:
    """The input fingerprint each published edition file was built from, as the manifest recorded it."""
    try:
        entries = json.loads((output_dir / NAME).read_text(encoding="utf-8"))["files"]
        return {
            e["path"]: e["fingerprint"]
            for e in entries
            if "fingerprint" in e and (output_dir / e["path"]).is_file()
        }
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # no manifest yet, or one we cannot trust: everything is rebuilt


def write_manifest(project: Project, output_dir: Path, fingerprints: dict[str, str]) -> Path:
    """List every file under `output_dir` (sorted, so the manifest itself is reproducible)."""
    editions = {(r.slug, t.language.tag) for r in project.reports for t in r.translations}
    files = []
    for path in sorted(
        p
        for p in output_dir.rglob("*")
        if p.is_file()
        and p.name != NAME
        and not any(part.startswith(".") for part in p.relative_to(output_dir).parts)
    ):
        relative = path.relative_to(output_dir).as_posix()
        parts = relative.split("/")
        entry = {
            "path": relative,
            "bytes": path.stat().st_size,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        }
        if len(parts) >= 3 and (parts[0], parts[1]) in editions:
            entry.update(report=parts[0], language=parts[1], format=_format(parts[2:]))
            if relative in fingerprints:
                entry["fingerprint"] = fingerprints[relative]
        files.append(entry)
    manifest = {"generator": f"editions {__version__}", "files": files}
    target = output_dir / NAME
    write_atomic(target, (json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode())
    return target


def _format(rest: list[str]) -> str:
    name = rest[-1]
    if len(rest) == 1 and name.endswith((".pdf", ".epub")):
        return name.rsplit(".", 1)[1]
    return "html"
