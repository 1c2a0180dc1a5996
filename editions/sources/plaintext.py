"""Plain-text metadata: titles, names and keywords are text, never markup.

They reach HTML pages, EPUB metadata, PDF metadata and the manifest. Templates escape them, so markup
would only show up as stray tags to readers, or as live code in a tool that forgets to escape.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"<\s*[a-zA-Z!/?][^>]*>?")
_SCRIPT_URL = re.compile(r"\b(javascript|vbscript|data)\s*:", re.IGNORECASE)


def markup_problem(value: str) -> str | None:
    """Why `value` cannot be used as plain text, or None when it can."""
    tag = _TAG.search(value)
    if tag:
        return f"contains markup ('{tag.group(0)[:40]}'): metadata is plain text, write it without tags"
    scheme = _SCRIPT_URL.search(value)
    if scheme:
        return f"contains a '{scheme.group(0)}' address: metadata is plain text"
    return None
