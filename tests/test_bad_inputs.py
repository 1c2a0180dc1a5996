"""Hostile and broken input, a row each: refused at its place; nothing runs, leaks or breaks elsewhere.

A small project (two reports, three editions, one of them in every format) is built once per session.
Each row copies it with its output/, breaks one thing as an attacker or a careless author would, and
rebuilds only what the row needs. The same checks run for every row: the message and its place, the exit
code (and `--strict` for warnings), every edition still published, the published bytes unchanged (or, for
input that is accepted, unchanged outside the edition it rebuilt), nothing staged left behind, and no
output file that holds a path of this machine, a remote address the sources did not write, a live script
or fetch, or a confidential name. Outputs are read back with this file's own readers, not with the pipeline's.

Rows whose `args` hold `--format html` are about text, read and checked once for every format before any
writer runs, so the web edition alone shows the outcome; the others rebuild every format.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from conftest import REPO, ROOTS, Run, command, copy_project, run, write_photo
from lxml import etree
from lxml import html as lxml_html

# An invented name, marked confidential in both languages of `sample`: it must never reach an output.
SECRET = "Kowalczyk"
EN = "reports/sample/en.md"
FR1 = "reports/sample/fr/01-introduction.md"
FR2 = "reports/sample/fr/02-findings.md"
TOML = "reports/sample/report.toml"
EN_LINES = len((ROOTS / "basic" / "reports" / "sample" / "en.md").read_text(encoding="utf-8").splitlines())
END = EN_LINES + 2  # the line where text appended to en.md starts
TEXT = ("--report", "sample", "--lang", "en", "--format", "html")  # about text: the web edition shows it
ALL = ("--report", "sample", "--lang", "en")
FRENCH = ("--report", "sample", "--lang", "fr", "--format", "html")
SITE = ("--format", "html")
# The project's editions, as the session build publishes them.
EDITIONS = ("good/en", "sample/en", "sample/fr")


# ----------------------------------------------------------------------------------------------- changes
@dataclass(frozen=True)
class Edit:
    """Replace the first `old` with `new` in `file`."""

    file: str
    old: str
    new: str

    def apply(self, root: Path) -> None:
        """Make the change in the project at `root`."""
        path = root / self.file
        text = path.read_text(encoding="utf-8")
        assert self.old in text, (self.file, self.old)
        path.write_text(text.replace(self.old, self.new, 1), encoding="utf-8")


@dataclass(frozen=True)
class Append:
    """Add `text` at the end of `file`, after a blank line (for en.md it starts at line END)."""

    file: str
    text: str

    def apply(self, root: Path) -> None:
        """Make the change in the project at `root`."""
        path = root / self.file
        path.write_text(path.read_text(encoding="utf-8") + "\n" + self.text, encoding="utf-8")


@dataclass(frozen=True)
class Write:
    """Create or overwrite `file` with exactly these bytes."""

    file: str
    data: bytes

    def apply(self, root: Path) -> None:
        """Make the change in the project at `root`."""
        (root / self.file).parent.mkdir(parents=True, exist_ok=True)
        (root / self.file).write_bytes(self.data)


@dataclass(frozen=True)
class Bytes:
    """Replace the first `old` bytes with `new` in `file`."""

    file: str
    old: bytes
    new: bytes

    def apply(self, root: Path) -> None:
        """Make the change in the project at `root`."""
        path = root / self.file
        data = path.read_bytes()
        assert self.old in data, (self.file, self.old)
        path.write_bytes(data.replace(self.old, self.new, 1))


@dataclass(frozen=True)
class Encode:
    """Save `file` in another encoding, optionally with Windows line ends."""

    file: str
    encoding: str
    crlf: bool = False

    def apply(self, root: Path) -> None:
        """Make the change in the project at `root`."""
        path = root / self.file
        text = path.read_text(encoding="utf-8")
        path.write_bytes((text.replace("\n", "\r\n") if self.crlf else text).encode(self.encoding))


@dataclass(frozen=True)
class Delete:
    """Remove `file` (or a folder and everything in it)."""

    file: str

    def apply(self, root: Path) -> None:
        """Make the change in the project at `root`."""
        path = root / self.file
        shutil.rmtree(path) if path.is_dir() else path.unlink()


@dataclass(frozen=True)
class Folder:
    """Create the folder `file` (where a file is expected, or as a new report)."""

    file: str

    def apply(self, root: Path) -> None:
        """Make the change in the project at `root`."""
        (root / self.file).mkdir(parents=True)


@dataclass(frozen=True)
class Both:
    """Several changes, in order."""

    changes: tuple[Change, ...]

    def apply(self, root: Path) -> None:
        """Make the changes in the project at `root`."""
        for change in self.changes:
            change.apply(root)


Change = Edit | Append | Write | Bytes | Encode | Delete | Folder | Both


# ------------------------------------------------------------------------------------------------ a row
@dataclass(frozen=True)
class Case:
    """One bad input: what is broken, what the build must say and where, and how it must end.

        `message` is a fragment of the located line, `file` and `line` where it points (`line` None: the file
        alone, as when the problem has no line). `code` is the exit status of the build; a `warning` row also
        fails with `--strict`. `rebuilt` names the editions an accepted input may republish; every other
        published byte must be as before. `absent` is text of the input that no output may contain; `shown`,
    text that the rebuilt editions show (as written: an accepted input is read, not refused).
    """

    id: str
    change: Change
    message: str
    file: str | None
    line: int | None
    code: int = 1
    warning: bool = False
    args: tuple[str, ...] = TEXT
    rebuilt: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    shown: tuple[str, ...] = ()


def _front(key: str, value: str, file: str = EN) -> Edit:
    """Set (or add, after the title) the front matter `key` of `file`."""
    text = (ROOTS / "basic" / file).read_text(encoding="utf-8")
    current = next((line for line in text.splitlines() if line.startswith(f"{key}:")), None)
    first = next(line for line in text.splitlines() if line.startswith("title:"))
    if current is None:
        return Edit(file, first + "\n", f"{first}\n{key}: {value}\n")
    return Edit(file, current + "\n", f"{key}: {value}\n")


def _toml(key: str, value: str) -> Edit:
    """Set the top-level `key` of sample's report.toml to `value` (written as TOML)."""
    text = (ROOTS / "basic" / TOML).read_text(encoding="utf-8")
    current = next((line for line in text.splitlines() if line.startswith(f"{key} =")), None)
    if current is None:
        return Edit(TOML, "[cover]", f"{key} = {value}\n\n[cover]")
    return Edit(TOML, current + "\n", f"{key} = {value}\n")


def _line_of(file: str, start: str) -> int:
    """The line of `file` in the sample project that starts with `start`."""
    lines = (ROOTS / "basic" / file).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


def _template_line(file: str, fragment: str) -> int:
    """The line of the repository's template `file` (templates/…) that holds `fragment`."""
    lines = (REPO / file).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if fragment in line)


IMAGE = (
    "![A village meeting under a tree](images/photo.jpg)"
    '{#fig-photo alt="People sitting in a circle under a large tree"}'
)
TOML_LINE = {key: _line_of(TOML, key) for key in ("source_language", "translations", "date", "publisher")}
TOML_LINE |= {key: _line_of(TOML, key) for key in ("authors", "partners", "licence", "[cover]")}
FR_PDF = _line_of(TOML, "[identifiers.fr]") + 1
SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e5270bd70000000049454e44ae426082"
)
STYLESHEET = "templates/print/book.css"
WEB_TEMPLATE = "templates/web/edition.html"
PYPROJECT = "pyproject.toml"
FR_PO = "locales/fr/LC_MESSAGES/messages.po"

# Hostile text that is not an error: it is the author's text and stays text, in every format; authors'
# comments and confidential passages are left out.
STAYS_TEXT = """Raw markup is shown, never run: <script>alert('body')</script> <img src=x onerror=alert(5)>
<iframe src="x.html"></iframe> <svg onload=alert(6)></svg>

| Cell | Markup |
|------|--------|
| one  | <object data="x"></object> |

A [PI](https://www.protectioninternational.org "x\\" onmouseover=\\"alert(9)") link with a hostile title.
A note.[^hostile] Public text. <!-- call the witness on Monday -->

<!--
A private note
-->

::: confidential
The safe house hosts four families of Kivundu.
:::

[^hostile]: <script>alert('note')</script> and <a href="javascript:alert(10)">a link</a>.
"""
# Raw HTML in pandoc's raw-attribute syntax: shown as code, never as markup.
RAW_ATTRIBUTES = """```{=html}
<script>alert(7)</script>
```

Inline `<img src=x onerror=alert(8)>`{=html} raw markup.
"""
HOSTILE_TEXT = Both(
    (
        Append(EN, STAYS_TEXT),
        Edit(EN, "with *emphasis*.", "with *emphasis*. <script>alert('abstract')</script>"),
        Edit(
            "reports/sample/references.bib",
            "title = {Declaration on",
            "title = {Declaration <img src=x onerror=alert(11)> on",
        ),
    )
)

HOSTILE_MARKUP = [
    Case(
        "hostile-text-stays-text",
        HOSTILE_TEXT,
        "",
        None,
        None,
        code=0,
        args=ALL,
        rebuilt=("sample/en",),
        absent=("witness", "private note", "Kivundu"),
        shown=(
            "<script>alert(‘body’)</script>",
            "<script>alert(‘note’)</script>",
            "<script>alert(‘abstract’)</script>",
        ),
    ),
    Case(
        "onclick",
        Append(EN, 'A [link](https://example.org){onclick="alert(1)"}.\n'),
        "'onclick' would run a script",
        EN,
        END,
    ),
    Case(
        "onmouseover",
        Append(EN, 'A [span]{onmouseover="alert(2)"}.\n'),
        "'onmouseover' would run a script",
        EN,
        END,
    ),
    Case(
        "onerror",
        Append(EN, '![x](images/photo.jpg){alt="x" onerror="alert(3)"}\n'),
        "'onerror' would run a script",
        EN,
        END,
    ),
    Case(
        "srcset",
        Append(EN, '![x](images/photo.jpg){alt=x srcset="https://elsewhere.example/x.png 2x"}\n'),
        "'srcset' would make",
        EN,
        END,
    ),
    Case(
        "embed",
        Append(EN, "![Embedded page](https://elsewhere.example/page.html)\n"),
        "(pandoc made it a <embed>)",
        EN,
        END,
    ),
    Case("video", Append(EN, "![A film](clip.mp4)\n"), "(pandoc made it a <video>)", EN, END),
    Case("audio", Append(EN, "![A song](song.mp3)\n"), "(pandoc made it a <audio>)", EN, END),
    Case(
        "style-url",
        Append(EN, '[t]{style="background:url(https://elsewhere.example/t.png)"}\n'),
        "a style with url()",
        EN,
        END,
    ),
    Case(
        "style-url-escaped",
        Append(EN, '[t]{style="background:u\\72l(https://elsewhere.example/t.png)"}\n'),
        "a style with url()",
        EN,
        END,
    ),
    Case(
        "style-image-set",
        Append(EN, '![x](images/photo.jpg){alt=x style="width:image-set(x.png 1x)"}\n'),
        "style",
        EN,
        END,
    ),
    Case(
        "style-on-span",
        Append(EN, '[t]{style="color: red"}\n'),
        "the attribute 'style' is not allowed on <span>",
        EN,
        END,
    ),
    Case(
        "rel-attachment",
        Append(EN, "[file](https://example.org/x.pdf){rel=attachment}\n"),
        "the attribute 'rel' is not allowed on <a>",
        EN,
        END,
    ),
    Case(
        "formaction",
        Append(EN, "[frame]{formaction=https://elsewhere.example}\n"),
        "'formaction' is not allowed",
        EN,
        END,
    ),
    Case("tabindex", Append(EN, "[focus]{tabindex=3}\n"), "'tabindex'", EN, END),
    Case(
        "javascript-link",
        Append(EN, "[go](javascript:alert(4))\n"),
        "link to 'javascript:alert(4)' is not allowed",
        EN,
        END,
    ),
    Case("javascript-autolink", Append(EN, "<javascript:alert(5)>\n"), "is not allowed", EN, END),
    Case("vbscript-link", Append(EN, "[go](vbscript:msgbox)\n"), "is not allowed", EN, END),
    Case(
        "data-link",
        Append(EN, "[go](data:text/html,hi)\n"),
        "link to 'data:text/html,hi' is not allowed",
        EN,
        END,
    ),
    Case("file-link", Append(EN, "[go](file:///etc/passwd)\n"), "is not allowed", EN, END),
    Case(
        "link-out-of-edition",
        Append(EN, "See [this](../../../etc/passwd).\n"),
        "link to '../../../etc/passwd' is not allowed",
        EN,
        END,
    ),
    Case(
        "data-image",
        Append(EN, "![x](data:image/png;base64,iVBORw0KGgo=){alt=x}\n"),
        "must be a file of this report",
        EN,
        END,
    ),
    Case(
        "remote-image",
        Append(EN, "![remote](https://elsewhere.example/x.png){alt=remote}\n"),
        "must be a file of this report",
        EN,
        END,
    ),
    Case(
        "protocol-relative-image",
        Append(EN, "![r](//elsewhere.example/x.png){alt=r}\n"),
        "must be a file of this report",
        EN,
        END,
    ),
    Case(
        "svg-with-script",
        Both(
            (
                Write("reports/sample/images/evil.svg", SVG_WITH_SCRIPT),
                Append(EN, "![x](images/evil.svg){alt=x}\n"),
            )
        ),
        "cannot be read as PNG or JPEG",
        EN,
        END,
    ),
    Case(
        "markup-in-title",
        _front("title", '"<script>alert(1)</script>"'),
        "'title': contains markup",
        EN,
        2,
        args=ALL,
    ),
    Case(
        "markup-in-subtitle",
        _front("subtitle", '"<img src=x onerror=alert(1)>"'),
        "'subtitle': contains markup",
        EN,
        3,
        args=ALL,
    ),
    Case(
        "markup-in-keywords",
        _front("keywords", '["protection", "<svg onload=alert(1)>"]'),
        "'keywords': contains markup",
        EN,
        6,
        args=ALL,
    ),
    Case(
        "javascript-in-translators",
        _front("translators", '["javascript:alert(1)"]', FR1),
        "'translators': contains a 'javascript:'",
        FR1,
        6,
        args=FRENCH,
    ),
    Case(
        "markup-in-publisher",
        _toml("publisher", '"<iframe src=https://elsewhere.example>"'),
        "'publisher': contains markup",
        TOML,
        TOML_LINE["publisher"],
        args=ALL,
    ),
    Case(
        "markup-in-authors",
        _toml("authors", '["<a href=x>PI</a>"]'),
        "'authors': contains markup",
        TOML,
        TOML_LINE["authors"],
        args=ALL,
    ),
    Case(
        "import-in-partners",
        _toml("partners", '["<style>@import url(https://elsewhere.example/x.css)</style>"]'),
        "'partners': contains markup",
        TOML,
        TOML_LINE["partners"],
        args=ALL,
    ),
]

SPANISH_IDENTIFIERS = (
    '[identifiers.es]\npdf = "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca428"\n'
    'epub = "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca429"\n\n'
)
ACCEPTED_ENCODINGS = Both(
    (
        Append(EN, RAW_ATTRIBUTES),
        Edit(EN, "Defenders rarely", "De\u0301fenders rarely"),
        Encode(EN, "utf-8", crlf=True),
        Bytes(EN, b"---", b"\xef\xbb\xbf---"),
    )
)

ENCODINGS = [
    Case(
        # One build for two accepted inputs: what editors do to a file, and raw markup shown as code (which
        # the PDF cannot show yet: no monospace font is declared, so this row builds the web edition).
        "bom-crlf-nfd-and-raw-attributes-are-read-as-written",
        ACCEPTED_ENCODINGS,
        "",
        None,
        None,
        code=0,
        rebuilt=("sample/en",),
        shown=(
            "Défenders rarely",
            '<section id="introduction"',
            "<script>alert(7)</script>",
            "<img src=x onerror=alert(8)>",
        ),
    ),
    Case("latin-1", Bytes(FR2, "é".encode(), b"\xe9"), "is not in UTF-8: byte 0xe9", FR2, 5, args=FRENCH),
    Case(
        "latin-1-front-matter",
        Bytes(EN, b"Sample report", b"Sampl\xe9 report"),
        "is not in UTF-8: byte 0xe9",
        EN,
        2,
    ),
    Case("utf-16", Encode(FR2, "utf-16"), "this file is in UTF-16: save it as UTF-8", FR2, 1, args=FRENCH),
    Case("utf-16-report-toml", Encode(TOML, "utf-16"), "UTF-16", TOML, 1, args=ALL),
    Case(
        "latin-1-report-toml",
        Bytes(TOML, b"Protection International", b"Protecci\xf3n International"),
        "is not in UTF-8: byte 0xf3",
        TOML,
        TOML_LINE["publisher"],
    ),
    Case(
        "latin-1-bibliography",
        Bytes("reports/sample/references.bib", b"Eguren", b"Egur\xe9n"),
        "not in UTF-8",
        "reports/sample/references.bib",
        8,
    ),
    Case(
        "latin-1-translation-record",
        Bytes("reports/sample/fr.translation.toml", b"source", b"\xe9source"),
        "not in UTF-8",
        "reports/sample/fr.translation.toml",
        1,
        args=FRENCH,
    ),
]

STRUCTURE = [
    Case(
        "folder-named-like-a-chapter",
        Folder("reports/sample/fr/03-annex.md"),
        "this is a folder, not a text file",
        "reports/sample/fr/03-annex.md",
        None,
        args=FRENCH,
    ),
    Case(
        "chapter-file-misnamed",
        Write("reports/sample/fr/annex.md", b"# Annexe {#annex}\n"),
        "chapter files are named NN-name.md",
        "reports/sample/fr/annex.md",
        None,
        args=FRENCH,
    ),
    Case(
        "both-single-file-and-chapters",
        Write("reports/sample/fr.md", b"---\ntitle: x\nabstract: y\n---\n"),
        "both fr.md and fr/ exist",
        "reports/sample/fr.md",
        None,
        args=FRENCH,
    ),
    Case(
        "missing-translation",
        Delete("reports/sample/fr"),
        "no sources for language 'fr'",
        TOML,
        None,
        args=FRENCH,
    ),
    Case("missing-front-matter", Edit(EN, "---\ntitle", "title"), "starts with front matter", EN, 1),
    Case("unclosed-front-matter", Edit(EN, "communities]\n---", "communities]\n"), "no closing '---'", EN, 1),
    Case(
        "front-matter-in-a-later-chapter",
        Edit(FR2, "# Constats", "---\ntitle: x\n---\n# Constats"),
        "front matter belongs only in the first file",
        FR2,
        1,
        args=FRENCH,
    ),
    Case(
        "missing-first-heading",
        Edit(EN, "# Introduction {#introduction}\n", "Some text before any heading.\n"),
        "text before the first chapter heading",
        EN,
        None,
    ),
    Case(
        "chapter-without-id",
        Edit(FR2, "# Constats {#findings}", "# Constats"),
        "has no id",
        FR2,
        1,
        args=FRENCH,
    ),
    Case(
        "section-without-id",
        Append(EN, "## A section without id\n\nText.\n"),
        "this section heading has no id",
        EN,
        END,
    ),
    Case(
        "duplicate-section-id",
        Edit(EN, "## Risks {#risks}", "## Risks {#introduction}"),
        "used twice",
        EN,
        20,
    ),
    Case(
        "automatic-id-equals-written-one",
        Append(EN, "### Shared name\n\nText.\n\n## Later {#shared-name}\n\nMore.\n"),
        f"the id 'shared-name' is given twice, at {EN}:{END} and {EN}:{END + 4}",
        EN,
        END + 4,
    ),
    Case(
        "duplicate-note",
        Edit(EN, "[^findings-1]: Second note.", "[^findings-1]: A.\n\n[^findings-1]: B."),
        "Duplicate note",
        EN,
        33,
    ),
    Case(
        "undefined-note",
        Edit(EN, "12].[^findings-1]", "12].[^findings-1][^missing-note]"),
        "[^missing-note] has no definition",
        EN,
        29,
    ),
    Case(
        "table-row-too-wide",
        Append(EN, "| a | b |\n|---|---|\n| 1 | 2 | 3 |\n"),
        "this table row has 3 cells but its header has 2",
        EN,
        END + 2,
    ),
    Case(
        "image-beside-text",
        Append(EN, 'Look: ![a tree](images/photo.jpg){alt="A tree"} here.\n'),
        "has text beside it in its paragraph",
        EN,
        END,
    ),
    Case("image-without-alt", Edit(EN, IMAGE, "![](images/photo.jpg)"), "no alternative text", EN, 14),
    Case(
        "image-in-abstract",
        Edit(EN, "with *emphasis*.", "with ![a map](images/photo.jpg)."),
        "abstract cannot hold images",
        EN,
        4,
    ),
    Case(
        "character-in-no-font",
        Edit(EN, "Defenders rarely", "Defenders (守护者) rarely"),
        "'守' (U+5B88 CJK UNIFIED IDEOGRAPH-5B88) is in no font configured for 'en'",
        EN,
        11,
    ),
    Case(
        "unknown-inline-language",
        Edit(EN, "work done", "[work]{lang=xx-nope} done"),
        "{lang=xx-nope}",
        EN,
        11,
    ),
]

METADATA = [
    Case("toml-syntax", _toml("licence", "CC"), "invalid TOML", TOML, TOML_LINE["licence"], args=ALL),
    Case(
        "toml-duplicate-key",
        Edit(TOML, 'licence = "CC BY-NC-SA 4.0"', 'licence = "CC BY-NC-SA 4.0"\nlicence = "CC BY 4.0"'),
        "invalid TOML",
        TOML,
        TOML_LINE["licence"] + 1,
        args=ALL,
    ),
    Case("toml-bad-date", _toml("date", "2018-13-01"), "invalid TOML", TOML, TOML_LINE["date"], args=ALL),
    Case(
        "date-as-text",
        _toml("date", '"yesterday"'),
        "'date' must be a date",
        TOML,
        TOML_LINE["date"],
        args=ALL,
    ),
    Case(
        "missing-publisher",
        Edit(TOML, 'publisher = "Protection International"\n', ""),
        "'publisher' is required",
        TOML,
        None,
        args=ALL,
    ),
    Case(
        "authors-not-a-list",
        _toml("authors", '"Protection International"'),
        "'authors' must be a list",
        TOML,
        TOML_LINE["authors"],
        args=ALL,
    ),
    Case(
        "translations-not-a-list",
        _toml("translations", '"fr"'),
        "'translations' must be a list",
        TOML,
        TOML_LINE["translations"],
        args=ALL,
    ),
    Case(
        "unknown-key",
        _toml("author", '["PI"]'),
        "unknown setting 'author': did you mean 'authors'?",
        TOML,
        TOML_LINE["[cover]"],
        args=ALL,
    ),
    Case(
        "unknown-key-in-cover",
        Edit(TOML, 'accent = "#f2c14e"', 'accent = "#f2c14e"\nbackgroud = "#000000"'),
        "did you mean 'background'?",
        TOML,
        TOML_LINE["[cover]"] + 4,
        args=ALL,
    ),
    Case(
        "unknown-key-in-identifiers",
        Edit(TOML, 'epub = "urn:uuid:', 'epb = "urn:isbn:9795000000006"\nepub = "urn:uuid:'),
        "did you mean 'epub'?",
        TOML,
        FR_PDF + 1,
        args=ALL,
    ),
    Case(
        "bad-colour",
        Edit(TOML, 'accent = "#f2c14e"', 'accent = "#fc4"'),
        "[cover] accent: '#fc4' is not a colour",
        TOML,
        TOML_LINE["[cover]"] + 3,
        args=ALL,
    ),
    Case(
        "poor-contrast",
        Edit(TOML, 'text = "#ffffff"', 'text = "#333333"'),
        "hard to read",
        TOML,
        TOML_LINE["[cover]"] + 2,
        args=ALL,
    ),
    Case(
        "bad-source-language",
        _toml("source_language", '"english"'),
        "'source_language'",
        TOML,
        TOML_LINE["source_language"],
        args=ALL,
    ),
    Case(
        "bad-translation-language",
        _toml("translations", '["fr", "xx-bad"]'),
        "not a language",
        TOML,
        TOML_LINE["translations"],
        args=ALL,
    ),
    Case(
        "translation-repeats-source",
        _toml("translations", '["fr", "en"]'),
        "repeats a language or the source language",
        TOML,
        TOML_LINE["translations"],
        args=ALL,
    ),
    Case(
        "translation-without-sources",
        Both(
            (
                _toml("translations", '["fr", "es"]'),
                Edit(
                    TOML,
                    "[identifiers.fr]",
                    SPANISH_IDENTIFIERS + "[identifiers.fr]",
                ),
            )
        ),
        "no sources for language 'es'",
        TOML,
        None,
        args=("--report", "sample", "--lang", "es"),
    ),
    Case(
        "isbn-check-digit-in-fr",
        Edit(TOML, "9795000000020", "9795000000021"),
        "[identifiers.fr] pdf: 'urn:isbn:9795000000021' has a wrong ISBN check digit",
        TOML,
        FR_PDF,
        args=FRENCH,
    ),
    Case(
        "identifier-not-a-urn-in-fr",
        Edit(TOML, '"urn:isbn:9795000000020"', '"ISBN 979-5-0000-0002-0"'),
        "[identifiers.fr] pdf: 'ISBN 979-5-0000-0002-0' is neither",
        TOML,
        FR_PDF,
        args=FRENCH,
    ),
    Case(
        # An ISBN nobody assigned may belong to another book: it is refused at the first one written.
        "isbn-not-assigned",
        Edit(TOML, "isbn_assigned = true", "isbn_assigned = false"),
        "an ISBN is given but isbn_assigned is not true",
        TOML,
        _line_of(TOML, "[identifiers.en]") + 1,
        args=FRENCH,
    ),
    Case(
        "identifier-wrong-type",
        Edit(TOML, '"urn:isbn:9795000000020"', "9795000000020"),
        "[identifiers.fr] pdf",
        TOML,
        FR_PDF,
        args=FRENCH,
    ),
    Case(
        "release-policy-value",
        Edit(TOML, "[cover]", '[release]\nmissing = "sometimes"\n\n[cover]'),
        "[release] missing: 'sometimes' is none of: refuse, allow",
        TOML,
        TOML_LINE["[cover]"] + 1,
        args=ALL,
    ),
    Case(
        "bibliography-outside-report",
        _toml("bibliography", '"../../pyproject.toml"'),
        "'bibliography': ../../pyproject.toml is not a file in the report's folder",
        TOML,
        TOML_LINE["[cover]"],
        args=ALL,
    ),
    Case(
        "csl-missing",
        _toml("csl", '"chicago.csl"'),
        "'csl': chicago.csl is not a file",
        TOML,
        TOML_LINE["[cover]"],
        args=ALL,
    ),
    Case("yaml-syntax", _front("subtitle", '"unclosed'), "invalid YAML in the front matter", EN, 3, args=ALL),
    Case(
        "yaml-duplicate-key",
        Edit(EN, 'subtitle: "A test publication"', 'subtitle: "A test publication"\ntitle: "A second title"'),
        "the key 'title' is written twice",
        EN,
        4,
        args=ALL,
    ),
    Case("yaml-unknown-key", _front("autor", "Someone"), "unknown front matter key 'autor'", EN, 3, args=ALL),
    Case("yaml-title-not-text", _front("title", "[a, b]"), "'title' must be a text", EN, 2, args=ALL),
    Case("yaml-keywords-not-a-list", _front("keywords", "5"), "'keywords' must be a list", EN, 6, args=ALL),
    Case(
        "yaml-missing-abstract",
        Edit(EN, "abstract: |\n  A short abstract with *emphasis*.\n", ""),
        "'abstract' is required",
        EN,
        1,
        args=ALL,
    ),
    Case(
        "yaml-not-a-mapping",
        Edit(EN, "---\ntitle", "---\n- a list\n- not keys\n---\ntitle"),
        "front matter must be",
        EN,
        2,
        args=ALL,
    ),
    Case(
        "translation-record-wrong-type",
        Edit("reports/sample/fr.translation.toml", "[sections]", "sections = 5\n[other]"),
        "[sections] must map section ids",
        "reports/sample/fr.translation.toml",
        None,
        args=FRENCH,
    ),
]

MEDIA_AND_CITATIONS = [
    Case("missing-image", Edit(EN, "images/photo.jpg", "images/nowhere.jpg"), "does not exist", EN, 14),
    Case(
        "corrupt-image",
        Both(
            (
                Write("reports/sample/images/broken.png", b"\x89PNG\r\n\x1a\nthis is not a picture"),
                Append(EN, "![x](images/broken.png){alt=x}\n"),
            )
        ),
        "cannot be read as PNG or JPEG",
        EN,
        END,
    ),
    Case(
        "truncated-image",
        Both(
            (
                Write("reports/sample/images/cut.png", PNG_1PX[:40]),
                Append(EN, "![x](images/cut.png){alt=x}\n"),
            )
        ),
        "cannot be read as PNG or JPEG",
        EN,
        END,
    ),
    Case(
        "image-outside-the-report",
        Append(EN, '![x](../../pyproject.toml){alt="x"}\n'),
        "is outside the report's folder",
        EN,
        END,
    ),
    Case(
        "image-is-a-folder",
        Both((Folder("reports/sample/images/folder.png"), Append(EN, "![x](images/folder.png){alt=x}\n"))),
        "images/folder.png",
        EN,
        END,
    ),
    Case(
        "unknown-citation",
        Edit(EN, "[@manual2009, p. 12]", "[@nobody2020]"),
        "'@nobody2020' is not in the bibliography",
        EN,
        29,
    ),
    Case(
        "citation-without-bibliography",
        Delete("reports/sample/references.bib"),
        "citation '@declaration1998', but this report has no bibliography",
        EN,
        12,
    ),
    Case(
        "broken-bibliography",
        Edit("reports/sample/references.bib", "year = {1998},", "year = {1998,"),
        "the bibliography cannot be read",
        "reports/sample/references.bib",
        7,
    ),
]

CONFIDENTIAL = [
    Case(  # one build for two places the name was written unmarked: the text, and the plain-text title
        "confidential-name-also-unmarked-in-text-and-title",
        Both(
            (
                Append(EN, f"Later we met Amara {SECRET} again.\n"),
                _front("title", f'"Told by Amara {SECRET}"'),
            )
        ),
        "the confidential text 'Amara Kowalczyk' appears in",
        EN,
        11,
    ),
    Case(
        "translation-forgets-the-mark",
        Edit(FR1, "[Amara Kowalczyk]{.confidential}", "Amara Kowalczyk"),
        "the confidential text 'Amara Kowalczyk' appears in",
        EN,
        11,
        args=FRENCH,
    ),
]

SITE_SETTINGS = [
    Case(
        "site-toml-syntax",
        Edit(PYPROJECT, 'name = "Sample publications"', "name = Sample"),
        "invalid TOML",
        PYPROJECT,
        2,
        code=2,
        args=SITE,
    ),
    Case(
        "site-wrong-type",
        Edit(PYPROJECT, 'reports = "reports"', "reports = 5"),
        "reports must be a text in quotes",
        PYPROJECT,
        4,
        code=2,
        args=SITE,
    ),
    Case(
        "site-unknown-setting",
        Append(PYPROJECT, 'ouptut = "dist"\n'),
        "unknown setting [tool.editions] ouptut: did you mean 'output'?",
        PYPROJECT,
        9,
        code=2,
        args=SITE,
    ),
    Case(
        "site-missing-name",
        Edit(PYPROJECT, 'name = "Sample publications"\n', ""),
        "[tool.editions] name is required",
        PYPROJECT,
        1,
        code=2,
        args=SITE,
    ),
    Case(
        "site-markup-in-name",
        Edit(PYPROJECT, '"Sample publications"', '"<b>Sample</b>"'),
        "[tool.editions] name: contains markup",
        PYPROJECT,
        2,
        code=2,
        args=SITE,
    ),
    Case(
        "site-release-policy",
        Append(PYPROJECT, '\n[tool.editions.release]\nstale = "never"\n'),
        "[tool.editions.release] stale: 'never' is none of",
        PYPROJECT,
        11,
        code=2,
        args=SITE,
    ),
    Case(
        "site-language-not-text",
        Append(PYPROJECT, "language = []\n"),
        "language must be a text in quotes",
        PYPROJECT,
        9,
        code=2,
        args=SITE,
    ),
    Case(
        "site-reports-folder-missing",
        Edit(PYPROJECT, 'reports = "reports"', 'reports = "nowhere"'),
        "the reports folder does not exist",
        "nowhere",
        None,
        args=SITE,
    ),
]

TEMPLATES_AND_OTHER_REPORTS = [
    Case(
        "template-adds-a-script",
        Edit(WEB_TEMPLATE, "</body>", "<script>track()</script></body>"),
        "the page would contain a <script> element",
        "web/edition.html",
        None,
    ),
    Case(
        "template-unknown-field",
        Edit(WEB_TEMPLATE, "{{ tr.title }}</h1>", "{{ tr.no_such_field }}</h1>"),
        "no_such_field",
        WEB_TEMPLATE,
        _template_line(WEB_TEMPLATE, "{{ tr.title }}</h1>"),
    ),
    Case(
        "template-syntax",
        Edit(WEB_TEMPLATE, "</body>", "{% if %}</body>"),
        "template syntax",
        WEB_TEMPLATE,
        _template_line(WEB_TEMPLATE, "</body>"),
    ),
    Case(
        "stylesheet-fetches-remotely",
        Append(STYLESHEET, "body { background: url(https://elsewhere.example/x.png) }\n"),
        "the PDF renderer was refused a file",
        "print/book.html",
        None,
        args=("--report", "sample", "--lang", "en", "--format", "pdf"),
    ),
    Case(
        "label-untranslated",
        Edit(FR_PO, 'msgstr "Table des matières"', 'msgstr ""'),
        "labels are not translated into",
        FR_PO,
        None,
        code=0,
        warning=True,
        args=FRENCH,
        rebuilt=("sample/fr",),
    ),
    Case(
        "other-report-broken",
        Edit("reports/good/report.toml", "licence = ", "licence = CC\n#"),
        "[report.not-requested]",
        "reports/good/report.toml",
        7,
        code=0,
        warning=True,
    ),
    Case(
        "other-report-badly-named",
        Folder("reports/Bad_Name"),
        "is not a usable report name",
        "reports/Bad_Name",
        None,
        code=0,
        warning=True,
    ),
    Case(
        "other-report-without-settings",
        Folder("reports/empty"),
        "this report has no report.toml",
        "reports/empty/report.toml",
        None,
        code=0,
        warning=True,
    ),
    Case(
        "other-report-folder-as-source",
        Both((Delete("reports/good/en.md"), Folder("reports/good/en.md"))),
        "this is a folder, not a text file",
        "reports/good/en.md",
        None,
        code=0,
        warning=True,
    ),
    Case(
        "unknown-report-asked-for",
        Folder("reports/empty-but-asked"),
        "this report has no report.toml",
        "reports/empty-but-asked/report.toml",
        None,
        args=("--report", "empty-but-asked", "--format", "html"),
    ),
]

CASES = [
    *HOSTILE_MARKUP,
    *ENCODINGS,
    *STRUCTURE,
    *METADATA,
    *MEDIA_AND_CITATIONS,
    *CONFIDENTIAL,
    *SITE_SETTINGS,
    *TEMPLATES_AND_OTHER_REPORTS,
]


# ------------------------------------------------------------------------------------- the session build
@dataclass(frozen=True)
class Built:
    """The project built once: its folder, and every published file's bytes."""

    root: Path
    published: dict[str, bytes]
    written: frozenset[str]  # the remote addresses its sources and templates write


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """`sample` in English (every format) and French (web), with a confidential name in both languages;
    `good` in English (web)."""
    root = copy_project(ROOTS / "basic", tmp_path_factory.mktemp("bad-inputs") / "project")
    sample = root / "reports" / "sample"
    write_photo(sample / "images" / "photo.jpg")
    Edit(
        EN,
        "Defenders rarely work alone.",
        f"Defenders rarely work alone, as [Amara {SECRET}]{{.confidential}} told us.",
    ).apply(root)
    Edit(
        FR1,
        "travaillent rarement seuls.",
        f"travaillent rarement seuls, comme l’a dit [Amara {SECRET}]{{.confidential}}.",
    ).apply(root)
    assert command(root, "i18n", "accept", "sample", "fr").code == 0
    good = root / "reports" / "good"
    shutil.copytree(sample, good, ignore=shutil.ignore_patterns("fr", "fr.*"))
    toml = (good / "report.toml").read_text(encoding="utf-8")
    toml = toml.replace('translations = ["fr"]', "translations = []").split("[identifiers.fr]")[0]
    (good / "report.toml").write_text(toml, encoding="utf-8")
    web = ("--format", "html")
    for selection in (
        ("--edition", "sample/en"),
        ("--edition", "sample/fr", *web),
        ("--report", "good", *web),
    ):
        result = run(root, *selection)
        assert result.code == 0, result.output
    published = _snapshot(root / "output")
    assert {name.rsplit("/", 1)[0] for name in published if name.count("/") == 2} >= set(EDITIONS)
    written = _written(root)
    for name, data in published.items():
        assert not _scan(written, name, data), name
    return Built(root, published, written)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# ------------------------------------------------------------------------------------------- the checks
# A row whose input is accepted republishes its editions whole (every format rendered and scanned): it
# checks them end to end, beside the validators; the refused rows stop early and stay in the quick loop.
@pytest.mark.parametrize(
    "case",
    [pytest.param(case, id=case.id, marks=[pytest.mark.validators] * bool(case.rebuilt)) for case in CASES],
)
def test_bad_input(built: Built, tmp_path: Path, case: Case) -> None:
    root = _broken_copy(built, tmp_path / "project", case)
    result = run(root, *case.args, "--jobs", "1")
    assert result.code == case.code, result.output
    assert "Traceback" not in result.output, result.output
    _assert_message(case, result)
    _assert_published(built, root, case)
    if case.warning:  # in a copy of its own: a warning about labels comes with the edition it builds
        strict = run(_broken_copy(built, tmp_path / "strict", case), *case.args, "--jobs", "1", "--strict")
        assert strict.code == 1 and "--strict makes them errors" in strict.output, strict.output


def _broken_copy(built: Built, root: Path, case: Case) -> Path:
    """A copy of the built project with the row's change. Published files and fonts are hard links: no
    row edits them, and a build replaces files by renaming, never by writing into them."""
    shutil.copytree(built.root, root, symlinks=True, ignore=shutil.ignore_patterns("output", "fonts"))
    for shared in ("output", "templates/fonts"):
        shutil.copytree(built.root / shared, root / shared, copy_function=os.link)
    case.change.apply(root)
    return root


LOCATED = re.compile(
    r"^\s*(?P<path>\S+?)(?::(?P<line>\d+))?: (?P<kind>error|warning): (?P<message>.+)$", re.M
)


def _assert_message(case: Case, result: Run) -> None:
    """The row's message is one located line at the row's file and line, an error or a warning."""
    if not case.message:
        assert not LOCATED.search(result.output), result.output
        return
    found = [m for m in LOCATED.finditer(result.output) if case.message in m["message"]]
    assert found, result.output
    kind = "warning" if case.warning else "error"
    assert any(
        (m["path"] == case.file or m["path"].endswith(f"/{case.file}"))
        and m["line"] == (str(case.line) if case.line else None)
        and m["kind"] == kind
        for m in found
    ), (case.file, case.line, [m.group(0) for m in found])


def _assert_published(built: Built, root: Path, case: Case) -> None:
    """Every edition still published; nothing changed outside the editions the row may rebuild; no
    leftovers; and no output holds a machine path, an unwritten remote address, live markup or a secret."""
    output = root / "output"
    after = _snapshot(output)
    manifest = json.loads(after["manifest.json"])
    assert set(EDITIONS) <= set(manifest["editions"])
    assert all((output / entry["path"]).is_file() for entry in manifest["files"])
    if case.rebuilt:
        for name, data in built.published.items():
            # The site's own pages and their fonts (outside every <slug>/<lang>/ folder) show what the
            # rebuilt editions say, so they may change with them.
            site = name.count("/") < 2 or name.startswith("fonts/")
            if not site and not name.startswith(tuple(f"{e}/" for e in case.rebuilt)):
                assert after.get(name) == data, name
        assert any(after.get(name) != built.published.get(name) for name in after), "nothing was rebuilt"
    else:
        assert after.keys() == built.published.keys()
        assert [name for name in after if after[name] != built.published[name]] == []
    assert [p.name for p in root.iterdir() if p.name.startswith(".")] == []
    assert not any(part.startswith(".") for name in after for part in name.split("/"))
    for name, data in after.items():
        findings = _scan(built.written, name, data)
        assert not findings, (name, findings)
        assert not [text for text in case.absent if text in _texts(name, data)], name
    rebuilt = html.unescape(
        "".join(_texts(n, d) for n, d in after.items() if n.startswith(case.rebuilt or ("-",)))
    )
    assert [text for text in case.shown if text not in rebuilt] == []


# ---------------------------------------------------------------------------------- reading outputs back
_LIVE_ELEMENTS = {"script", "embed", "object", "iframe", "frame", "video", "audio", "base", "form", "applet"}
_FETCHING = {"src", "srcset", "data", "poster", "background", "xlink:href", "action"}
# XML namespace names and the like: identifiers that no reader's software fetches.
_NAMESPACES = re.compile(
    r"https?://(www\.w3\.org|purl\.org|ns\.adobe\.com|www\.idpf\.org|idpf\.org|www\.aiim\.org|"
    r"www\.daisy\.org|schema\.org|www\.npes\.org|iptc\.org|ns\.useplus\.org)/"
)
_URL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s\"'<>()\\]*")


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


_SCANNED: dict[str, tuple[str, ...]] = {}  # findings by file name and content, read once


def _scan(written: frozenset[str], name: str, data: bytes) -> tuple[str, ...]:
    """What is wrong in the published file `name`, given the remote addresses the sources write."""
    key = name.rsplit(".", 1)[-1] + hashlib.sha256(data).hexdigest()
    if key not in _SCANNED:
        _SCANNED[key] = tuple(_findings(written, name, data))
    return _SCANNED[key]


def _written(root: Path) -> frozenset[str]:
    """Every remote address the project's sources and templates write."""
    found = set()
    for folder in ("reports", "templates"):
        for path in (root / folder).rglob("*"):
            if path.is_file() and path.suffix in {".md", ".toml", ".bib", ".html", ".css", ".xhtml", ".svg"}:
                found.update(_URL.findall(path.read_text(encoding="utf-8", errors="replace")))
    return frozenset(url.rstrip(".,;") for url in found)


def _is_written(url: str, written: frozenset[str]) -> bool:
    """Whether a source or template writes `url`: as it is, or as a template's fixed start followed by a
    value (`https://creativecommons.org/licenses/{{ … }}`, the licence's deed)."""
    return url in written or any(
        url.startswith(address.removesuffix("{{")) for address in written if address.endswith("{{")
    )


def _findings(written: frozenset[str], name: str, data: bytes) -> list[str]:
    findings = []
    for label, text in _parts(name, data):
        for marker in ("/home/", "/root/", "/tmp/", "pytest-of-"):
            if marker in text:
                findings.append(f"{label}: a path of this machine ({marker})")
        if SECRET in text:
            findings.append(f"{label}: the confidential name")
        for url in _URL.findall(text):
            if not _NAMESPACES.match(url) and not _is_written(url.rstrip(".,;"), written):
                findings.append(f"{label}: the remote address {url}")
        if label.endswith((".html", ".xhtml", ".svg", ".opf", ".ncx")):
            tree = lxml_html.fromstring(text) if label.endswith(".html") else etree.fromstring(text.encode())
            findings += [f"{label}: {live}" for live in live_markup(tree)]
        if label.endswith(".html") and not _forbids_scripts(tree):
            findings.append(f"{label}: no Content-Security-Policy that forbids scripts and remote loads")
        if label == "manifest.json":  # the site's pages are drawn from its listings
            for listing in (edition["listing"] for edition in json.loads(text)["editions"].values()):
                fragment = lxml_html.fragment_fromstring(listing["abstract_html"], create_parent="div")
                findings += [f"{label}: {live}" for live in live_markup(fragment)]
    if name.endswith(".pdf"):
        findings += [f"{name}: {action}" for action in _pdf_actions(data)]
    return findings


def _forbids_scripts(page: etree._Element) -> bool:
    policy = page.find(".//meta[@http-equiv='Content-Security-Policy']")
    content = "" if policy is None else policy.get("content", "")
    return "default-src 'none'" in content and "script-src" not in content


def _pdf_actions(data: bytes) -> list[str]:
    """What in a PDF would run or open something by itself: JavaScript, open actions, embedded files,
    links other than to a web address, a mail address or a place in the document."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        names = pdf.Root.get("/Names", {})
        found += [f"{key} in the catalog" for key in ("/JavaScript", "/EmbeddedFiles") if key in names]
        found += [f"{key} in the catalog" for key in ("/OpenAction", "/AA") if key in pdf.Root]
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                action = annotation.get("/A", {})
                uri = str(action.get("/URI", "https://"))
                if action.get("/S") not in (None, "/URI", "/GoTo") or not uri.startswith(_LINKS):
                    found.append(f"a link action {action.get('/S')} to {uri}")
    return found


_LINKS = ("https://", "http://", "mailto:")


def _texts(name: str, data: bytes) -> str:
    """Everything a reader or a tool can read in the file `name`, as one text (read once per content)."""
    key = name.rsplit(".", 1)[-1] + hashlib.sha256(data).hexdigest()
    if key not in _TEXTS:
        _TEXTS[key] = "\n".join(text for _, text in _parts(name, data))
    return _TEXTS[key]


_TEXTS: dict[str, str] = {}


def _parts(name: str, data: bytes) -> list[tuple[str, str]]:
    """The texts a reader or a tool gets from a file, by label: a PDF's page text, metadata and link
    targets; each file inside an EPUB; the bytes of anything else, as text."""
    if name.endswith(".pdf"):
        return _pdf_parts(name, data)
    if name.endswith(".epub"):
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return [
                part for member in book.namelist() for part in _parts(f"{name}!{member}", book.read(member))
            ]
    return [(name, data.decode("utf-8", errors="replace"))]


def _pdf_parts(name: str, data: bytes) -> list[tuple[str, str]]:
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    parts = [(f"{name} text", text.decode("utf-8", errors="replace"))]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        parts.append((f"{name} info", " ".join(str(value) for value in pdf.docinfo.values())))
        with pdf.open_metadata() as xmp:
            parts.append((f"{name} xmp", " ".join(str(value) for value in xmp.values())))
        links = [
            str(annotation.get("/A", {}).get("/URI", ""))
            for page in pdf.pages
            for annotation in page.get("/Annots", [])
        ]
        parts.append((f"{name} links", " ".join(links)))
    return parts
