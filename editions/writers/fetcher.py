"""The only way WeasyPrint may read anything: data: URLs and files of the edition's own folders."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from editions.writers.addresses import HOST, mount_url

__all__ = ["HOST", "SandboxFetcher", "mount_url"]


class SandboxFetcher(URLFetcher):
    """Serves only `data:` URLs and regular files inside the mounted folders.

    WeasyPrint's default fetcher reads any file:// URL and any http:// host: a source could embed
    /etc/passwd as an attachment or probe the local network. Refusals are fatal, so an edition fails
    instead of shipping without the resource.
    """

    def __init__(self, mounts: dict[str, Path]) -> None:
        super().__init__(allowed_protocols=("data", "https"), allow_redirects=False)
        self._mounts = {name: folder.resolve() for name, folder in mounts.items()}

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        """Serve `url` if it is allowed; raise FatalURLFetchingError otherwise."""
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        mount, _, relative = unquote(parts.path).lstrip("/").partition("/")
        if parts.scheme != "https" or parts.netloc != HOST or mount not in self._mounts:
            raise FatalURLFetchingError(f"not allowed to fetch {url}: editions read only their own files")
        root = self._mounts[mount]
        path = (root / relative).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise FatalURLFetchingError(f"not allowed to read {relative}: only the edition's own files")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": media_type})
