"""The stylesheets every format uses (templates/shared/): code, and line breaking by script."""

from __future__ import annotations

from pathlib import Path

# In the order the pages link them; the PDF also links shared/code-print.css (wrapping and marks).
SHARED_STYLESHEETS = ("code.css", "lines.css")


def shared_stylesheets(templates_dir: Path) -> dict[str, bytes]:
    """Each shared stylesheet's file name and bytes, as the web edition and the EPUB ship them."""
    return {name: (templates_dir / "shared" / name).read_bytes() for name in SHARED_STYLESHEETS}
