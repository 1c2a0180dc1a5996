"""The live preview: serves output/ on loopback, injects a reload probe, rebuilds only what changed."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from editions.cli.progress import Progress
from editions.cli.serve import (
    RELOAD_PATH,
    RELOAD_SCRIPT,
    RELOAD_TAG,
    VERSION_PATH,
    Preview,
    make_server,
    watched_state,
)
from editions.plan import Selection
from editions.sources.config import load_site


def _get(port: int, path: str, host: str = "") -> str:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host} if host else {})
    with urllib.request.urlopen(request, timeout=10) as response:
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
        assert RELOAD_TAG in page and "Sample report on collective protection" in page
        # The page's policy forbids scripts; the preview's copy allows its own probe, and only that.
        assert "default-src 'none'; img-src 'self' data:" in page and "script-src 'self'" in page
        assert _get(port, RELOAD_PATH) == RELOAD_SCRIPT
        assert _get(port, VERSION_PATH) == "1"
        for host in ("localhost", f"localhost:{port}", "[::1]", f"[::1]:{port}"):
            assert "Sample report" in _get(port, "/sample/en/", host)
        for host in ("attacker.example", f"attacker.example:{port}", "127.0.0.1.attacker.example"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                _get(port, "/sample/en/", host)
            assert refused.value.code == 403
        with pytest.raises(urllib.error.HTTPError) as listing:
            _get(port, "/sample/en/assets/")
        assert listing.value.code == 404
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
