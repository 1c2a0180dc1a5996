"""Live preview for authors: build, serve output/ on localhost, rebuild what changed, reload the browser."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import watchfiles

from editions.cli.progress import Progress
from editions.model import Format, Site
from editions.pipeline import BuildReport, build
from editions.plan import Selection
from editions.workers import Workers

VERSION_PATH = "/__editions/version"
RELOAD_PATH = "/__editions/reload.js"
# Served beside pages, never written to output/: the published editions run no script. The pages'
# Content-Security-Policy forbids scripts, so the preview's copy of a page allows this one file.
RELOAD_SCRIPT = (
    "(function(){var seen=null;setInterval(function(){fetch('" + VERSION_PATH + "')"
    ".then(function(r){return r.text();}).then(function(v){if(seen!==null&&v!==seen){location.reload();}"
    "seen=v;}).catch(function(){});},300);})();"
)
RELOAD_TAG = f'<script src="{RELOAD_PATH}"></script>'
# What every page is until the first build has published the web editions: it reloads when they are.
WAITING_PAGE = (
    '<!DOCTYPE html><html lang="en"><meta charset="utf-8"><title>Building the preview</title>'
    f"<p>The first build is under way: this page reloads by itself when it is ready.</p>{RELOAD_TAG}</html>"
)
_POLICY = re.compile(rb'(http-equiv="Content-Security-Policy" content=")([^"]*)"')
# Names under which a browser on this machine reaches the preview. Any other Host header is a page
# elsewhere that resolved its own name to 127.0.0.1 (DNS rebinding) to read the drafts: refused.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


class Preview:
    """Rebuilds the selected editions on demand, web edition first, with worker processes kept between
    builds; counts the builds that changed something, for the browser's reload probe."""

    def __init__(
        self,
        site: Site,
        selection: Selection,
        workers: int,
        progress: Progress,
        epoch: dt.datetime | None = None,
        on_build: Callable[[BuildReport, float], None] = lambda outcome, seconds: None,
    ) -> None:
        self.site = site
        self.selection = selection
        # Kept from one save to the next, with what they loaded. With two or more, even one edition builds
        # in a worker, so that a new save can stop its PDF at once.
        self.workers = Workers(workers, always=True)
        self.progress = progress
        self.epoch = epoch
        self.on_build = on_build  # prints the summary and the errors, as after a build
        self.version = 0
        self.lock = threading.Lock()
        # Set by the watcher when a file is saved: the formats other than the web edition still being
        # built are given up, so the new save's web edition need not wait for a PDF.
        self.saved = threading.Event()

    def rebuild(self) -> BuildReport:
        """Build what changed since the last build: editions whose inputs are unchanged are skipped.

        The web edition of each changed edition comes first, so the page in the browser reloads within
        the time of an HTML build; the other formats follow in a second build, which a new save (`saved`)
        cuts short: what it did not finish is built after that save's web edition. The outcome is the
        last build's; a first build that found errors is not followed by the second (the same errors).
        """
        outcome = BuildReport()
        for number, formats in enumerate(_passes(self.selection.formats or tuple(Format))):
            if number and self.saved.is_set():
                break
            started = time.perf_counter()
            selection = replace(self.selection, formats=formats)
            abandon = self.saved if number else None  # the web edition is always finished
            outcome = build(self.site, selection, self.workers, self.progress, self.epoch, abandon=abandon)
            if outcome.results or not self.version:
                with self.lock:
                    self.version += 1
            if outcome.results or outcome.problems or not self.saved.is_set():
                self.on_build(outcome, time.perf_counter() - started)
            if not outcome.ok:
                break
        return outcome

    def close(self) -> None:
        """Stop the worker processes at once: a PDF of the stopped preview is of no use to anyone."""
        self.workers.close(now=True)


def _passes(formats: tuple[Format, ...]) -> list[tuple[Format, ...]]:
    """The web edition alone first, then the other formats asked for."""
    if Format.HTML not in formats or len(formats) == 1:
        return [formats]
    return [(Format.HTML,), tuple(fmt for fmt in formats if fmt != Format.HTML)]


# Files that editors write beside the one being saved, and never a source: Emacs's lock (.#x) and
# autosave (#x#), backups (x~), Vim's swap files (.x.swp, .swo …) and its test file "4913" (and the
# numbers after it), JetBrains' safe-write copies, and the temporary names of atomic saves.
_EDITOR_FILES = re.compile(
    r"^\.#|^#.*#$|~$|^\..*\.sw[a-p]$|^\d{4,}$|___jb_(tmp|old)___$|\.(tmp|temp|bak|swp|swx)$|^\.goutputstream-"
)


def is_editor_file(path: Path) -> bool:
    """Whether `path` is a file an editor writes while saving, not a source: saving it builds nothing."""
    return bool(_EDITOR_FILES.search(path.name))


class SourceFilter(watchfiles.DefaultFilter):
    """The changes that matter: sources, templates and catalogs, not editors' files or compiled catalogs."""

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        """Whether a change to `path` may change an edition."""
        name = Path(path)
        return super().__call__(change, path) and not is_editor_file(name) and name.suffix != ".mo"


# Changes closer together than STEP_MS make one batch (an editor's "save all", a `git checkout`), and a
# batch waits at most DEBOUNCE_MS for the end of a burst.
STEP_MS = 200
DEBOUNCE_MS = 1600


def watched_folders(site: Site) -> list[Path]:
    """The folders whose files the editions are made from: sources, templates and catalogs."""
    return [folder for folder in (site.reports_dir, site.templates_dir, site.locales_dir) if folder.is_dir()]


def changes(site: Site, stop: threading.Event | None = None) -> Iterator[set[Path]]:
    """Each batch of saved sources, templates and catalogs, as it happens, until `stop` is set.

    The operating system reports the changes (inotify on Linux): nothing is polled, and saves made during
    a build come in the next batch.
    """
    for batch in watchfiles.watch(
        *watched_folders(site),
        watch_filter=SourceFilter(),
        debounce=DEBOUNCE_MS,
        step=STEP_MS,
        stop_event=stop,
        rust_timeout=500,  # how often `stop` is looked at
    ):
        yield {Path(path) for _, path in batch}


def watch(preview: Preview, stop: threading.Event | None = None, first: bool = False) -> None:
    """Rebuild after each batch of changes until `stop` is set (or Ctrl+C); with `first`, build first.

    The builds run in the calling thread (the workers die with the thread that started them); another
    thread listens, so that a save during a build is known at once. Batches that come in during a build
    make one build after it.
    """
    batches: queue.Queue[set[Path]] = queue.Queue()

    def listen() -> None:
        for batch in changes(preview.site, stop):
            batches.put(batch)
            preview.saved.set()

    threading.Thread(target=listen, daemon=True).start()
    if first:
        preview.rebuild()
    while stop is None or not stop.is_set():
        try:
            batches.get(timeout=0.2)
        except queue.Empty:
            continue
        with contextlib.suppress(queue.Empty):
            while True:
                batches.get_nowait()
        preview.saved.clear()
        preview.rebuild()


def make_server(preview: Preview, port: int) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1 (never another interface) serving the output folder."""
    handler = functools.partial(_Handler, preview, directory=str(preview.site.output_dir))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve(preview: Preview, port: int, say) -> None:
    """Serve until interrupted, rebuilding whenever a watched file changes.

    The server answers at once: until the first web edition is built, every page says so and reloads by
    itself when it is there; a save during the first build counts as it would during any other.
    """
    try:
        server = make_server(preview, port)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        address = f"http://127.0.0.1:{server.server_address[1]}/"
        say(f"Preview at {address} — the first build is under way; save a file to rebuild; Ctrl+C stops.")
        try:
            watch(preview, first=True)
        finally:
            server.shutdown()
    except KeyboardInterrupt:
        say("Preview stopped.")
    finally:
        preview.close()


class _Handler(SimpleHTTPRequestHandler):
    """Static files, plus the build version and the reload script for HTML pages."""

    def __init__(self, preview: Preview, *args, **kwargs) -> None:
        self.preview = preview
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        """Answer the version probe, inject the reload script into pages, serve everything else as is."""
        if _host_name(self.headers.get("Host", "")) not in LOCAL_HOSTS:
            return self.send_error(HTTPStatus.FORBIDDEN, "the preview answers only on this machine")
        if self.path == VERSION_PATH:
            return self._send(str(self.preview.version).encode(), "text/plain")
        if self.path == RELOAD_PATH:
            return self._send(RELOAD_SCRIPT.encode(), "text/javascript")
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.exists() and self.preview.version == 0:
            return self._send(WAITING_PAGE.encode(), "text/html; charset=utf-8")
        if path.suffix == ".html" and path.is_file():
            page = path.read_bytes().replace(b"</body>", RELOAD_TAG.encode() + b"</body>", 1)
            page = _POLICY.sub(rb"\1\2; script-src 'self'; connect-src 'self'\"", page, count=1)
            return self._send(page, "text/html; charset=utf-8")
        return super().do_GET()

    def list_directory(self, path: str):
        """No listings: a folder without index.html is not part of the site."""
        self.send_error(HTTPStatus.NOT_FOUND, "no such page")

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the console for build messages."""


def _host_name(header: str) -> str:
    """The host of a Host header without its port: `localhost:8000` → `localhost`, `[::1]:80` → `[::1]`."""
    name = header.strip().lower()
    if name.startswith("["):
        return name[: name.find("]") + 1]
    return name.partition(":")[0]
