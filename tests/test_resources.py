"""Fonts, catalogs and template environments: loaded once per process, again when their files change."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

from editions import i18n
from editions.prepare.fonts import CharacterSet, load_fonts
from editions.resources import Resources
from editions.writers.templating import render

REPO = Path(__file__).resolve().parent.parent


def _later(path: Path) -> None:
    """Move a file's modification time on, as a save a second later would."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))


def test_resources_load_once_and_again_after_an_edit(tmp_path: Path) -> None:
    locales, templates, fonts = tmp_path / "locales", tmp_path / "templates", tmp_path / "templates" / "fonts"
    shutil.copytree(REPO / "locales" / "fr", locales / "fr")
    fonts.mkdir(parents=True)
    for source in (REPO / "templates" / "fonts").iterdir():
        (fonts / source.name).symlink_to(source)  # the font files as they are; fonts.toml gets edited
    (fonts / "fonts.toml").unlink()
    shutil.copy(REPO / "templates" / "fonts" / "fonts.toml", fonts / "fonts.toml")
    (templates / "page.html").write_text("<p>{{ _('Contents') }}</p>\n", encoding="utf-8")
    french = i18n.parse_language("fr")
    resources = Resources()

    environment = resources.environment(templates, locales, french)
    catalog, font_set = resources.translations(locales, french), resources.fonts(fonts)
    assert render(environment, "page.html") == "<p>Table des matières</p>\n"
    loads = resources.loads
    for _ in range(3):  # every later edition of the process: nothing is read again
        assert resources.environment(templates, locales, french) is environment
        assert resources.translations(locales, french) is catalog
        assert resources.fonts(fonts) is font_set
    assert resources.loads == loads

    # A template edited during a preview: the same environment renders the new text.
    (templates / "page.html").write_text("<p>{{ _('Abstract') }}</p>\n", encoding="utf-8")
    _later(templates / "page.html")
    assert render(resources.environment(templates, locales, french), "page.html") == "<p>Résumé</p>\n"

    # An edited catalog: a new catalog, and an environment that speaks it.
    po = locales / "fr" / "LC_MESSAGES" / "messages.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgstr "Résumé"', 'msgstr "En bref"', 1), encoding="utf-8"
    )
    _later(po)
    assert resources.translations(locales, french) is not catalog
    assert render(resources.environment(templates, locales, french), "page.html") == "<p>En bref</p>\n"

    # Edited font settings are read again.
    with (fonts / "fonts.toml").open("a", encoding="utf-8") as settings:
        settings.write("\n# edited\n")
    assert resources.fonts(fonts) is not font_set
    assert resources.fonts(fonts).faces == font_set.faces


def test_what_each_face_draws_is_what_fonttools_reads_in_its_best_character_map() -> None:
    """HarfBuzz reads the faces' characters (editions/prepare/harfbuzz.py); fontTools, a reader written
    apart from it, finds the same characters in every face of the repository's fonts, CJK and
    collections included, and the same weight range in the variable ones."""
    faces = load_fonts(REPO / "templates" / "fonts").faces
    assert len(faces) > 50
    for face in faces:
        with TTFont(face.path, fontNumber=face.index) as font:
            mapped = font.getBestCmap()
            axes = {axis.axisTag: axis for axis in font["fvar"].axes} if "fvar" in font else {}
        assert face.characters == CharacterSet.of(mapped), face.path.name
        assert len(face.characters) == len(mapped) > 0
        assert "wght" not in axes  # the repository ships static faces; the test below has a variable one


def test_a_variable_face_gets_its_weight_range_and_its_characters(tmp_path: Path) -> None:
    """A variable font of the project's own, made here with fontTools: its `wght` axis gives the face's
    weight range, and its character map what it draws."""
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    _variable_font(fonts / "Test-VF.ttf", "ABก")
    (fonts / "fonts.toml").write_text(
        '[stacks]\nbody = ["Test"]\nheading = ["Test"]\n[[face]]\nfamily = "Test"\nfile = "Test-VF.ttf"\n',
        encoding="utf-8",
    )
    (face,) = load_fonts(fonts).faces
    assert face.weight == "100 900"
    assert set(face.characters) == {ord("A"), ord("B"), 0x0E01}


def _variable_font(path: Path, characters: str) -> None:
    """A minimal TrueType font with a weight axis from 100 to 900 that maps `characters` to boxes."""
    names = [".notdef", *(f"g{ord(c):04X}" for c in characters)]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): name for c, name in zip(characters, names[1:], strict=True)})
    pen = TTGlyphPen(None)
    pen.moveTo((100, 0)), pen.lineTo((100, 700)), pen.lineTo((500, 700)), pen.lineTo((500, 0))
    pen.closePath()
    box = pen.glyph()
    builder.setupGlyf({name: box for name in names})
    builder.setupHorizontalMetrics({name: (600, 100) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Test", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.setupFvar([("wght", 100, 400, 900, "Weight")], [])
    builder.save(str(path))
