"""Typed settings: the site's [tool.editions] in pyproject.toml and each report's report.toml."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from editions.errors import ConfigError, ErrorGroup, SourceError, SourceLocation
from editions.i18n import parse_language
from editions.model import Cover, Format, ReleasePolicy, Site
from editions.sources.plaintext import markup_problem
from editions.sources.text import read_source

_REPORT_KEYS = {
    "source_language",
    "translations",
    "date",
    "publisher",
    "authors",
    "partners",
    "licence",
    "bibliography",
    "csl",
    "cover",
    "identifiers",
    "release",
}
_RELEASE_KEYS = ("missing", "stale")
_RELEASE_VALUES = ("refuse", "allow")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def find_project(start: Path) -> Path:
    """The nearest folder at or above `start` whose pyproject.toml has a [tool.editions] table."""
    for folder in (start.resolve(), *start.resolve().parents):
        path = folder / "pyproject.toml"
        if path.is_file() and isinstance(read_toml(path).get("tool", {}).get("editions"), dict):
            return folder
    raise ConfigError(
        f"no editions project in {start} or above it: run the command inside a project (a folder whose "
        "pyproject.toml has a [tool.editions] table), or name one with -C DIR"
    )


# [tool.editions]: each setting, what it holds, and its default (None: required).
SITE_SETTINGS: dict[str, tuple[type, str | None, str]] = {
    "name": (str, None, "the site's name, shown on the page that lists every report"),
    "publisher": (str, None, "who publishes, e.g. Protection International"),
    "reports": (str, "reports", "the folder of the reports, relative to pyproject.toml"),
    "templates": (str, "templates", "the folder of the templates"),
    "locales": (str, "locales", "the folder of the label catalogs"),
    "output": (str, "output", "where editions are published"),
    "language": (str, "en", "the language of the pages that list every language"),
    "release": (dict, "", "what --release accepts: missing and stale, each refuse or allow"),
    "base_url": (str, "", "where the site is published, e.g. https://publications.example.org/"),
}


def load_site(root: Path, output: Path | None = None, audience: str = "public") -> Site:
    """Settings from `root`/pyproject.toml; `output` overrides where editions are written.

    An internal build (`audience="internal"`) writes beside the public folder, into `output-internal/`
    by default, and never into the public folder: its editions hold confidential passages.

    Every problem is reported at once, each at its line: a missing or mistyped setting, a value of the
    wrong type, an unknown name (with the setting it probably meant).
    """
    path = root / "pyproject.toml"
    data = read_toml(path)
    settings = data.get("tool", {}).get("editions")
    if not isinstance(settings, dict):
        raise ConfigError(
            "no [tool.editions] table: add one with name, publisher, reports, templates, locales and output",
            SourceLocation(path),
        )
    lines = read_source(path).splitlines()
    errors = [
        ConfigError(f"[tool.editions] {problem}", SourceLocation(path, _setting_line(lines, key)))
        for key, problem in _site_problems(settings)
    ]
    if errors:
        raise ErrorGroup(errors)
    value = {key: settings.get(key, default) for key, (_, default, _) in SITE_SETTINGS.items()}
    return Site(
        root=root,
        reports_dir=root / value["reports"],
        templates_dir=root / value["templates"],
        locales_dir=root / value["locales"],
        output_dir=_output_dir(root / value["output"], output, audience),
        name=value["name"],
        publisher=value["publisher"],
        language=value["language"],
        release=release_policy(value["release"], path, "[tool.editions.release]") or ReleasePolicy(),
        audience=audience,
        base_url=value["base_url"].rstrip("/") + "/" if value["base_url"] else "",
    )


def _output_dir(public: Path, given: Path | None, audience: str) -> Path:
    """Where editions for `audience` go; an internal build refuses the public folder and anything in it."""
    if audience == "public":
        return (given or public).absolute()
    internal = (given or public.with_name(f"{public.name}-internal")).absolute()
    resolved, published = internal.resolve(), public.absolute().resolve()
    if resolved == published or resolved.is_relative_to(published) or published.is_relative_to(resolved):
        raise ConfigError(
            f"--output {given}: an internal build holds confidential passages and never writes into the "
            f"public output folder ({public.name}/); leave out --output to use {public.name}-internal/"
        )
    return internal


def _site_problems(settings: dict) -> list[tuple[str, str]]:
    problems = []
    for key in settings:
        if key not in SITE_SETTINGS:
            guess = difflib.get_close_matches(key, SITE_SETTINGS, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else f"the settings are: {', '.join(SITE_SETTINGS)}"
            problems.append((key, f"unknown setting '{key}': {hint}"))
    for key, (kind, default, meaning) in SITE_SETTINGS.items():
        if key not in settings:
            if default is None:
                problems.append(("[tool.editions]", f"needs the setting {key} ({meaning})"))
        elif not isinstance(settings[key], kind) or (kind is str and not settings[key].strip()):
            shown = "a table" if kind is dict else "a text in quotes"
            problems.append((key, f"{key} must be {shown} ({meaning}), not {settings[key]!r}"))
        elif kind is str and key in ("name", "publisher") and (problem := markup_problem(settings[key])):
            problems.append((key, f"{key} {problem}"))
        elif key == "base_url" and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", settings[key]):
            problems.append(
                (
                    key,
                    f"base_url must be an http(s) address such as https://example.org/, "
                    f"not {settings[key]!r}",
                )
            )
    return problems


def _setting_line(lines: list[str], key: str) -> int | None:
    """The line of `key = …` inside [tool.editions] (or of a table header given as `[…]`)."""
    inside = False
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("["):
            if stripped == key:
                return number
            inside = stripped == "[tool.editions]" or stripped.startswith("[tool.editions.")
            if key == "release" and stripped == "[tool.editions.release]":
                return number
        elif inside and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return None


def release_policy(table: object, path: Path, name: str) -> ReleasePolicy | None:
    """A release policy table such as `{missing = "refuse", stale = "allow"}`; None when empty."""
    if not table:
        return None
    problem = f'{name} takes missing = "refuse" or "allow", and stale = "refuse" or "allow"'
    if not isinstance(table, dict) or set(table) - set(_RELEASE_KEYS):
        raise ConfigError(problem, SourceLocation(path))
    if any(table.get(key, "refuse") not in _RELEASE_VALUES for key in _RELEASE_KEYS):
        raise ConfigError(problem, SourceLocation(path))
    return ReleasePolicy(**{key: table.get(key, "refuse") for key in _RELEASE_KEYS})


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's content; a syntax error becomes a located ConfigError."""
    try:
        return tomllib.loads(read_source(path))
    except FileNotFoundError:
        raise ConfigError("file not found", SourceLocation(path)) from None
    except SourceError as error:  # not UTF-8
        raise ConfigError(error.message, error.location) from None
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"at line (\d+)", str(error))
        raise ConfigError(
            f"invalid TOML: {error}", SourceLocation(path, int(line.group(1)) if line else None)
        ) from None


@dataclass(frozen=True)
class ReportSettings:
    """What report.toml says, validated: language-independent metadata of one report."""

    source_language: str
    translations: tuple[str, ...]
    date: dt.date
    publisher: str
    authors: tuple[str, ...]
    partners: tuple[str, ...]
    licence: str
    bibliography: Path | None
    csl: Path | None
    cover: Cover
    identifiers: dict[str, dict[Format, str]]
    release: ReleasePolicy | None = None


def load_report_settings(path: Path) -> tuple[ReportSettings | None, list[ConfigError]]:
    """Validate report.toml; every problem is collected, so the author sees them all at once."""
    try:
        data = read_toml(path)
    except ConfigError as error:
        return None, [error]
    text = read_source(path)
    checker = _Checker(path, text)
    for key in sorted(set(data) - _REPORT_KEYS):
        guess = difflib.get_close_matches(key, sorted(_REPORT_KEYS), n=1)
        hint = (
            f"did you mean '{guess[0]}'?" if guess else f"the settings are: {', '.join(sorted(_REPORT_KEYS))}"
        )
        checker.fail(key, f"unknown setting '{key}'; {hint}")
    source = checker.language(data, "source_language")
    translations = checker.languages(data, "translations", exclude=source)
    settings = ReportSettings(
        source_language=source or "",
        translations=translations,
        date=checker.date(data, "date"),
        publisher=checker.text(data, "publisher"),
        authors=checker.texts(data, "authors", required=True),
        partners=checker.texts(data, "partners", required=False),
        licence=checker.text(data, "licence"),
        bibliography=checker.file(data, "bibliography", default="references.bib"),
        csl=checker.file(data, "csl", default=None),
        cover=checker.cover(data),
        identifiers=checker.identifiers(data, [source or "", *translations]),
        release=checker.release(data),
    )
    return (None if checker.errors else settings), checker.errors


class _Checker:
    """Reads typed values out of report.toml, recording a located error for each bad one."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.lines, self.errors = path, text.splitlines(), []

    def fail(self, key: str, message: str, table: str = "") -> None:
        """Record `message` at the line of `key` (inside `[table]` when given)."""
        line = self._line_in(table, key) if table else self._line(key)
        self.errors.append(ConfigError(message, SourceLocation(self.path, line)))

    def _line_in(self, table: str, key: str) -> int | None:
        """The line of `key = …` in table `[table]`, else of the table's header, else of `table`'s root."""
        header = next((n for n, line in enumerate(self.lines, 1) if line.strip() == f"[{table}]"), None)
        if header is None:
            return self._line(table.split(".")[0])
        for number, line in enumerate(self.lines[header:], header + 1):
            if line.strip().startswith("["):
                break
            if re.match(rf"\s*{re.escape(key)}\s*=", line):
                return number
        return header

    def _line(self, key: str) -> int | None:
        pattern = re.compile(rf"^\s*(\[+\s*)?{re.escape(key)}\s*(=|\]|\.)")
        return next((n for n, line in enumerate(self.lines, 1) if pattern.match(line)), None)

    def text(self, data: dict, key: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"'{key}' is required and must be a non-empty text, e.g. {key} = \"…\"")
            return ""
        return self._plain(key, value.strip())

    def _plain(self, key: str, value: str) -> str:
        problem = markup_problem(value)
        if problem:
            self.fail(key, f"'{key}' {problem}")
        return value

    def texts(self, data: dict, key: str, required: bool) -> tuple[str, ...]:
        value = data.get(key, None if required else [])
        if (
            not isinstance(value, list)
            or not all(isinstance(v, str) and v.strip() for v in value)
            or (required and not value)
        ):
            self.fail(key, f"'{key}' must be a list of names, e.g. {key} = [\"Protection International\"]")
            return ()
        return tuple(self._plain(key, v.strip()) for v in value)

    def date(self, data: dict, key: str) -> dt.date:
        value = data.get(key)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        self.fail(key, f"'{key}' must be a date without quotes, e.g. {key} = 2018-05-24")
        return dt.date(1970, 1, 1)

    def language(self, data: dict, key: str) -> str | None:
        try:
            return parse_language(data.get(key)).tag
        except ValueError as error:
            self.fail(key, f"'{key}': {error}")
            return None

    def languages(self, data: dict, key: str, exclude: str | None) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.fail(key, f'\'{key}\' must be a list of language tags, e.g. {key} = ["en", "es"]')
            return ()
        tags = []
        for tag in value:
            try:
                tags.append(parse_language(tag).tag)
            except ValueError as error:
                self.fail(key, f"'{key}': {error}")
        if exclude in tags or len(set(tags)) != len(tags):
            self.fail(key, f"'{key}' repeats a language or the source language")
        return tuple(dict.fromkeys(t for t in tags if t != exclude))

    def file(self, data: dict, key: str, default: str | None) -> Path | None:
        name = data.get(key, default)
        if name is None:
            return None
        path = (self.path.parent / str(name)).resolve()
        if not path.is_relative_to(self.path.parent.resolve()) or not path.is_file():
            if key in data:
                self.fail(key, f"'{key}': {name} is not a file in the report's folder")
            return None
        return path

    def cover_images(self, table: dict) -> dict:
        """[cover] logo, partner_logos, photo and photo_credit: image files of the report's folder."""
        found: dict = {"partner_logos": ()}
        for key in ("logo", "photo"):
            if key in table:
                found[key] = self._cover_image(table[key], key)
        logos = table.get("partner_logos", [])
        if isinstance(logos, list):
            found["partner_logos"] = tuple(
                p for p in (self._cover_image(v, "partner_logos") for v in logos) if p
            )
        else:
            self.fail(
                "partner_logos", '[cover] partner_logos is a list of files, e.g. ["images/partner.svg"]'
            )
        if "photo_credit" in table:
            credit = table["photo_credit"]
            found["photo_credit"] = self._plain("photo_credit", credit) if isinstance(credit, str) else ""
        return found

    def _cover_image(self, value: object, key: str) -> Path | None:
        folder = self.path.parent.resolve()
        path = (folder / value).resolve() if isinstance(value, str) else None
        if path is None or not path.is_relative_to(folder) or not path.is_file():
            self.fail(key, f"[cover] {key}: {value!r} is not a file of the report's folder", table="cover")
        elif path.suffix.lower() not in (".svg", ".png", ".jpg", ".jpeg"):
            self.fail(key, f"[cover] {key}: {value!r} must be an SVG, PNG or JPEG image", table="cover")
        else:
            return path
        return None

    def cover(self, data: dict) -> Cover:
        table = data.get("cover")
        colours, valid = {}, True
        for part in ("background", "text", "accent"):
            value = table.get(part) if isinstance(table, dict) else None
            if not isinstance(value, str) or not _COLOUR.match(value):
                self.fail("cover", f'[cover] needs {part} = "#rrggbb"')
                value, valid = "#000000", False
            colours[part] = value
        cover = Cover(**colours, **self.cover_images(table if isinstance(table, dict) else {}))
        ratio = contrast(cover.background, cover.text)
        if valid and ratio < 4.5:
            self.fail(
                "cover",
                f"[cover] text {cover.text} on {cover.background} is hard to read "
                f"(contrast {ratio:.1f}:1, needs 4.5:1)",
            )
        return cover

    def release(self, data: dict) -> ReleasePolicy | None:
        try:
            return release_policy(data.get("release"), self.path, "[release]")
        except ConfigError as error:
            self.fail("release", error.message)
            return None

    def identifiers(self, data: dict, languages: list[str]) -> dict[str, dict[Format, str]]:
        table = data.get("identifiers", {})
        result: dict[str, dict[Format, str]] = {}
        for tag in filter(None, languages):
            entry = table.get(tag) if isinstance(table, dict) else None
            result[tag] = {}
            for fmt in (Format.PDF, Format.EPUB):
                value = entry.get(fmt.value) if isinstance(entry, dict) else None
                problem = identifier_problem(value)
                if problem:
                    self.fail(fmt.value, f"[identifiers.{tag}] {fmt.value}: {problem}", f"identifiers.{tag}")
                else:
                    result[tag][fmt] = value
        return result


def identifier_problem(value: object) -> str | None:
    """Why `value` is not a usable publication identifier (urn:isbn: with a valid check digit, urn:uuid:)."""
    if not isinstance(value, str):
        return 'missing; write e.g. pdf = "urn:isbn:9782930539014" or a urn:uuid:'
    if value.startswith("urn:uuid:") and re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", value):
        return None
    digits = value.removeprefix("urn:isbn:").replace("-", "")
    if not value.startswith("urn:isbn:") or not re.fullmatch(r"97[89]\d{10}", digits):
        return f"'{value}' is neither urn:isbn: with 13 digits nor urn:uuid:"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12])) % 10) % 10
    return None if int(digits[12]) == check else f"'{value}' has a wrong ISBN check digit (expected {check})"


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
