"""The addresses under which the PDF renderer's sandbox serves the templates and the edition's files.

Apart from the fetcher (editions/writers/fetcher.py), so that what only names an address, such as the
markup audit of a rendered page, does not load WeasyPrint.
"""

from __future__ import annotations

# Resources are addressed as https://editions.invalid/<mount>/<path>: the same URL wherever the
# project is checked out (WeasyPrint derives internal names from URLs, so file:// paths would make
# PDFs differ between machines), and a reserved domain that can never reach the network.
HOST = "editions.invalid"


def mount_url(mount: str, relative: str = "") -> str:
    """The URL under which the fetcher serves `relative` from the folder mounted as `mount`."""
    return f"https://{HOST}/{mount}/{relative}"
