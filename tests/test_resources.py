"""Fonts, catalogs and template environments: loaded once per process, again when their files change."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from editions import i18n
from editions.cache import Cache
from editions.prepare.fonts import load_fonts
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


def test_resources_what_faces_draw_is_kept_for_the_next_process_as_fonttools_reads_it(tmp_path: Path) -> None:
    """A worker reads what each face draws from the cache a process before it filled: the same characters
    and weights as fontTools gives, and a damaged entry is read from the font again."""
    fonts = REPO / "templates" / "fonts"
    fresh = load_fonts(fonts)  # from fontTools, in this process
    filled = tmp_path / "filled"
    assert load_fonts(fonts, Cache(filled)).faces == fresh.faces
    entries = sorted((filled / "font-characters").iterdir())
    assert len(entries) == len({(face.path, face.index) for face in fresh.faces})
    # Another process's cache, copied: what it holds is read, not the fonts (a different folder is
    # another cache for this process's memory too).
    kept = shutil.copytree(filled, tmp_path / "kept")
    first = sorted((kept / "font-characters").iterdir())[0]
    first.write_bytes(first.read_bytes()[:-3])  # cut short, as a crash mid-write would leave it
    assert load_fonts(fonts, Cache(kept)).faces == fresh.faces
    assert first.read_bytes() == entries[0].read_bytes()  # made again
