"""The site's settings: [tool.editions] in pyproject.toml, declared as a schema and checked."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from editions.errors import ConfigError, ErrorGroup, SourceLocation
from editions.model import (
    ReleasePolicy,
    Site,
)
from editions.sources.checks import (
    CONTACT,
    RELEASE,
    language_problem,
    plain,
    read_toml,
    release_policy,
)
from editions.sources.schema import (
    TEXT,
    Field,
    Source,
    Table,
    check,
    values,
)
from editions.sources.text import read_source


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


# [tool.editions] in pyproject.toml.
SITE_SETTINGS = Table(
    {
        "name": Field(
            TEXT,
            "the site's name, shown on the page that lists every report",
            'name = "PI publications"',
            required=True,
            check=plain,
        ),
        "publisher": Field(
            TEXT,
            "who publishes",
            'publisher = "Protection International"',
            required=True,
            check=plain,
        ),
        "reports": Field(
            TEXT,
            "the folder of the reports, relative to pyproject.toml",
            'reports = "reports"',
            default="reports",
        ),
        "templates": Field(
            TEXT, "the folder of the templates", 'templates = "templates"', default="templates"
        ),
        "locales": Field(TEXT, "the folder of the label catalogs", 'locales = "locales"', default="locales"),
        "output": Field(TEXT, "where editions are published", 'output = "output"', default="output"),
        "language": Field(
            TEXT,
            "the language of the pages that list every language",
            'language = "en"',
            default="en",
            check=language_problem,
        ),
        "base_url": Field(
            TEXT,
            "where the site is published, for canonical and sharing links",
            'base_url = "https://publications.example.org/"',
            default="",
            check=lambda v: (
                None
                if re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", v)
                else f"must be an http(s) address such as https://example.org/, not {v!r}"
            ),
        ),
        "release": RELEASE,
        # What every report's back cover says of the publisher, unless its report.toml's [contact] says
        # otherwise: the address, web site and e-mail are the publisher's, not one report's.
        "contact": replace(CONTACT, meaning="the publisher's contact details, for every report's back cover"),
    }
)


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
    source = Source(path, tuple(read_source(path).splitlines()), prefix=("tool", "editions"))
    errors = check(settings, SITE_SETTINGS, source)
    if errors:
        raise ErrorGroup(errors)
    value = values(settings, SITE_SETTINGS)
    return Site(
        root=root,
        reports_dir=root / value["reports"],
        templates_dir=root / value["templates"],
        locales_dir=root / value["locales"],
        output_dir=_output_dir(root / value["output"], output, audience),
        name=value["name"],
        publisher=value["publisher"],
        language=value["language"],
        base_url=value["base_url"].rstrip("/") + "/" if value["base_url"] else "",
        release=release_policy(value["release"]) or ReleasePolicy(),
        audience=audience,
        contact=tuple(sorted((key, text.strip()) for key, text in (value["contact"] or {}).items())),
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
