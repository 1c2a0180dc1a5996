"""The live preview: serves output/ on loopback, injects a reload probe, rebuilds only what changed."""

from __future__ import annotations

import threading
import urllib.request
from pathlib import Path

from editions.config import load_site
from editions.plan import Selection
from editions.progress import Progress
from editions.serve import RELOAD_SCRIPT, VERSION_PATH, Preview, make_server, watched_state


def _get(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.read().decode("utf-8")


def test_serve_preview_reloads_after_an_edit(sample: Path, tmp_path: Path) -> None:
    site = load_site(sample)
    log = (tmp_path / "log.txt").open("w")
    preview = Preview(site, Selection(languages=("en",), formats=()), workers=1, progress=Progress(log))
    preview.rebuild()
    server = make_server(preview, port=0)
    assert server.server_address[0] == "127.0.0.1"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        page = _get(port, "/sample/en/")
        assert RELOAD_SCRIPT in page and "Sample report on collective protection" in page
        assert _get(port, VERSION_PATH) == "1"
        before = watched_state(site)
        source = sample / "reports" / "sample" / "en.md"
        source.write_text(
            source.read_text(encoding="utf-8").replace(
                "Defenders rarely work alone.", "Defenders seldom work alone."
            )
        )
        assert watched_state(site) != before
        preview.rebuild()
        assert _get(port, VERSION_PATH) == "2"
        assert "Defenders seldom work alone." in _get(port, "/sample/en/index.html")
        published = (site.output_dir / "sample" / "en" / "index.html").read_text(encoding="utf-8")
        assert "<script" not in published  # the probe is added while serving only
    finally:
        server.shutdown()
        log.close()
