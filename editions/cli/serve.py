"""Live preview for authors: build, serve output/ on localhost, rebuild what changed, reload the browser."""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from editions.cli.progress import Progress
from editions.model import Site
from editions.pipeline import BuildReport, build
from editions.plan import Selection

VERSION_PATH = "/__editions/version"
RELOAD_PATH = "/__editions/reload.js"
# Served beside pages, never written to output/: the published editions run no script. The pages'
# Content-Security-Policy forbids scripts, so the preview's copy of a page allows this one file.
RELOAD_SCRIPT = (
    "(function(){var seen=null;setInterval(function(){fetch('" + VERSION_PATH + "')"
    ".then(function(r){return r.text();}).then(function(v){if(seen!==null&&v!==seen){location.reload();}"
    "seen=v;}).catch(function(){});},1000);})();"
)
RELOAD_TAG = f'<script src="{RELOAD_PATH}"></script>'
_POLICY = re.compile(rb'(http-equiv="Content-Security-Policy" content=")([^"]*)"')
# Names under which a browser on this machine reaches the preview. Any other Host header is a page
# elsewhere that resolved its own name to 127.0.0.1 (DNS rebinding) to read the drafts: refused.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


class Preview:
    """Rebuilds the selected editions on demand and counts the builds that changed something."""

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
        self.workers = workers
        self.progress = progress
        self.epoch = epoch
        self.on_build = on_build  # prints the summary and the errors, as after a build
        self.version = 0
        self.lock = threading.Lock()

    def rebuild(self) -> BuildReport:
        """Build what changed since the last build (editions whose inputs are unchanged are skipped)."""
        started = time.perf_counter()
        outcome = build(self.site, self.selection, self.workers, self.progress, self.epoch)
        with self.lock:
            self.version += 1
        self.on_build(outcome, time.perf_counter() - started)
        return outcome


def watched_state(site: Site) -> dict[Path, int]:
    """The modification time of every source, template and catalog file: a change means rebuild."""
    state = {}
    for folder in (site.reports_dir, site.templates_dir, site.locales_dir):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix != ".mo":
                state[path] = path.stat().st_mtime_ns
    return state


def make_server(preview: Preview, port: int) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1 (never another interface) serving the output folder."""
    handler = functools.partial(_Handler, preview, directory=str(preview.site.output_dir))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve(preview: Preview, port: int, say) -> None:
    """Serve until interrupted, rebuilding whenever a watched file changes."""
    preview.rebuild()
    server = make_server(preview, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    say(f"Preview at http://127.0.0.1:{server.server_address[1]}/ — save a file to rebuild; Ctrl+C stops.")
    state = watched_state(preview.site)
    try:
        while True:
            time.sleep(0.5)
            now = watched_state(preview.site)
            if now != state:
                state = now
                preview.rebuild()
    except KeyboardInterrupt:
        say("Preview stopped.")
    finally:
        server.shutdown()


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
