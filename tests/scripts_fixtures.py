"""Session fixtures for the languages and scripts tests: small one-language reports built once, and their
web pages and EPUB chapters drawn in Chromium with the shipped font subsets and with the full fonts."""

from __future__ import annotations

import codecs
import hashlib
import json
import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, ROOTS, Run, built_once, copy_project, run
from PIL import Image, ImageChops

from editions.cache import Cache, file_digest
from editions.check.tools import chromium, node, node_modules
from editions.check.verdicts import validators_identity
from editions.prepare.fonts import load_fonts

# The Simplified Chinese face of the Noto CJK collection Debian ships (fonts-noto-cjk, which the set-up
# installs): a collection face by its index, given to this project only when the repository's fonts
# have no Chinese stack of their own.
_CJK = """
[stacks.zh-Hans]
body = ["Noto Sans CJK SC", "Noto Serif"]
heading = ["Noto Sans CJK SC", "Noto Sans"]
emphasis = "bold"

[[face]]
family = "Noto Sans CJK SC"
file = "NotoSansCJK-Regular.ttc"
index = 2
"""
_CJK_COLLECTION = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
# Editions drawn subset-versus-full: scripts whose shaping the subsets must keep whole.
DRAWN = ("th", "ar", "sw")


@dataclass(frozen=True)
class ScriptsProject:
    """The built project: its root, and what each build printed."""

    root: Path
    runs: tuple[Run, ...]

    @property
    def output(self) -> str:
        """Everything the builds printed."""
        return "".join(run.output for run in self.runs)

    def edition(self, tag: str) -> Path:
        """The output folder of the edition in language `tag`."""
        return self.root / "output" / f"in-{tag}" / tag


@dataclass(frozen=True)
class Drawing:
    """One page drawn twice: with the fonts the edition ships and with the full fonts."""

    name: str
    same: bool  # the two drawings have the same size and every pixel alike
    facts: dict  # what Chromium computed on the shipped page: code styles, fonts loaded


@pytest.fixture(scope="session")
def scripts_project(tmp_path_factory: pytest.TempPathFactory) -> ScriptsProject:
    """tests/roots/scripts built once: Thai, Arabic and Swahili in every format, Lingala and Chinese
    (which need no PDF here) as web editions and EPUBs."""

    def build(folder: Path) -> tuple[Run, Run]:
        return _build_scripts(folder / "project")

    folder, runs = built_once(tmp_path_factory, "scripts", build)
    return ScriptsProject(folder / "project", runs)


def _build_scripts(root: Path) -> tuple[Run, Run]:
    copy_project(ROOTS / "scripts", root)
    settings = root / "templates" / "fonts" / "fonts.toml"
    if "[stacks.zh" not in settings.read_text(encoding="utf-8"):
        shutil.copy(_CJK_COLLECTION, settings.parent)
        settings.write_text(settings.read_text(encoding="utf-8") + _CJK, encoding="utf-8")
    # The second Arabic chapter as some editors save it: a byte-order mark, Windows line ends, and its
    # letters decomposed (NFD). Its heading must still open the chapter.
    chapter = root / "reports" / "in-ar" / "ar" / "02-tools.md"
    text = unicodedata.normalize("NFD", chapter.read_text(encoding="utf-8")).replace("\n", "\r\n")
    chapter.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    full = run(root, "--jobs", "2", *(f"--edition=in-{tag}/{tag}" for tag in ("th", "ar", "sw")))
    light = run(
        root, "--jobs", "2", "--edition=in-ln/ln", "--edition=in-zh/zh", "--format=html", "--format=epub"
    )
    assert full.code == 0 and light.code == 0, full.output + light.output
    return full, light


@pytest.fixture(scope="session")
def drawings(
    scripts_project: ScriptsProject, tmp_path_factory: pytest.TempPathFactory, shared_cache: Path
) -> list[Drawing]:
    """Every web edition and EPUB chapter of DRAWN, drawn with the shipped subsets and with full fonts."""
    editions = [(tag, scripts_project.edition(tag)) for tag in DRAWN]
    return draw_twice(editions, tmp_path_factory.mktemp("drawn"), Cache(shared_cache))


def draw_twice(
    editions: list[tuple[str, Path]],
    work: Path,
    cache: Cache,
    chapters: Callable[[list[Path]], list[Path]] = list,
) -> list[Drawing]:
    """Draw the web edition of each (name, output folder) and the EPUB chapters `chapters` picks from
    its book's, in ONE Chromium: once with the subsets the edition ships and once with the full fonts.

    What the drawings showed is kept in `cache` by the bytes of every file drawn (pages, styles, subsets,
    the full fonts), the drawing script and Chromium's and the validators' versions: pages that did not
    change since they were last drawn are not drawn again."""
    fonts = {face.path.stem: face.path for face in load_fonts(REPO / "templates" / "fonts").faces}
    pages: list[tuple[str, Path, Path]] = []
    for tag, edition in editions:
        shipped, full = work / f"web-{tag}", work / f"web-{tag}-full"
        for copy in (shipped, full):  # the page and its assets: not the downloads beside them
            shutil.copytree(edition, copy, ignore=shutil.ignore_patterns("*.pdf", "*.epub"))
        _use_full_fonts(full / "assets" / "fonts.css", fonts)
        pages.append((f"{tag} web edition", shipped / "index.html", full / "index.html"))
        book = next(edition.glob("*.epub"))
        for variant in ("", "-full"):
            with zipfile.ZipFile(book) as archive:
                archive.extractall(work / f"epub-{tag}{variant}")
        styles = next((work / f"epub-{tag}-full").rglob("style.css"))
        _use_full_fonts(styles, fonts)
        for chapter in chapters(sorted((work / f"epub-{tag}").rglob("*.xhtml"))):
            twin = work / f"epub-{tag}-full" / chapter.relative_to(work / f"epub-{tag}")
            pages.append((f"{tag} EPUB {chapter.name}", chapter, twin))
    inputs = _drawn_inputs(work, pages, fonts.values())
    known = cache.get("drawing", inputs)
    if known is not None:
        return [Drawing(name, same, facts) for name, same, facts in json.loads(known)]
    jobs = [
        {"page": str(page), "png": str(work / f"{number}-{kind}.png")}
        for number, (_, shipped, full) in enumerate(pages)
        for kind, page in (("shipped", shipped), ("full", full))
    ]
    (work / "jobs.json").write_text(json.dumps(jobs), encoding="utf-8")
    script = Path(__file__).parent / "render_pages.cjs"
    command = [node(), str(script), str(node_modules()), str(chromium()), str(work / "jobs.json")]
    done = subprocess.run([*command, str(work / "results.json")], capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    facts = json.loads((work / "results.json").read_text(encoding="utf-8"))
    drawings = [
        Drawing(name, _alike(work / f"{n}-shipped.png", work / f"{n}-full.png"), facts[str(shipped)])
        for n, (name, shipped, _) in enumerate(pages)
    ]
    cache.put("drawing", inputs, json.dumps([[d.name, d.same, d.facts] for d in drawings]).encode("utf-8"))
    return drawings


def _alike(shipped: Path, full: Path) -> bool:
    """Whether two drawings have the same size and every pixel alike."""
    with Image.open(shipped) as one, Image.open(full) as other:
        return (
            one.size == other.size
            and not ImageChops.difference(one.convert("RGB"), other.convert("RGB")).getbbox()
        )


def _drawn_inputs(work: Path, pages: list[tuple[str, Path, Path]], fonts: Iterable[Path]) -> list[str]:
    """What the drawings depend on: every file under `work` (relative names, and this checkout's place
    taken out of the full fonts' addresses), the full fonts, the pages drawn, the script and the tools."""
    repository = str(REPO).encode("utf-8")
    inputs = [validators_identity(), file_digest(Path(__file__).parent / "render_pages.cjs")]
    for path in sorted(work.rglob("*")):
        if path.is_file():
            data = path.read_bytes().replace(repository, b"<repository>")
            inputs += [path.relative_to(work).as_posix(), hashlib.sha256(data).hexdigest()]
    inputs += [file_digest(font) for font in sorted(set(fonts))]
    for name, shipped, full in pages:
        inputs.append(f"{name}|{shipped.relative_to(work)}|{full.relative_to(work)}")
    return inputs


def different_drawings(drawings: list[Drawing]) -> list[str]:
    """The names of the drawings whose two versions differ by a pixel, or whose shipped page has a font
    that failed to load (a subset the browser refused falls back to another font)."""
    different = []
    for drawing in drawings:
        failed = [font for font in drawing.facts["fonts"] if not font.endswith((": loaded", ": unloaded"))]
        if failed or not drawing.same:
            different.append(drawing.name)
    return different


def _use_full_fonts(stylesheet: Path, fonts: dict[str, Path]) -> None:
    """Point every @font-face of `stylesheet` at the whole font file the subset was made from.

    The font is named where it lies (an absolute file: URL), so that every page loads one font file
    from one address: Chromium then reads a 20 MB Chinese face once for all pages, and nothing is copied.
    """

    def full(match: re.Match[str]) -> str:
        return f'url("{fonts[match.group(1)].as_uri()}") format("truetype")'

    css, count = re.subn(
        r'url\("fonts/([^"/]+)\.woff2"\) format\("woff2"\)', full, stylesheet.read_text("utf-8")
    )
    assert count, f"no subset font in {stylesheet}"
    stylesheet.write_text(css, encoding="utf-8")
