"""A cache of WeasyPrint's work, keyed by the page and by every file the layout read.

A layout's result depends on the HTML page, on each file WeasyPrint fetched while laying it out
(stylesheets, fonts, images), and on the code and libraries that lay out and write it. The page is
known before the layout, the files it reads only after. So an entry is found in two steps:

1. the page (with the versions) names the list of files a layout of it read, with their digests;
2. the page, the versions and the digests those files have *now* name the result.

A file changed since then gives other digests, hence another key and a fresh layout: the cache can
never give a result the sources would not give (see `editions/cache.py`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from weasyprint.text.ffi import pango
from weasyprint.urls import FatalURLFetchingError, URLFetcherResponse

from editions.cache import Cache
from editions.plan.fingerprint import engine_digest, tool_versions
from editions.prepare import harfbuzz
from editions.writers.fetcher import SandboxFetcher

Parts = dict[str, bytes]


@dataclass(frozen=True)
class Layout:
    """A layout's parts, and whether they come from an earlier layout of the same page and files."""

    parts: Parts
    reused: bool


class RecordingFetcher(SandboxFetcher):
    """The sandbox's fetcher, noting the digest of every file it serves (data: URLs are in the page)."""

    def __init__(self, mounts: dict[str, Path]) -> None:
        super().__init__(mounts)
        self.read: dict[str, str] = {}

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        """Serve `url` as the sandbox does, and note what was served."""
        response = super().fetch(url, headers)
        if url.startswith("data:"):
            return response
        body = response.read()
        response.close()
        self.read[url] = hashlib.sha256(body).hexdigest()
        return URLFetcherResponse(url, body=body, headers=response.headers)


def cached_layout(
    cache: Cache,
    kind: str,
    page: str,
    mounts: dict[str, Path],
    make: Callable[[SandboxFetcher], Parts],
    also: tuple[str, ...] = (),
) -> Layout:
    """`make(fetcher)`'s parts for this page, from the cache when a layout of the same page read the
    same files; `make` must lay out `page` with the fetcher it is given, and depend on nothing else
    but the versions of the tools it calls, named in `also` (such as pdftoppm's)."""
    if cache.root is None:
        return Layout(make(SandboxFetcher(mounts)), reused=False)
    page_key = (page, engine_digest(), tool_versions(), system_versions(), *also)
    recipe = cache.get(f"{kind}-reads", page_key)
    if recipe is not None:
        urls = json.loads(recipe)
        digests = _digests_now(SandboxFetcher(mounts), urls)
        if digests is not None:
            stored = cache.get(kind, (*page_key, *urls, *digests))
            if stored is not None:
                return Layout(_unpack(stored), reused=True)
    recorder = RecordingFetcher(mounts)
    parts = make(recorder)
    urls = sorted(recorder.read)
    cache.put(f"{kind}-reads", page_key, json.dumps(urls).encode())
    cache.put(kind, (*page_key, *urls, *(recorder.read[url] for url in urls)), _pack(parts))
    return Layout(parts, reused=False)


def _digests_now(fetcher: SandboxFetcher, urls: list[str]) -> list[str] | None:
    """The digests of the files at `urls` as they are now; None if one can no longer be read."""
    digests = []
    for url in urls:
        try:
            response = fetcher.fetch(url)
            digests.append(hashlib.sha256(response.read()).hexdigest())
            response.close()
        except FatalURLFetchingError:
            return None
    return digests


@functools.cache
def system_versions() -> str:
    """The versions of the system libraries WeasyPrint draws text with (Pango, HarfBuzz)."""
    return f"pango {pango.pango_version()}; harfbuzz {harfbuzz.version()}"


def _pack(parts: Parts) -> bytes:
    header = json.dumps([[name, len(data)] for name, data in parts.items()]).encode()
    return len(header).to_bytes(8, "big") + header + b"".join(parts.values())


def _unpack(stored: bytes) -> Parts:
    size = int.from_bytes(stored[:8], "big")
    offset, parts = 8 + size, {}
    for name, length in json.loads(stored[8 : 8 + size]):
        parts[name] = stored[offset : offset + length]
        offset += length
    return parts
