"""The only way WeasyPrint may read anything: data: URLs and regular files inside allowed folders."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse


class SandboxFetcher(URLFetcher):
    """Refuses the network, redirects, devices and every file outside `roots`.

    WeasyPrint's default fetcher reads any file:// URL and any http:// host; a source could otherwise
    embed /etc/passwd as an attachment or probe the local network. Refusals are fatal, so the edition
    fails instead of shipping without the resource.
    """

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self._roots = tuple(root.resolve() for root in roots)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        """Serve `url` if it is allowed; raise FatalURLFetchingError otherwise."""
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise FatalURLFetchingError(f"not allowed to fetch {url}: editions never use the network")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self._roots) or not path.is_file():
            raise FatalURLFetchingError(f"not allowed to read {path.name}: only the edition's own files")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": media_type})
