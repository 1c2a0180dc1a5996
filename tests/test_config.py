"""report.toml validation: identifiers, colours, every problem reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from editions.errors import ErrorGroup
from editions.sources.config import contrast, identifier_problem, load_report_settings, load_site


def test_config_isbn_check_digit_is_verified() -> None:
    assert identifier_problem("urn:isbn:9782930539003") is None
    assert "check digit" in identifier_problem("urn:isbn:9782930539004")
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
    assert any("report.toml:3: error: unknown setting 'colour'" in m for m in messages)
    assert any("report.toml:1: error: 'source_language'" in m for m in messages)
    assert any("report.toml:2: error: 'date' must be a date" in m for m in messages)
    assert any("'publisher' is required" in m for m in messages)
    assert len(messages) >= 6


def test_config_reports_poor_contrast_alongside_other_problems(tmp_path: Path) -> None:
    toml = tmp_path / "report.toml"
    toml.write_text(
        'source_language = "en"\ndate = "yesterday"\n'
        '[cover]\nbackground = "#777777"\ntext = "#888888"\naccent = "#000000"\n',
        encoding="utf-8",
    )
    messages = [error.render() for error in load_report_settings(toml)[1]]
    assert any("'date' must be a date" in m for m in messages)
    assert any("report.toml:3: error: [cover] text #888888 on #777777 is hard to read" in m for m in messages)


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
        "pyproject.toml:7: error: [tool.editions] unknown setting 'ouptut': did you mean 'output'?",
        "pyproject.toml:8: error: [tool.editions] language must be a text in quotes",
        "pyproject.toml:4: error: [tool.editions] needs the setting publisher",
    ]
    for start in expected:
        assert any(message.startswith(start) for message in messages), (start, messages)
    assert len(messages) == 4


def test_config_identifier_errors_are_reported_in_their_own_table(tmp_path: Path) -> None:
    toml = tmp_path / "report.toml"
    toml.write_text(
        'source_language = "en"\ntranslations = ["fr"]\ndate = 2018-06-01\n'
        '[identifiers.en]\npdf = "urn:isbn:9782930539003"\nepub = "urn:isbn:9782930539010"\n'
        '[identifiers.fr]\npdf = "urn:isbn:9782930539004"\nepub = "urn:isbn:9782930539010"\n',
        encoding="utf-8",
    )
    messages = [error.render() for error in load_report_settings(toml)[1]]
    assert any("report.toml:8: error: [identifiers.fr] pdf: " in m and "check digit" in m for m in messages)
    assert not any("[identifiers.en]" in m for m in messages)


def test_config_unknown_report_setting_suggests_the_right_one(tmp_path: Path) -> None:
    toml = tmp_path / "report.toml"
    toml.write_text('source_language = "en"\nauthor = ["PI"]\n', encoding="utf-8")
    messages = [error.render() for error in load_report_settings(toml)[1]]
    assert any(
        "report.toml:2: error: unknown setting 'author'; did you mean 'authors'?" in m for m in messages
    )
