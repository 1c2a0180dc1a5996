"""Settings as a declared schema: what each key holds, whether it is required, and every problem at its line.

One mechanism for every file an author fills in: the site's `[tool.editions]`, each `report.toml` and the
front matter of a language's first file (`fonts.toml` can be declared the same way). A `Table` lists its
`Field`s and sub-tables; `check` walks the data once and returns every problem at once, each located at
the line of its key (or of its table's header when the key is missing), with "did you mean" for a key
nobody declared. Meaning that spans several keys (a contrast of two colours, files that must exist) is
checked by the caller, which can use `Source.locate` to put its own errors at the right line.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from editions.errors import ConfigError, SourceLocation

Keys = tuple[str, ...]
Check = Callable[[Any], "str | None"]  # what is wrong with a value of the right type, or None


@dataclass(frozen=True)
class Kind:
    """A type of value, as authors read it in a message ("a text in quotes")."""

    described: str
    accepts: Callable[[Any], bool]


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


TEXT = Kind("a text in quotes", _text)
TEXTS = Kind("a list of texts in quotes", lambda v: isinstance(v, list) and all(_text(item) for item in v))
DATE = Kind("a date without quotes", lambda v: isinstance(v, dt.date))
BOOLEAN = Kind("true or false", lambda v: isinstance(v, bool))
INTEGER = Kind("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool))


@dataclass(frozen=True)
class Field:
    """One key: its kind, what it means, how to write it, whether it must be there, and its own check."""

    kind: Kind
    meaning: str
    example: str
    required: bool = False
    default: Any = None
    check: Check | None = None
    non_empty: bool = False  # for lists: at least one item


@dataclass(frozen=True)
class Table:
    """A table of declared keys; with `each`, a table whose keys are free names (e.g. language tags),
    each holding a table of `fields`."""

    fields: Mapping[str, Field | Table]
    meaning: str = ""
    required: bool = False
    each: bool = False


@dataclass(frozen=True)
class Source:
    """Where data was read from, to name keys as the author wrote them and find their lines.

    `prefix` is where the checked table sits in the file (("tool", "editions") in pyproject.toml);
    `syntax` is "toml" or "yaml" (a front matter block whose first line is `first_line`).
    """

    path: Path
    lines: tuple[str, ...]
    prefix: Keys = ()
    syntax: str = "toml"
    first_line: int = 1
    noun: str = "setting"
    lines_by_key: Mapping[Keys, int] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        index = _toml_lines(self.lines) if self.syntax == "toml" else _yaml_lines(self.lines, self.first_line)
        object.__setattr__(self, "lines_by_key", index)

    def name(self, keys: Keys) -> str:
        """A key as the author reads it: `'date'`, `[cover] accent`, `[tool.editions] output`, `'title'`."""
        if self.syntax == "yaml":
            return f"'{'.'.join(keys)}'"
        table, key = (*self.prefix, *keys[:-1]), keys[-1] if keys else ""
        return f"[{'.'.join(table)}] {key}".strip() if table else f"'{key}'"

    def locate(self, keys: Keys) -> SourceLocation:
        """The line of `keys`, else of the nearest table around it that is written, else the file."""
        full = (*self.prefix, *keys)
        for length in range(len(full), 0, -1):
            if full[:length] in self.lines_by_key:
                return SourceLocation(self.path, self.lines_by_key[full[:length]])
        return SourceLocation(self.path, self.first_line if self.syntax == "yaml" else None)

    def error(self, keys: Keys, message: str) -> ConfigError:
        """`message` about `keys`, at its line."""
        return ConfigError(message, self.locate(keys))


def check(data: Mapping[str, Any], table: Table, source: Source) -> list[ConfigError]:
    """Every problem of `data` against `table`: unknown keys, missing ones, wrong types, bad values."""
    return [source.error(keys, message) for keys, message in _problems(data, table, (), source)]


def values(data: Mapping[str, Any], table: Table) -> dict[str, Any]:
    """The top-level values of `data` with each missing optional field's default."""
    found = {}
    for key, spec in table.fields.items():
        default = spec.default if isinstance(spec, Field) else {}
        found[key] = default if data.get(key) is None else data[key]
    return found


def _problems(data: Mapping[str, Any], table: Table, at: Keys, source: Source) -> list[tuple[Keys, str]]:
    if table.each:
        found = []
        for name, value in data.items():
            inner = Table(table.fields)
            found += (
                _problems(value, inner, (*at, name), source)
                if isinstance(value, dict)
                else [((*at, name), f"{source.name((*at, name))} must be a table ({table.meaning})")]
            )
        return found
    found = [((*at, key), _unknown(key, table, at, source)) for key in data if key not in table.fields]
    for key, spec in table.fields.items():
        keys = (*at, key)
        if data.get(key) is None:  # absent, or a YAML key written without a value
            if spec.required:
                example = f"; e.g. {spec.example}" if isinstance(spec, Field) else ""
                where = keys if key in data else at
                found.append((where, f"{source.name(keys)} is required ({spec.meaning}){example}"))
        elif isinstance(spec, Table):
            if isinstance(data[key], dict):
                found += _problems(data[key], spec, keys, source)
            else:
                found.append((keys, f"{source.name(keys)} must be a table ({spec.meaning})"))
        else:
            found += [(keys, problem) for problem in _field_problems(data[key], spec, keys, source)]
    return found


def _field_problems(value: Any, spec: Field, keys: Keys, source: Source) -> list[str]:
    name = source.name(keys)
    if not spec.kind.accepts(value) or (spec.non_empty and not value):
        return [f"{name} must be {spec.kind.described} ({spec.meaning}); e.g. {spec.example}"]
    items = value if isinstance(value, list) else [value]
    problems = [problem for item in items if spec.check and (problem := spec.check(item))]
    return [f"{name}: {problem}" for problem in dict.fromkeys(problems)]


def _unknown(key: str, table: Table, at: Keys, source: Source) -> str:
    guess = difflib.get_close_matches(str(key), list(table.fields), n=1)
    hint = (
        f"did you mean '{guess[0]}'?" if guess else f"the {source.noun}s here are: {', '.join(table.fields)}"
    )
    return f"unknown {source.noun} {source.name((*at, str(key)))}: {hint}"


_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*="""
)
_PART = re.compile(r"""\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*(?:\.|$)""")


def _dotted(text: str) -> Keys:
    return tuple(part.strip("\"'") for part in _PART.findall(text))


def _toml_lines(lines: tuple[str, ...]) -> dict[Keys, int]:
    """The first line of every table header and key of a TOML file, by its full dotted path."""
    index: dict[Keys, int] = {}
    table: Keys = ()
    for number, line in enumerate(lines, 1):
        header = _HEADER.match(line)
        if header:
            table = _dotted(header.group(1))
            index.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            index.setdefault((*table, *_dotted(key.group(1))), number)
    return index


def _yaml_lines(lines: tuple[str, ...], first_line: int) -> dict[Keys, int]:
    """The line of each top-level key of a front matter block."""
    index: dict[Keys, int] = {}
    for number, line in enumerate(lines, first_line):
        key = re.match(r"^([^\s#:][^:]*):(\s|$)", line)
        if key:
            index.setdefault((key.group(1).strip().strip("\"'"),), number)
    return index
