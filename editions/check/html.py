"""The Nu Html Checker on many HTML pages in one JVM."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from editions.check.findings import Finding, common_folder, one_line, shown_path
from editions.check.tools import ToolFailed, java, nu_jar, run_tool

TOOL = "nu"
# The quick compiler's larger frames overflow the default stack in the checker's recursive schema code, which
# the checker then reports instead of any page: 8 MB leaves a wide margin.
_STACK = "-Xss8m"


def nu_pages(pages: Sequence[Path], root: Path | None = None) -> list[Finding]:
    """The Nu Html Checker's errors on every page, from one JVM; paths are named from `root`."""
    if not pages:
        return []
    root = root or common_folder(pages)
    done = run_tool(
        [
            *java(_STACK),
            "-jar",
            str(nu_jar()),
            "--errors-only",
            "--format",
            "json",
            "--stdout",
            *map(str, pages),
        ],
        "the Nu Html Checker",
        timeout=120 + 5 * len(pages),
    )
    try:
        messages = json.loads(done.stdout)["messages"]
    except (ValueError, KeyError):
        raise ToolFailed(
            f"the Nu Html Checker gave no report: {one_line(done.stderr or done.stdout)}"
        ) from None
    return [
        Finding(
            _shown_url(message.get("url", ""), root),
            message.get("lastLine"),
            TOOL,
            one_line(message["message"]),
        )
        for message in messages
    ]


def _shown_url(url: str, root: Path) -> str:
    """A page's path from the `file:` URL the checker names it by."""
    return shown_path(Path(url2pathname(urlparse(url).path)), root) if url else "."
