"""Scan reports/ into Report objects: report.toml, each language's sources and their front matter."""

from __future__ import annotations

import re
import traceback
from dataclasses import replace
from pathlib import Path

import yaml

from editions.errors import (
    ConfigError,
    EditionsError,
    ErrorGroup,
    InternalError,
    SourceError,
    SourceLocation,
    flatten,
)
from editions.i18n import parse_language
from editions.i18n.tracking import compare, read_record, record_path
from editions.model import Report, Translation
from editions.sources.confidential import find_confidential
from editions.sources.plaintext import markup_problem
from editions.sources.report_settings import ReportSettings, load_report_settings
from editions.sources.schema import TEXT, TEXTS, Field, Source, Table, check, values
from editions.sources.sections import Section, read_sections
from editions.sources.tables import table_problems
from editions.sources.text import read_source

_CHAPTER_FILE = re.compile(r"^\d{2}-[\w.-]+\.md$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def discover_reports(reports_dir: Path) -> tuple[list[Report], list[EditionsError]]:
    """Every report under `reports_dir` that loads cleanly, and the errors of those that do not."""
    reports, errors = [], []
    if not reports_dir.is_dir():
        return [], [ConfigError("the reports folder does not exist", SourceLocation(reports_dir))]
    for folder in sorted(p for p in reports_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            report, problems = load_report(folder)
        except Exception as error:  # a bug in editions: this report fails alone, the others still load
            report, problems = None, [_bug(folder, error)]
        errors += problems
        if report is not None:
            reports.append(report)
    return reports, errors


def _bug(folder: Path, error: Exception) -> InternalError:
    """Our own failure while loading `folder`: one line to show, with the trace kept for a log file."""
    summary = f"{type(error).__name__}: {error}".splitlines()[0][:200]
    return InternalError(
        f"{summary} (while loading this report)", traceback.format_exc(), SourceLocation(folder)
    )


def load_report(folder: Path) -> tuple[Report | None, list[EditionsError]]:
    """One report folder as a Report, or every problem found in it."""
    toml = folder / "report.toml"
    if not _SLUG.match(folder.name):
        return None, [
            ConfigError(
                f"'{folder.name}' is not a usable report name: use lowercase letters, digits "
                "and hyphens, e.g. la-lucha",
                SourceLocation(folder),
            )
        ]
    if not toml.is_file():
        return None, [
            ConfigError(
                "this report has no report.toml: copy one from another report and edit it",
                SourceLocation(toml),
            )
        ]
    settings, errors = load_report_settings(toml)
    if settings is None:
        return None, list(errors)
    # A translation that cannot be read is refused alone: the source and the other languages still
    # build. Only a source that cannot be read stops the report.
    translations, problems = [], []
    for tag in (settings.source_language, *settings.translations):
        try:
            translation = load_translation(folder, tag, settings)
            sections = read_sections(translation.files)
        except EditionsError as error:
            problems += flatten(error)
            if tag == settings.source_language:
                return None, problems
            continue
        translations.append((translation, sections))
    translations, refused = _with_status(folder, translations)
    problems += refused
    report = Report(
        slug=folder.name,
        root=folder,
        date=settings.date,
        publisher=settings.publisher,
        authors=settings.authors,
        licence=settings.licence,
        cover=settings.cover,
        translations=tuple(translations),
        identifiers=settings.identifiers,
        partners=settings.partners,
        bibliography=settings.bibliography,
        csl=settings.csl,
        release=settings.release,
        languages=(settings.source_language, *settings.translations),
        publication=settings.publication,
    )
    return report, problems


def load_translation(folder: Path, tag: str, settings: ReportSettings) -> Translation:
    """The sources of language `tag` and the metadata in their front matter."""
    files = source_files(folder, tag)
    meta, _ = read_front_matter(files[0])
    problems = [error for path in files for error in table_problems(path, read_source(path))]
    if problems:
        raise ErrorGroup(problems)
    for later in files[1:]:
        if read_source(later).startswith("---"):
            raise SourceError(
                "front matter belongs only in the first file of a language; move it there",
                SourceLocation(later, 1),
            )
    meta = values(meta, FRONT_MATTER)
    return Translation(
        language=parse_language(tag),
        files=files,
        title=meta["title"],
        subtitle=meta["subtitle"],
        abstract=meta["abstract"],
        translators=tuple(meta["translators"]),
        keywords=tuple(meta["keywords"]),
        confidential=tuple(c for path in files for c in find_confidential(path, read_source(path))),
    )


def source_files(folder: Path, tag: str) -> tuple[Path, ...]:
    """`<tag>.md`, or the chapter files `<tag>/NN-*.md` in name order."""
    single, chapters = folder / f"{tag}.md", folder / tag
    if single.is_dir():
        raise SourceError("this is a folder, not a text file: rename or remove it", SourceLocation(single))
    if single.is_file() and chapters.is_dir():
        raise SourceError(f"both {tag}.md and {tag}/ exist: keep one of them", SourceLocation(single))
    if single.is_file():
        return (single,)
    if chapters.is_dir():
        # Hidden files are an editor's, not chapters: Emacs keeps a lock `.#01-introduction.md` beside
        # a file being edited, and a preview must not fail while the author types.
        names = sorted(p.name for p in chapters.iterdir() if p.suffix == ".md" and not p.name.startswith("."))
        wrong = [n for n in names if not _CHAPTER_FILE.match(n)]
        if wrong:
            raise SourceError(
                "chapter files are named NN-name.md (e.g. 01-introduction.md) to set their "
                f"order: rename {', '.join(wrong)}",
                SourceLocation(chapters / wrong[0]),
            )
        if names:
            return tuple(chapters / n for n in names)
    raise SourceError(
        f"no sources for language '{tag}': write {tag}.md or chapter files "
        f"{tag}/01-….md, or remove '{tag}' from report.toml",
        SourceLocation(folder / "report.toml"),
    )


def _with_status(
    folder: Path, loaded: list[tuple[Translation, list[Section]]]
) -> tuple[list[Translation], list[EditionsError]]:
    """The translations, each compared section by section with the source (the first one); those whose
    translation record cannot be read are refused, with their errors."""
    (source, source_sections), *others = loaded
    result, problems = [source], []
    for translation, own in others:
        path = record_path(folder, translation.language.tag)
        try:
            status = compare(source_sections, own, read_record(path), source.language.tag, path)
        except EditionsError as error:
            problems += flatten(error)
            continue
        result.append(replace(translation, status=status))
    return result, problems


def read_front_matter(path: Path) -> tuple[dict, int]:
    """The YAML block at the top of `path`, validated, and the number of lines it spans."""
    lines = read_source(path).splitlines()
    if not lines or lines[0].strip() != "---":
        raise SourceError(
            "the first file of a language starts with front matter: a '---' line, then "
            "title: and abstract:, then '---'",
            SourceLocation(path, 1),
        )
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), None)
    if end is None:
        raise SourceError("the front matter has no closing '---' line", SourceLocation(path, 1))
    try:
        block = "\n".join(lines[1:end])
        meta = yaml.load(block, Loader=_UniqueKeys) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        if mark is not None and mark.index >= len(block) and getattr(error, "context_mark", None):
            mark = error.context_mark  # "unexpected end": the quote or bracket left open is the place
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error)
        raise SourceError(
            f"invalid YAML in the front matter: {problem}", SourceLocation(path, line)
        ) from None
    if not isinstance(meta, dict):
        raise SourceError("the front matter must be a list of `key: value` lines", SourceLocation(path, 2))
    _check_front_matter(meta, path, lines[:end])
    return meta, end + 1


def _plain(value: str) -> str | None:
    return markup_problem(value)


# The front matter of a language's first file. The abstract is Markdown, converted by pandoc like the
# body; the other keys are plain text.
FRONT_MATTER = Table(
    {
        "title": Field(
            TEXT, "the report's title in this language", 'title: "A title"', required=True, check=_plain
        ),
        "subtitle": Field(TEXT, "its subtitle", 'subtitle: "A subtitle"', default="", check=_plain),
        "abstract": Field(TEXT, "a short summary, in Markdown", "abstract: |", required=True),
        "translators": Field(
            TEXTS, "who translated it", "translators: [A name, Another name]", default=[], check=_plain
        ),
        "keywords": Field(
            TEXTS, "words to find it by", "keywords: [protection, defenders]", default=[], check=_plain
        ),
    }
)


def _check_front_matter(meta: dict, path: Path, lines: list[str]) -> None:
    source = Source(path, tuple(lines), syntax="yaml", noun="front matter key")
    errors = check(meta, FRONT_MATTER, source)
    if errors:
        raise ErrorGroup(errors)


class _UniqueKeys(yaml.SafeLoader):
    """YAML's safe loader, except that a key written twice is an error: the second would silently win."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        """A mapping whose keys are all different."""
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key '{key}' is written twice: keep one", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)
