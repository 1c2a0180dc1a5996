"""Save the very HTML page our build hands to WeasyPrint for an edition's PDF, for the `weasyprint` command.

    .venv/bin/python bench/page.py CORPUS EDITION OUT      # e.g. bench/corpus synthetic-4/en /tmp/page

Our PDF writer builds its page in memory and serves its stylesheets, fonts and images through a sandboxed
URL fetcher, so the page is never on disk. This script runs a real build of the edition's PDF in this
process and, without changing the engine, listens at WeasyPrint's door: it records every page given to
`weasyprint.HTML` and every file the fetcher serves while rendering it, then writes them under OUT with
their URLs turned into file URLs. OUT/run.json says how to run the `weasyprint` command on each page with
the same PDF variant, so that the command and our writer lay out exactly the same document.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
import weasyprint.document
import weasyprint.pdf
from weasyprint.urls import URLFetcher, URLFetcherResponse

ROOT = Path(__file__).resolve().parent.parent


class RecordingFetcher(URLFetcher):
    """Delegates every fetch to the build's own fetcher and keeps a copy of what it served."""

    def __init__(self, inner: URLFetcher, served: dict[str, bytes]) -> None:
        super().__init__()
        self._inner, self._served = inner, served
        self._fail_on_errors = getattr(inner, "_fail_on_errors", False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        """The inner fetcher's answer, recorded."""
        response = self._inner.fetch(url, headers)
        body = response.read()
        response.close()
        if not url.startswith("data:"):
            self._served[url] = body
        return URLFetcherResponse(url, body=body, headers=response.headers)


def capture(corpus: Path, edition: str) -> tuple[list[dict], dict[str, bytes]]:
    """Build `edition`'s PDF in this process; every page WeasyPrint was given, and every file it fetched."""
    pages: list[dict] = []
    served: dict[str, bytes] = {}
    original_init, original_generate = weasyprint.HTML.__init__, weasyprint.pdf.generate_pdf

    def recording_init(self, *args, **kwargs):
        fetcher = kwargs.get("url_fetcher")
        if isinstance(fetcher, URLFetcher):
            kwargs["url_fetcher"] = RecordingFetcher(fetcher, served)
        pages.append({"string": kwargs.get("string"), "base_url": kwargs.get("base_url"), "options": {}})
        original_init(self, *args, **kwargs)

    def recording_generate(*args, **kwargs):
        if pages:
            pages[-1]["options"] = {key: value for key, value in kwargs.items() if isinstance(value, str)}
        return original_generate(*args, **kwargs)

    # The writer generates its PDF once and serialises it twice; `Document.write_pdf` generates too.
    weasyprint.HTML.__init__ = recording_init
    weasyprint.pdf.generate_pdf = weasyprint.document.generate_pdf = recording_generate
    from editions.cli.main import main as editions

    command = ["-C", str(corpus), "build", "--edition", edition, "--format", "pdf", "--jobs", "1", "--force"]
    command.append("--no-cache")  # a layout from the cache would never reach WeasyPrint's door
    with tempfile.TemporaryDirectory(prefix="editions-bench-page-") as output:
        status = editions([*command, "--output", output])
    if status != 0 or not pages:
        raise SystemExit(f"the build of {edition} failed (status {status}) or rendered no page")
    return pages, served


def save(pages: list[dict], served: dict[str, bytes], out: Path) -> list[dict]:
    """Write the pages and the files they use under `out`, their URLs made file URLs; the commands' inputs."""
    resources = out / "resources"
    origins = {
        f"{p.scheme}://{p.netloc}/" for p in map(urlsplit, [*served, *(pg["base_url"] or "" for pg in pages)])
    }
    origins.discard(":///")

    def local(text: str) -> str:
        for origin in sorted(origins):
            text = text.replace(origin, (resources / urlsplit(origin).netloc).as_uri() + "/")
        return text

    for url, body in served.items():
        parts = urlsplit(url)
        path = resources / parts.netloc / unquote(parts.path).lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(local(body.decode("utf-8")).encode("utf-8") if path.suffix == ".css" else body)
    runs = []
    for number, page in enumerate(pages, start=1):
        if page["string"] is None:
            raise SystemExit(
                "the PDF writer gave WeasyPrint a file, not a page: bench/page.py needs updating"
            )
        html = out / f"page-{number}.html"
        html.write_text(local(page["string"]), encoding="utf-8")
        runs.append(
            {"page": str(html), "base_url": local(page["base_url"] or ""), "options": page["options"]}
        )
    (out / "run.json").write_text(json.dumps(runs, indent=1), encoding="utf-8")
    return runs


def weasyprint_command(entry: dict, pdf: Path) -> list[str]:
    """The `weasyprint` command that renders one saved page as our writer did."""
    command = [str(ROOT / ".venv" / "bin" / "weasyprint")]
    if entry["base_url"]:
        command += ["--base-url", entry["base_url"]]
    if "pdf_variant" in entry["options"]:
        command += ["--pdf-variant", entry["options"]["pdf_variant"]]
    return [*command, entry["page"], str(pdf)]


def main() -> None:
    """Capture and save the page of one edition."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("edition")
    parser.add_argument("out", type=Path)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    pages, served = capture(options.corpus.resolve(), options.edition)
    runs = save(pages, served, options.out.resolve())
    print(f"{len(runs)} page(s), {len(served)} files, in {options.out}")


if __name__ == "__main__":
    main()
