"""Stored script injection and remote resources: nothing an author or an attacker writes runs or loads.

Every output is read back with this file's own scanner, not with the pipeline's allow-list, so a hole in
the allow-list shows up here as a failure instead of agreeing with itself.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import run
from lxml import etree
from lxml import html as lxml_html

# Markdown an attacker (or a careless author) could write, and what the build must say about it.
TEXT_ATTACKS = [
    ('A [link](https://example.org){onclick="alert(1)"}.', "the attribute 'onclick' would run a script"),
    ('A [span]{onmouseover="alert(2)"}.', "the attribute 'onmouseover' would run a script"),
    ('![x](images/photo.jpg){alt="x" onerror="alert(3)"}', "the attribute 'onerror' would run a script"),
    ('![x](images/photo.jpg){alt=x srcset="https://elsewhere.example/x.png 2x"}', "'srcset' would make"),
    ("![Embedded page](https://elsewhere.example/page.html)", "(pandoc made it a <embed>)"),
    ("![A film](clip.mp4)", "(pandoc made it a <video>)"),
    ("![A song](song.mp3)", "(pandoc made it a <audio>)"),
    ('[t]{style="background:url(https://elsewhere.example/t.png)"}', "a style with url()"),
    ('[t]{style="background:u\\72l(https://elsewhere.example/t.png)"}', "a style with url()"),
    ('[t]{style="color: red"}', "the attribute 'style' is not allowed on <span>"),
    ("[file](https://example.org/x.pdf){rel=attachment}", "the attribute 'rel' is not allowed on <a>"),
    ("[frame]{formaction=https://elsewhere.example}", "the attribute 'formaction' is not allowed"),
    ("[go](javascript:alert(4))", "link to 'javascript:alert(4)' is not allowed"),
    ("[go](data:text/html,hi)", "link to 'data:text/html,hi' is not allowed"),
    ("![remote](https://elsewhere.example/x.png){alt=remote}", "must be a file of this report"),
]

# Places where hostile text is not an error: it is the author's text, and it must stay text.
TEXT_THAT_STAYS_TEXT = """
Raw markup is shown, never run: <script>alert('body')</script> <img src=x onerror=alert(5)>
<iframe src="https://elsewhere.example/"></iframe> <svg onload=alert(6)></svg>

| Cell | Markup |
|------|--------|
| one  | <object data="https://elsewhere.example/x"></object> |

A link with a hostile title: [PI](https://www.protectioninternational.org "x\\" onmouseover=\\"alert(7)").

A note.[^hostile]

[^hostile]: <script>alert('note')</script> and <a href="javascript:alert(8)">a link</a>.
"""

_LIVE_ELEMENTS = {"script", "embed", "object", "iframe", "frame", "video", "audio", "base", "form", "applet"}
_FETCHING = {"src", "srcset", "data", "poster", "background"}


def live_markup(tree: etree._Element) -> list[str]:
    """Everything in a parsed page that would run a script or load a file from another site."""
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = etree.QName(element).localname.lower()
        if tag in _LIVE_ELEMENTS:
            found.append(f"<{tag}>")
        if tag == "style" and re.search(r"url\(\s*['\"]?(https?:)?//", element.text or ""):
            found.append("remote url() in <style>")
        for key, value in element.attrib.items():
            name = etree.QName(key).localname.lower()
            if name.startswith("on") or name == "srcset":
                found.append(f"{name} on <{tag}>")
            if name == "style" and "url(" in value.replace(" ", "").lower():
                found.append(f"url() in a style on <{tag}>")
            if name in _FETCHING and re.match(r"\s*(https?:)?//", value):
                found.append(f"{name}={value} on <{tag}>")
            if name == "href" and re.match(r"\s*(javascript|vbscript|data|file):", value, re.IGNORECASE):
                found.append(f"href={value} on <{tag}>")
    return found


def _append(sample: Path, markdown: str) -> int:
    """Append `markdown` to the English source; return the line number of its first line."""
    source = sample / "reports" / "sample" / "en.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text + "\n" + markdown, encoding="utf-8")
    return len(text.splitlines()) + 2


def _snapshot(folder: Path) -> dict[str, bytes]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def test_injection_each_attack_in_the_text_is_a_located_error_and_loses_nothing(sample: Path) -> None:
    assert run(sample, "--format", "html", "--format", "epub").code == 0
    before = _snapshot(sample / "output" / "sample" / "en")
    first = _append(sample, "\n\n".join(markdown for markdown, _ in TEXT_ATTACKS) + "\n")
    result = run(sample, "--format", "html", "--format", "epub")
    assert result.code == 1, result.output
    for number, (_, message) in enumerate(TEXT_ATTACKS):
        line = first + 2 * number
        expected = rf"reports/sample/en\.md:{line}: error: [^\n]*{re.escape(message)}"
        assert re.search(expected, result.output), (message, line, result.output)
    # The French edition is not touched by the attack, and the English one keeps what it published.
    assert "✓ sample/fr" in result.output or "already up to date" in result.output
    assert _snapshot(sample / "output" / "sample" / "en") == before
    assert not any(p.name.startswith(".") for p in (sample / "output").rglob("*"))


@pytest.mark.parametrize(
    ("where", "key", "value"),
    [
        ("front matter", "title", '"<script>alert(1)</script>"'),
        ("front matter", "subtitle", '"<img src=x onerror=alert(1)>"'),
        ("front matter", "keywords", '["protection", "<svg onload=alert(1)>"]'),
        ("front matter", "translators", '["javascript:alert(1)"]'),
        ("report.toml", "publisher", '"<iframe src=https://elsewhere.example>"'),
        ("report.toml", "authors", '["<a href=x>PI</a>"]'),
        ("report.toml", "partners", '["<style>@import url(https://elsewhere.example/x.css)</style>"]'),
    ],
)
def test_injection_markup_in_plain_text_metadata_is_refused_at_its_line(
    sample: Path, where: str, key: str, value: str
) -> None:
    folder = sample / "reports" / "sample"
    path = folder / ("en.md" if where == "front matter" else "report.toml")
    lines = path.read_text(encoding="utf-8").splitlines()
    separator = ": " if where == "front matter" else " = "
    position = next(
        (n for n, line in enumerate(lines) if line.partition(separator.strip())[0].strip() == key), 1
    )
    if lines[position].partition(separator.strip())[0].strip() == key:
        lines[position] = f"{key}{separator}{value}"
    else:  # a key the sample does not have yet: add it where the others are
        lines.insert(position, f"{key}{separator}{value}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(sample, "--lang", "en", "--format", "html")
    assert result.code == 1, result.output
    shown = path.relative_to(sample).as_posix()
    expected = rf"{re.escape(shown)}:{position + 1}: error: '{key}:?' contains"
    assert re.search(expected, result.output), result.output
    assert not (sample / "output" / "sample" / "en").exists()


def test_injection_nothing_hostile_survives_in_any_output(sample: Path) -> None:
    _append(sample, TEXT_THAT_STAYS_TEXT)
    source = sample / "reports" / "sample" / "en.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(
        text.replace(
            "  A short abstract with *emphasis*.",
            "  A short abstract with *emphasis*. <script>alert('abstract')</script>",
        ),
        encoding="utf-8",
    )
    bibliography = sample / "reports" / "sample" / "references.bib"
    bibliography.write_text(
        bibliography.read_text(encoding="utf-8").replace(
            "title = {Declaration on Human Rights Defenders}",
            "title = {Declaration <img src=x onerror=alert(9)> on Human Rights Defenders}",
        ),
        encoding="utf-8",
    )
    result = run(sample, "--lang", "en")
    assert result.code == 0, result.output
    output = sample / "output"
    pages = [output / "index.html", output / "sample" / "index.html", output / "sample" / "en" / "index.html"]
    for page in pages:
        tree = lxml_html.parse(str(page)).getroot()
        assert live_markup(tree) == [], page
        policy = tree.find(".//meta[@http-equiv='Content-Security-Policy']")
        assert policy is not None and "default-src 'none'" in policy.get("content"), page
        assert "script-src" not in policy.get("content")
    web = lxml_html.parse(str(pages[-1])).getroot().text_content()
    for place in ("body", "note", "abstract"):  # shown as the author wrote it (with typographic quotes)
        assert f"<script>alert(‘{place}’)</script>" in web, place
    with zipfile.ZipFile(output / "sample" / "en" / "sample-en.epub") as book:
        markup = [name for name in book.namelist() if name.endswith((".xhtml", ".opf", ".ncx", ".svg"))]
        assert len(markup) >= 5
        for name in markup:
            assert live_markup(etree.fromstring(book.read(name))) == [], name
    with pikepdf.open(output / "sample" / "en" / "sample-en.pdf") as pdf:
        assert "/Names" not in pdf.Root or "/JavaScript" not in pdf.Root.Names
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        assert "/OpenAction" not in pdf.Root and "/AA" not in pdf.Root
        metadata = " ".join(str(value) for value in pdf.docinfo.values())
        with pdf.open_metadata() as xmp:
            metadata += " ".join(str(value) for value in xmp.values())
        assert "<" not in metadata and "javascript" not in metadata.lower(), metadata
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                action = annotation.get("/A", {})
                assert action.get("/S") in (None, "/URI", "/GoTo"), action
                uri = str(action.get("/URI", "https://"))
                assert uri.startswith(("https://", "http://", "mailto:")), uri
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    for name, edition in manifest["editions"].items():  # what the site's pages are drawn from
        listing = edition["listing"]
        assert live_markup(lxml_html.fragment_fromstring(listing["abstract_html"], create_parent="div")) == []
        assert not [value for value in listing.values() if "javascript:" in str(value).lower()], name


def test_injection_a_template_that_would_run_a_script_is_refused(sample: Path) -> None:
    template = sample / "templates" / "web" / "edition.html"
    template.write_text(
        template.read_text(encoding="utf-8").replace("</body>", "<script>track()</script></body>"),
        encoding="utf-8",
    )
    result = run(sample, "--lang", "en", "--format", "html")
    assert result.code == 1
    assert "web/edition.html: error: the page would contain a <script> element" in result.output
    assert not (sample / "output" / "sample" / "en").exists()


def test_injection_a_remote_file_in_a_stylesheet_fails_only_the_pdf_edition(sample: Path) -> None:
    stylesheet = sample / "templates" / "print" / "book.css"
    stylesheet.write_text(
        stylesheet.read_text(encoding="utf-8") + "body { background: url(https://elsewhere.example/x.png) }",
        encoding="utf-8",
    )
    result = run(sample, "--lang", "en", "--format", "pdf", "--format", "html", "--jobs", "1")
    assert result.code == 1
    assert "print/book.html: error: the PDF renderer was refused a file" in result.output
    assert "Traceback" not in result.output
    assert not (sample / "output" / "sample" / "en").exists()  # never half an edition
