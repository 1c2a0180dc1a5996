"""The settings schema, report.toml and the site settings: every problem at once, each at its line.

One bad key per case lives in tests/test_bad_inputs.py; here are the pure functions and the files with
several problems together.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from conftest import REPO

from editions.errors import ErrorGroup
from editions.prepare.fonts import load_fonts
from editions.sources.config import load_site
from editions.sources.discover import read_front_matter
from editions.sources.imprint import identifier_problem
from editions.sources.report_settings import contrast, load_report_settings
from editions.sources.schema import INTEGER, TEXT, TEXTS, Field, Source, Table, check


def test_config_isbn_check_digit_is_verified() -> None:
    assert identifier_problem("urn:isbn:9795000000006") is None
    assert "check digit" in identifier_problem("urn:isbn:9795000000007")
    assert identifier_problem("urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427") is None
    assert identifier_problem("ISBN 978") is not None


def test_config_contrast_follows_wcag() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert contrast("#777777", "#888888") < 4.5


def test_config_collects_every_problem(tmp_path: Path) -> None:
    toml = tmp_path / "report.toml"
    toml.write_text('source_language = "zz"\ndate = "yesterday"\ncolour = "red"\n', encoding="utf-8")
    settings, errors = load_report_settings(toml)
    assert settings is None
    messages = [error.render() for error in errors]
    assert any(
        "report.toml:3: error: unknown setting 'colour': the settings here are: source_language," in m
        for m in messages
    )
    assert any("report.toml:1: error: 'source_language': 'zz'" in m for m in messages)
    assert any("report.toml:2: error: 'date' must be a date" in m for m in messages)
    for required in ("publisher", "authors", "licence", "cover"):
        assert any(f"'{required}' is required" in m for m in messages), required
    assert len(messages) == 7


def test_config_reports_poor_contrast_alongside_other_problems(tmp_path: Path) -> None:
    toml = tmp_path / "report.toml"
    toml.write_text(
        'source_language = "en"\ndate = "yesterday"\n'
        '[cover]\nbackground = "#777777"\ntext = "#888888"\naccent = "#000000"\n',
        encoding="utf-8",
    )
    messages = [error.render() for error in load_report_settings(toml)[1]]
    assert any("report.toml:2: error: 'date' must be a date" in m for m in messages)
    assert any("report.toml:5: error: [cover] text #888888 on #777777 is hard to read" in m for m in messages)
    # No [identifiers.en]: not a problem, a urn:uuid is derived (see test_print).
    assert not any("identifiers" in m for m in messages)


def test_config_site_settings_are_typed_and_every_problem_is_located(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.editions]\nname = "PI"\nreports = 5\nouptut = "dist"\n'
        "language = []\n",
        encoding="utf-8",
    )
    with pytest.raises(ErrorGroup) as raised:
        load_site(tmp_path)
    messages = [error.render(tmp_path) for error in raised.value.errors]
    expected = [
        "pyproject.toml:6: error: [tool.editions] reports must be a text in quotes",
        "pyproject.toml:7: error: unknown setting [tool.editions] ouptut: did you mean 'output'?",
        "pyproject.toml:8: error: [tool.editions] language must be a text in quotes",
        "pyproject.toml:4: error: [tool.editions] publisher is required",
    ]
    for start in expected:
        assert any(message.startswith(start) for message in messages), (start, messages)
    assert len(messages) == 4


def test_config_front_matter_problems_come_all_at_once(tmp_path: Path) -> None:
    source = tmp_path / "en.md"
    source.write_text('---\ntitle: [a, b]\nautor: Someone\nkeywords: "<b>x</b>"\n---\n\n# A {#a}\n')
    with pytest.raises(ErrorGroup) as raised:
        read_front_matter(source)
    messages = sorted(error.render(tmp_path) for error in raised.value.errors)
    assert messages == [
        "en.md:1: error: 'abstract' is required (a short summary, in Markdown); e.g. abstract: |",
        "en.md:2: error: 'title' must be a text in quotes (the report's title in this language); "
        'e.g. title: "A title"',
        "en.md:3: error: unknown front matter key 'autor': the front matter keys here are: title, "
        "subtitle, abstract, translators, keywords",
        "en.md:4: error: 'keywords' must be a list of texts in quotes (words to find it by); "
        "e.g. keywords: [protection, defenders]",
    ]


# A table shaped like fonts.toml: a default stack and one [stacks.<tag>] per language. The schema
# declares such files the same way as the settings above.
FONTS_LIKE = Table(
    {
        "body": Field(TEXTS, "the body's families", 'body = ["Noto Serif"]', required=True),
        "size": Field(INTEGER, "the body's size in points", "size = 11"),
        "stacks": Table(
            {"body": Field(TEXTS, "the families", 'body = ["Noto Sans Thai"]', required=True)},
            meaning="one table per language",
            each=True,
        ),
    }
)


def test_config_schema_locates_problems_in_tables_of_tables(tmp_path: Path) -> None:
    text = (
        'body = ["Noto Serif"]\nsize = "11"\n\n'
        '[stacks.th]\nbdy = ["Noto Sans Thai"]\n\n[stacks.ar]\nbody = 3\n'
    )
    path = tmp_path / "fonts.toml"
    errors = check(tomllib.loads(text), FONTS_LIKE, Source(path, tuple(text.splitlines())))
    assert sorted(error.render(tmp_path) for error in errors) == [
        "fonts.toml:2: error: 'size' must be a whole number (the body's size in points); e.g. size = 11",
        'fonts.toml:4: error: [stacks.th] body is required (the families); e.g. body = ["Noto Sans Thai"]',
        "fonts.toml:5: error: unknown setting [stacks.th] bdy: did you mean 'body'?",
        "fonts.toml:8: error: [stacks.ar] body must be a list of texts in quotes (the families); "
        'e.g. body = ["Noto Sans Thai"]',
    ]


def test_config_schema_checks_values_after_types(tmp_path: Path) -> None:
    table = Table(
        {"name": Field(TEXT, "a name", 'name = "x"', check=lambda v: None if v.islower() else "shouts")}
    )
    source = Source(tmp_path / "x.toml", ('name = "LOUD"',))
    assert [error.message for error in check({"name": "LOUD"}, table, source)] == ["'name': shouts"]
    assert check({"name": "quiet"}, table, source) == []


def test_config_fonts_toml_problems_are_all_located_at_their_lines(tmp_path: Path) -> None:
    """fonts.toml is checked by the same schema as the other settings: every problem, each at its line."""
    shipped = (REPO / "templates" / "fonts" / "fonts.toml").read_text(encoding="utf-8")
    lines = shipped.splitlines()
    emphasis = next(n for n, line in enumerate(lines) if line.startswith("emphasis"))
    lines[emphasis] = 'emphasis = "oblique"'
    faces = [n for n, line in enumerate(lines) if line == "[[face]]"]
    lines[faces[1] + 1] = lines[faces[1] + 1].replace("family", "famly")
    lines.insert(faces[2] + 1, 'weight = "bold"')
    (tmp_path / "fonts.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ErrorGroup) as raised:
        load_fonts(tmp_path)
    messages = [error.render(tmp_path) for error in raised.value.errors]
    assert any(m.startswith(f"fonts.toml:{emphasis + 1}: error: ") and "oblique" in m for m in messages)
    assert any(
        m.startswith(f"fonts.toml:{faces[1] + 2}: error: ") and "did you mean 'family'" in m for m in messages
    )
    assert any(
        m.startswith(f"fonts.toml:{faces[2] + 2}: error: ") and "weight must be" in m for m in messages
    )
