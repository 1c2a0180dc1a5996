"""The WOFF2 subsets of the web edition and the EPUB draw exactly what the full fonts draw."""

from __future__ import annotations

import io
import random
import subprocess
from pathlib import Path

import pytest
from conftest import REPO
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops
from scripts_fixtures import different_drawings

from editions import i18n
from editions.check.tools import chromium
from editions.prepare.fonts import CharacterSet, load_fonts
from editions.prepare.subsets import keep_closure, subset_fonts
from editions.writers.screen_fonts import SAMPLE_SIZES


def test_closure_keeps_what_browsers_decompose() -> None:
    """Thai SARA AM, Lao AM and an Arabic presentation form bring the characters browsers split them into."""
    assert {0x0E4D, 0x0E32} <= keep_closure({0x0E33})  # ำ → ํ + า
    assert {0x0ECD, 0x0EB2} <= keep_closure({0x0EB3})  # ຳ → ໍ + າ
    assert {0x0644, 0x0627} <= keep_closure({0xFEFB})  # ﻻ → ل + ا
    assert {0x0041, 0x030A} <= keep_closure({0x00C5})  # Å → A + ring above


def test_character_set_of_a_face_is_its_cmap_in_runs() -> None:
    """What a face draws is kept as runs of code points: the same answers as the cmap, in little memory."""
    faces = load_fonts(REPO / "templates" / "fonts").faces
    face = next(face for face in faces if face.family == "Noto Serif")
    with TTFont(face.path, lazy=True) as font:
        cmap = set(font.getBestCmap())
    assert set(face.characters) == cmap and len(face.characters) == len(cmap)
    assert all(codepoint in face.characters for codepoint in cmap)
    assert not any(codepoint in face.characters for codepoint in range(0x30000) if codepoint not in cmap)
    assert len(face.characters.bounds) < len(cmap) // 4
    assert face.characters.among({0x41, 0x0E01, 0x4E00}) == {0x41}
    assert CharacterSet.of([]) == CharacterSet() and 0 not in CharacterSet()


@pytest.mark.validators
def test_korean_subset_keeps_its_syllables_not_every_syllable() -> None:
    """A Hangul syllable is drawn with its own glyph: its conjoining jamo, and through them all 11,172
    syllables, stay out (the Korean corpus page fetched 575 KB a face instead of 63 KB; its subset is
    drawn against the full font in tests/test_corpus.py)."""
    text = "모든 인간은 태어날 때부터 자유로우며"
    (regular, *_) = subset_fonts(load_fonts(REPO / "templates" / "fonts"), {"ko": text}, "woff2", own="ko")
    cmap = set(TTFont(io.BytesIO(regular.data)).getBestCmap())
    syllables = {c for c in cmap if 0xAC00 <= c <= 0xD7A3}
    assert {ord(c) for c in text if not c.isspace()} <= syllables
    assert len(syllables) < 50, len(syllables)
    assert not {c for c in cmap if 0x1100 <= c <= 0x11FF}


def test_thai_subset_has_the_parts_of_sara_am() -> None:
    """A subset for "ทำ" maps NIKHAHIT and SARA AA, which Chromium draws SARA AM with."""
    (thai, *_) = [
        font
        for font in subset_fonts(load_fonts(REPO / "templates" / "fonts"), {("th", "body"): "ทำ"}, "woff2")
        if "Thai" in font.name
    ]
    cmap = TTFont(io.BytesIO(thai.data)).getBestCmap()
    assert {0x0E17, 0x0E33, 0x0E4D, 0x0E32} <= set(cmap)


def test_subsets_draw_like_the_full_fonts(drawings: list) -> None:
    """Every web edition and EPUB chapter of the Thai, Arabic and Swahili editions, drawn in Chromium with
    the shipped subsets and with the full fonts, gives the same pixels."""
    assert len(drawings) >= 6
    assert different_drawings(drawings) == []


@pytest.mark.validators
def test_a_language_named_in_another_script_is_a_few_letters_drawn_like_the_full_font(tmp_path: Path) -> None:
    """An Arabic page that names Thai (ไทย) ships a few kilobytes of Thai, which Chromium draws as it
    draws the full font: the autohinter's reference letters stay in the subset."""
    fonts = load_fonts(REPO / "templates" / "fonts")
    texts = {("ar", "body"): "العربية", ("th", "body"): "ไทย"}
    shipped = subset_fonts(fonts, texts, "woff2", own="ar", names={"ar": "العربية", "th": "ไทย"})
    thai = {font.face.path.stem: font for font in shipped if "Thai" in font.name}
    assert set(thai) == {"NotoSerifThai-Regular", "NotoSerifThai-Bold"}
    assert all(len(font.data) < 8_000 for font in thai.values())
    lines = "".join(
        f'<p lang="th" style="font: {weight} {size}px Thai">ไทย</p>'
        for weight in (400, 700)
        for size in (16, 40, 90)
    )
    drawn = []
    for kind in ("shipped", "full"):
        rules = ""
        for stem, font in thai.items():
            name = f"{stem}.woff2" if kind == "shipped" else f"{stem}.ttf"
            data = font.data if kind == "shipped" else font.face.path.read_bytes()
            (tmp_path / name).write_bytes(data)
            weight = font.face.weight
            rules += f'@font-face {{ font-family: Thai; font-weight: {weight}; src: url("{name}"); }}'
        page = tmp_path / f"{kind}.html"
        page.write_text(f"<style>{rules}</style><body style='margin: 0'>{lines}</body>", encoding="utf-8")
        png = tmp_path / f"{kind}.png"
        subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={png}",
             "--window-size=500,900", "--virtual-time-budget=3000", page.as_uri()],
            capture_output=True, check=True, timeout=120,
        )  # fmt: skip
        drawn.append(Image.open(png).convert("RGB"))
    assert drawn[0].getbbox() and ImageChops.difference(*drawn).getbbox() is None


# The repository's languages and the corpus's scripts.
LANGUAGES = (
    "en", "fr", "es", "th", "ar", "fa", "hi", "my", "km", "lo", "ru", "he", "am", "ja", "ko", "zh-Hant",
)  # fmt: skip


@pytest.mark.parametrize("tag", LANGUAGES)
def test_the_sample_sizes_write_every_character_a_file_size_may_show(tag: str) -> None:
    """The EPUB's fonts are cut before the web page knows the sizes it shows (writers/screen_fonts.py):
    the sample sizes must write every character that any size, from bytes to gigabytes, writes in the
    language, or the web page would need fonts of its own."""
    language = i18n.parse_language(tag)
    sampled = {character for size in SAMPLE_SIZES for character in i18n.file_size(size, language)}
    sizes = random.Random(tag).sample(range(10**10), 2000) + list(range(300)) + [10**k for k in range(11)]
    shown = {character for size in sizes for character in i18n.file_size(size, language)}
    assert shown <= sampled, sorted(shown - sampled)
