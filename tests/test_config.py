"""report.toml validation: identifiers, colours, every problem reported at once."""

from __future__ import annotations

from pathlib import Path

from editions.sources.config import contrast, identifier_problem, load_report_settings


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
