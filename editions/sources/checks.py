"""Checks shared by the settings schemas of the site and of each report, and the reading of TOML files."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from editions.errors import ConfigError, SourceError, SourceLocation
from editions.i18n import parse_language
from editions.model import (
    ReleasePolicy,
)
from editions.sources.plaintext import markup_problem
from editions.sources.schema import (
    TEXT,
    Check,
    Field,
    Table,
    values,
)
from editions.sources.text import read_source

_RELEASE_VALUES = ("refuse", "allow")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


# The publisher's contact details: [contact] in report.toml, [tool.editions.contact] for every report.
CONTACT = Table(
    {
        "email": Field(
            TEXT,
            "an e-mail address",
            'email = "info@example.org"',
            check=lambda v: None if "@" in v else f"'{v}' is not an e-mail address",
        ),
        "web": Field(
            TEXT,
            "a web site",
            'web = "https://www.protectioninternational.org"',
            check=lambda v: None if v.startswith(("https://", "http://")) else "write it https://…",
        ),
        "address": Field(
            TEXT,
            "a postal address (lines separated by \\n)",
            'address = "Street 1\\n1000 City\\nCountry"',
            check=markup_problem,
        ),
    },
    meaning="the publisher's contact details",
)


def plain(value: str) -> str | None:
    """Why a text may not hold markup, or None."""
    return markup_problem(value)


def choice(*allowed: str) -> Check:
    """A check that accepts only `allowed`."""

    def problem(value: str) -> str | None:
        return None if value in allowed else f"'{value}' is none of: {', '.join(allowed)}"

    return problem


def language_problem(value: str) -> str | None:
    """Why `value` is not a language tag Babel knows, or None."""
    try:
        parse_language(value)
    except ValueError as error:
        return str(error)
    return None


def colour_problem(value: str) -> str | None:
    """Why `value` is not a #rrggbb colour, or None."""
    return None if COLOUR.match(value) else f"'{value}' is not a colour written \"#rrggbb\""


RELEASE = Table(
    {
        "missing": Field(
            TEXT,
            "refuse or allow a section not translated yet",
            'missing = "allow"',
            default="refuse",
            check=choice(*_RELEASE_VALUES),
        ),
        "stale": Field(
            TEXT,
            "refuse or allow a section whose source changed",
            'stale = "allow"',
            default="refuse",
            check=choice(*_RELEASE_VALUES),
        ),
    },
    meaning="what --release accepts: missing and stale, each refuse or allow",
)


def release_policy(table: dict) -> ReleasePolicy | None:
    """A checked release policy table such as `{missing = "refuse", stale = "allow"}`; None when empty."""
    return ReleasePolicy(**values(table, RELEASE)) if table else None


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
