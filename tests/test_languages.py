"""Any language Babel knows builds: tags canonicalised, catalogs and citation terms that fall back with one
warning, code in its own font and direction, scripts broken into lines without holes."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pypandoc
import pytest
from conftest import REPO, ROOTS, copy_project, run
from fontTools.ttLib import TTFont
from scripts_fixtures import ScriptsProject

from editions import i18n
from editions.i18n import catalogs
from editions.i18n.citations import CSL_LOCALES, citation_locale
from editions.i18n.tags import lang_selectors, lookup_tags
from editions.prepare import transform
from editions.prepare.fonts import load_fonts
from editions.prepare.word_breaks import ZERO_WIDTH_SPACE, mark_word_breaks, word_broken

_MM = 25.4 / 72  # one PDF point in millimetres


def test_tags_canonicalised_by_likely_subtags() -> None:
    """`zh` is Chinese in Simplified characters; a resource is looked up from the most specific tag."""
    assert i18n.parse_language("zh").locale == "zh_Hans"
    assert i18n.parse_language("zh").tag == "zh"  # the author's tag names the files and the folder
    assert i18n.parse_language("fr").locale == "fr"
    assert lookup_tags("zh-TW") == ("zh-TW", "zh-Hant-TW", "zh-Hant")  # never Simplified `zh`
    assert lookup_tags("pt-BR")[-1] == "pt"
    assert '[lang="zh"]' in lang_selectors("zh-Hans") and '[lang|="zh-TW"]' in lang_selectors("zh-Hant")


@pytest.mark.parametrize(
    ("tag", "locale", "fallback"),
    [
        ("zh", "zh-CN", False),
        ("zh-Hant", "zh-TW", False),  # citeproc alone would give Simplified terms
        ("hi", "hi-IN", False),  # citeproc alone finds no Hindi for a bare `hi`
        ("pt", "pt-BR", False),
        ("es-AR", "es-ES", True),
        ("sw", "en-US", True),
        ("ln", "en-US", True),
        ("en", "en-US", False),
    ],
)
def test_citation_locale_is_the_nearest(tag: str, locale: str, fallback: bool) -> None:
    """The CSL locale given to pandoc: the language's own, another region's, or English."""
    assert (citation_locale(tag).tag, citation_locale(tag).fallback) == (locale, fallback)


@pytest.mark.validators
def test_csl_locales_are_those_pandoc_has(tmp_path: Path) -> None:
    """Every locale we list gives citeproc terms of its own, and languages we do not list get English:
    a pandoc upgrade that changes its locales fails here. (One pandoc run cites once per language.)"""
    (tmp_path / "probe.bib").write_text(
        "@article{a, title={T}, author={One, A and Two, B and Three, C}, journal={J}, date={2020-01-15}}\n"
    )
    (tmp_path / "probe.lua").write_text(_PROBE)
    probes = [*sorted(CSL_LOCALES - {"en-US", "en-GB"}), "sw-TZ", "am-ET", "my-MM", "ln-CD", "rw-RW"]
    command = [pypandoc.get_pandoc_path(), "--from=markdown", "--to=plain", "--wrap=none"]
    command += ["--bibliography=probe.bib", "--lua-filter=probe.lua", "--metadata"]
    command += [f"probes=en-US {' '.join(probes)}"]
    done = subprocess.run(command, input=b"x [@a]\n", capture_output=True, check=True, cwd=tmp_path)
    cited = dict(line.split("\t") for line in done.stdout.decode().splitlines() if "\t" in line)
    assert len(cited) == len(probes) + 1
    wrong = [lang for lang in probes if (cited[lang] == cited["en-US"]) == (lang in CSL_LOCALES)]
    assert wrong == []


# Cites the document once per language of the `probes` metadata, one line "lang<TAB>text" each.
_PROBE = """
function Pandoc(doc)
  local out = {}
  for lang in string.gmatch(pandoc.utils.stringify(doc.meta.probes), "%S+") do
    local probe = pandoc.Pandoc(doc.blocks, doc.meta)
    probe.meta.lang = lang
    local text = pandoc.utils.stringify(pandoc.utils.citeproc(probe).blocks)
    table.insert(out, pandoc.Para(pandoc.Str(lang .. "\t" .. text)))
  end
  return pandoc.Pandoc(out)
end
"""


def test_catalog_falls_back_to_the_nearest_language(tmp_path: Path) -> None:
    """`es-AR` takes the Spanish catalog, `sw` shows its labels in English: one warning each, no error."""
    locales = shutil.copytree(REPO / "locales", tmp_path / "locales")
    argentina, swahili = i18n.parse_language("es-AR"), i18n.parse_language("sw")
    assert catalogs.catalog_for(locales, argentina.locale) == catalogs.catalog_path(locales, "es")
    spanish = i18n.load_translations(locales, i18n.parse_language("es")).gettext("Contents")
    assert spanish != "Contents" and i18n.load_translations(locales, argentina).gettext("Contents") == spanish
    assert i18n.load_translations(locales, swahili).gettext("Contents") == "Contents"
    warning = catalogs.fallback_warning(locales, tmp_path, argentina)
    assert "the catalog of 'es'" in warning and "CSL locale es-ES" in warning
    assert warning.endswith("[language.fallback]")
    assert "its labels show in English" in catalogs.fallback_warning(locales, tmp_path, swahili)
    assert catalogs.fallback_warning(locales, tmp_path, i18n.parse_language("fr")) == ""


def test_languages_without_resources_build(scripts_project: ScriptsProject) -> None:
    """Swahili, Lingala and bare `zh` build; each fallback is one warning that names what fell back."""
    for tag in ("sw", "ln", "zh", "th", "ar"):
        assert (scripts_project.edition(tag) / "index.html").is_file()
    warnings = [line for line in scripts_project.output.splitlines() if "[language.fallback]" in line]
    for tag in ("sw", "ln"):
        (warning,) = [line for line in warnings if f"in '{tag}'" in line]
        assert "labels show in English" in warning and "English terms" in warning
    (chinese,) = [line for line in warnings if "in 'zh'" in line]
    assert "citation" not in chinese  # citeproc has Chinese terms: zh-CN
    assert not [line for line in warnings if "'th'" in line or "'ar'" in line]
    page = (scripts_project.edition("zh") / "index.html").read_text(encoding="utf-8")
    assert "2009年" in page  # the citation in Chinese terms
    assert "2009年" not in (scripts_project.edition("sw") / "index.html").read_text(encoding="utf-8")


def test_chapter_with_bom_crlf_and_nfd_keeps_its_heading(scripts_project: ScriptsProject) -> None:
    """An Arabic chapter saved with a byte-order mark, CRLF and decomposed letters opens with its heading."""
    page = (scripts_project.edition("ar") / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<section id="tools"[^>]*>\s*<h2>الأدوات</h2>', page), "the chapter's heading is lost"
    assert "\ufeff" not in page


def _screen_pdf(folder: Path) -> Path:
    """The edition's screen PDF, the one readers download (the print file has bleed and crop marks)."""
    return next(path for path in folder.glob("*.pdf") if not path.stem.endswith("-print"))


def test_code_has_its_own_font_and_wraps_in_the_pdf(scripts_project: ScriptsProject) -> None:
    """Code is set in the code face (never a font of this machine), and a long line wraps in the page
    with its continuation indented behind the mark."""
    pdf = _screen_pdf(scripts_project.edition("sw"))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-Mono" in fonts
    words = _words(pdf)
    start = next(word for word in words if word[4] == "apt-get")
    rest = next(word for word in words if word[4].startswith("--depth"))
    assert rest[1] > start[1] + 5  # on a row of its own, below
    assert rest[0] > start[0] + 2  # behind the continuation mark's gutter
    page_width = 595
    assert max(word[2] for word in words) < page_width - 40  # nothing runs off into the margin


def test_code_is_left_to_right_inside_arabic(drawings: list) -> None:
    """In the Arabic web edition and EPUB, code runs left to right, isolated, in the code font."""
    arabic = [drawing for drawing in drawings if drawing.name.startswith("ar ")]
    styles = [style for drawing in arabic for style in drawing.facts["code"]]
    assert styles, "the Arabic test edition has code"
    assert {(style["direction"], style["bidi"]) for style in styles} == {("ltr", "isolate")}
    assert all(style["family"].startswith('"Noto Sans Mono"') for style in styles)


def test_latin_citation_keeps_its_parentheses_around_it_inside_arabic(drawings: list) -> None:
    """In the Arabic web edition and EPUB, a citation in Latin letters, "(Protection International 2009)",
    is one left-to-right unit isolated from the Arabic around it, drawn with "(" at its left end and ")"
    at its right one: neither mirrored nor moved to the other end by the bidirectional algorithm."""
    citations = [
        cite for drawing in drawings if drawing.name.startswith("ar ") for cite in drawing.facts["citations"]
    ]
    assert citations, "the Arabic test edition has a citation"
    for cite in citations:
        assert (cite["direction"], cite["bidi"]) == ("ltr", "isolate"), cite
        assert cite["text"].startswith("(") and cite["text"].endswith(")"), cite
        opening, after, before, closing = cite["ends"]
        assert opening["top"] == after["top"] and opening["right"] <= after["left"] + 0.5, cite
        assert closing["top"] == before["top"] and closing["left"] >= before["right"] - 0.5, cite


def test_latin_citation_keeps_its_parentheses_around_it_in_the_arabic_pdf(
    scripts_project: ScriptsProject,
) -> None:
    """In the Arabic PDF the same citation is drawn left to right on its line, "(" before its first word
    and ")" after its last, with the sentence's full stop to its left."""
    words = _words(_screen_pdf(scripts_project.edition("ar")))
    start = next(i for i, word in enumerate(words) if word[4] == "(Protection")
    stop, first, middle, last = words[start - 1 : start + 3]
    assert (stop[4], middle[4], last[4]) == (".", "International", "2009)")
    assert len({round(word[1]) for word in (first, middle, last)}) == 1  # one line
    assert stop[2] < first[0] + 0.5 and first[2] < middle[0] < middle[2] < last[0]


# A variable face from a pinned source: Debian's fonts-inter-variable 4.0~beta7+ds-1 (SIL OFL), which the
# set-up installs for the tests; one file for every weight.
_VARIABLE_FACE = """
[stacks.sw]
body = ["Inter", "Noto Serif"]
heading = ["Inter", "Noto Sans"]

[[face]]
family = "Inter"
package = "fonts-inter-variable"
file = "/usr/share/fonts/truetype/inter-vf/Inter-roman.var.ttf"
sha256 = "459fb40d1d555bc6cbc944de94a8c400fdb5126fc325753dfa027d5555583bbd"
weight = "100 900"
"""


@pytest.mark.validators
def test_variable_face_draws_each_weight_in_the_pdf(tmp_path: Path) -> None:
    """A variable face serves the body and headings of a Swahili edition: the PDF embeds an instance of it
    per weight (regular text, bold text, headings), each a plain font with the outlines of its weight,
    not the variable font whose default weight a viewer would draw for all of them."""
    root = copy_project(ROOTS / "scripts", tmp_path / "project")
    for other in ("in-ar", "in-th", "in-ln", "in-zh"):
        shutil.rmtree(root / "reports" / other)
    settings = root / "templates" / "fonts" / "fonts.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + _VARIABLE_FACE, encoding="utf-8")
    chapter = root / "reports" / "in-sw" / "sw.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n**Watetezi wa haki** hufanya kazi pamoja.\n")
    result = run(root, "--format", "pdf")
    assert result.code == 0, result.output
    pdf = _screen_pdf(root / "output" / "in-sw" / "sw")
    instances = {}  # weight class → advance width of "a"
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            for font in page.Resources.Font.values():
                if "Inter" not in str(font.BaseFont):
                    continue
                data = font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()
                with TTFont(io.BytesIO(data)) as face:
                    assert "fvar" not in face and "gvar" not in face  # an instance, not the variable font
                    instances[face["OS/2"].usWeightClass] = face["hmtx"][face.getBestCmap()[ord("a")]][0]
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in fonts.splitlines()[2:])
    assert {400, 700} <= set(instances), instances
    assert instances[700] > instances[400], instances  # a bold "a" is wider: the bold outlines are drawn


def test_word_breaks_between_lao_khmer_and_myanmar_words_only() -> None:
    """The PDF gets a break opportunity between the words of Lao, Khmer and Myanmar text, found by ICU's
    dictionaries; Thai (which Pango breaks itself), other scripts and code are left as written."""
    assert word_broken("ມີຄວາມສຳຄັນທີ່ຕ້ອງ").split(ZERO_WIDTH_SPACE) == ["ມີ", "ຄວາມສຳຄັນ", "ທີ່", "ຕ້ອງ"]
    assert word_broken("មានវិចារណញ្ញាណនិង").split(ZERO_WIDTH_SPACE) == ["មាន", "វិចារណញ្ញាណ", "និង"]
    assert word_broken("အခွင့်အရေးများကို").split(ZERO_WIDTH_SPACE) == ["အခွင့်အရေး", "များ", "ကို"]
    assert word_broken("ภาษาไทย, English 2024") == "ภาษาไทย, English 2024"
    section = transform.parse("<section><p>ມີຄວາມ<code>ມີຄວາມ</code>ມີຄວາມ</p></section>")
    mark_word_breaks(section)
    assert transform.to_html(section).replace(ZERO_WIDTH_SPACE, "|") == (
        "<section><p>ມີ|ຄວາມ<code>ມີຄວາມ</code>ມີ|ຄວາມ</p></section>"
    )


def test_thai_pdf_is_not_stretched_into_holes(scripts_project: ScriptsProject) -> None:
    """Thai lines are not justified by stretching their rare spaces: no space wider than 2 mm."""
    words = _words(_screen_pdf(scripts_project.edition("th")))
    # Between two Thai words of a line; pdftotext makes words of some lone Thai marks: left out.
    thai = re.compile(r"[\u0e01-\u0e2e]{2}")
    gaps = [
        (after[0] - before[2]) * _MM
        for before, after in itertools.pairwise(words)
        if abs(after[1] - before[1]) < 2
        and after[0] > before[2]
        and thai.search(before[4])
        and thai.search(after[4])
    ]
    assert len(gaps) > 10 and max(gaps) < 2.0, sorted(gaps)[-5:]


def test_code_font_inherits_the_script_of_its_language() -> None:
    """A language's code stack is the code face, then its own body faces (a Thai comment in code)."""
    fonts = load_fonts(REPO / "templates" / "fonts")
    assert fonts.stack_for("th").code == ("Noto Sans Mono", "Noto Serif Thai", "Noto Serif")
    assert "--code-font: " in fonts.css()


def _words(pdf: Path) -> list[tuple[float, float, float, float, str]]:
    """Every word of a PDF with its box (xMin, yMin, xMax, yMax), page after page."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(*map(float, m.groups()[:4]), m.group(5)) for m in re.finditer(pattern, out)]
