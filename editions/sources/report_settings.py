"""report.toml: the language-independent metadata of one report, declared as a schema and checked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from editions.errors import ConfigError, SourceError
from editions.model import (
    CONTRIBUTOR_ROLES,
    PUBLICATION_KINDS,
    Cover,
    Format,
    Publication,
    ReleasePolicy,
)
from editions.sources.checks import (
    COLOUR,
    CONTACT,
    RELEASE,
    choice,
    colour_problem,
    language_problem,
    plain,
    read_toml,
    release_policy,
)
from editions.sources.imprint import contributor_problem, default_identifier, identifier_problem, publication
from editions.sources.plaintext import markup_problem
from editions.sources.schema import (
    BOOLEAN,
    DATE,
    TEXT,
    TEXTS,
    Field,
    Kind,
    Source,
    Table,
    check,
    values,
)
from editions.sources.text import read_source

# report.toml: the language-independent metadata of one report. Another branch adds keys for briefs and
# the imprint here; what several keys mean together is checked in load_report_settings.
REPORT_SETTINGS = Table(
    {
        "source_language": Field(
            TEXT,
            "the language the report is written in",
            'source_language = "en"',
            required=True,
            check=language_problem,
        ),
        "translations": Field(
            TEXTS,
            "the languages it is translated into",
            'translations = ["fr", "es"]',
            default=[],
            check=language_problem,
        ),
        "date": Field(DATE, "the publication date", "date = 2018-05-24", required=True),
        "publisher": Field(
            TEXT,
            "who publishes it",
            'publisher = "Protection International"',
            required=True,
            check=plain,
        ),
        "authors": Field(
            TEXTS,
            "who wrote it",
            'authors = ["Protection International"]',
            required=True,
            check=plain,
            non_empty=True,
        ),
        "partners": Field(
            TEXTS, "partner organisations", 'partners = ["A partner"]', default=[], check=plain
        ),
        "licence": Field(TEXT, "the licence", 'licence = "CC BY-NC-SA 4.0"', required=True, check=plain),
        "bibliography": Field(
            TEXT,
            "the BibTeX file, in the report's folder",
            'bibliography = "references.bib"',
            default="references.bib",
        ),
        "csl": Field(TEXT, "a citation style file, in the report's folder", 'csl = "chicago.csl"'),
        "cover": Table(
            {
                **{
                    part: Field(
                        TEXT,
                        f"the cover's {part} colour",
                        f'{part} = "#22415e"',
                        required=True,
                        check=colour_problem,
                    )
                    for part in ("background", "text", "accent")
                },
                "logo": Field(TEXT, "the publisher's logo, SVG, PNG or JPEG", 'logo = "images/logo.svg"'),
                "partner_logos": Field(
                    TEXTS, "the partners' logos", 'partner_logos = ["images/partner.svg"]', default=[]
                ),
                "photo": Field(TEXT, "a cover photograph", 'photo = "images/cover.jpg"'),
                "photo_credit": Field(
                    TEXT, "who took the photograph", 'photo_credit = "…"', default="", check=plain
                ),
            },
            meaning="the cover's colours and images",
            required=True,
        ),
        "identifiers": Table(
            {
                fmt: Field(
                    TEXT,
                    f"the {fmt.upper()} edition's ISBN or UUID",
                    f'{fmt} = "urn:isbn:9795000000037"',
                    check=lambda v: identifier_problem(v),
                )
                for fmt in ("pdf", "epub")
            },
            meaning="[identifiers.<language>] with pdf and epub; without it, a urn:uuid is derived",
            each=True,
        ),
        "release": RELEASE,
        "kind": Field(
            TEXT,
            "what is published: a full report, or a short publication without a contents page",
            'kind = "brief"',
            default="report",
            check=choice(*PUBLICATION_KINDS),
        ),
        "document_number": Field(
            TEXT,
            "the publisher's document number",
            'document_number = "PI-2018-01"',
            default="",
            check=plain,
        ),
        "isbn_assigned": Field(
            BOOLEAN,
            "whether the ISBNs under [identifiers] were assigned by the ISBN agency",
            "isbn_assigned = true",
            default=False,
        ),
        "funders": Field(TEXTS, "who funded it", 'funders = ["A foundation"]', default=[], check=plain),
        "acknowledgements": Field(
            Kind(
                "a table of a text per language",
                lambda v: isinstance(v, dict) and all(isinstance(t, str) and t.strip() for t in v.values()),
            ),
            "thanks, in each language",
            '[acknowledgements] en = "We thank …"',
            default={},
            check=lambda v: next(filter(None, map(markup_problem, v.values())), None),
        ),
        "contributors": Field(
            Kind("a list of [[contributors]] tables", lambda v: isinstance(v, list)),
            "who translated, revised, edited, designed or photographed, by role",
            f'[[contributors]] name = "…", role = one of {", ".join(CONTRIBUTOR_ROLES)}, languages = ["fr"]',
            default=[],
            check=lambda v: next(filter(None, map(contributor_problem, v)), None),
        ),
        "contact": CONTACT,
    }
)


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
    publication: Publication = field(default_factory=Publication)


def load_report_settings(path: Path) -> tuple[ReportSettings | None, list[ConfigError]]:
    """Validate report.toml; every problem is collected, so the author sees them all at once."""
    try:
        data = read_toml(path)
    except ConfigError as error:
        return None, [error]
    source = Source(path, tuple(read_source(path).splitlines()))
    errors = check(data, REPORT_SETTINGS, source)
    value = values(data, REPORT_SETTINGS)
    # What several keys mean together, checked wherever the schema found those keys well-formed, so that
    # every problem still shows at once.
    tags = _list(value["translations"])
    languages = [
        tag for tag in (value["source_language"], *tags) if isinstance(tag, str) and not language_problem(tag)
    ]
    errors += _language_problems(value["source_language"], tags, source)
    written = value["identifiers"] if isinstance(value["identifiers"], dict) else {}
    isbns = [
        (tag, fmt)
        for tag, table in written.items()
        if isinstance(table, dict)
        for fmt, v in table.items()
        if isinstance(v, str) and v.startswith("urn:isbn:")
    ]
    if isbns and value["isbn_assigned"] is not True:
        tag, fmt = isbns[0]
        errors.append(
            source.error(
                ("identifiers", tag, fmt),
                "an ISBN is given but isbn_assigned is not true: an ISBN that was not assigned may belong to "
                "another book; remove it (a urn:uuid is derived) or set isbn_assigned = true once it is "
                "assigned",
            )
        )
    colours = value["cover"] if isinstance(value["cover"], dict) else {}
    if all(
        isinstance(colours.get(part), str) and COLOUR.match(colours[part]) for part in ("background", "text")
    ):
        ratio = contrast(colours["background"], colours["text"])
        if ratio < 4.5:
            message = (
                f"[cover] text {colours['text']} on {colours['background']} is hard to read "
                f"(contrast {ratio:.1f}:1, needs 4.5:1)"
            )
            errors.append(source.error(("cover", "text"), message))
    files = {
        key: _report_file(path.parent, key, data.get(key), value[key], source, errors)
        for key in ("bibliography", "csl")
        if value[key] is None or isinstance(value[key], str)
    }
    images = _cover_images(path.parent, colours, source, errors)
    partners = _list(value["partners"])
    logos = len(images.get("partner_logos", ()))
    if logos > len(partners):
        # Each logo is named by its partner, in the same order: that name is what a screen reader says.
        errors.append(
            source.error(
                ("cover", "partner_logos"),
                f"[cover] partner_logos: more logos ({logos}) than partners ({len(partners)}); "
                "give one logo per partner, in the order of 'partners', and name every partner there",
            )
        )
    if errors:
        return None, errors
    cover = Cover(
        **{part: colours[part] for part in ("background", "text", "accent")},
        logo=images.get("logo"),
        partner_logos=tuple(images.get("partner_logos", ())),
        photo=images.get("photo"),
        photo_credit=colours.get("photo_credit", "").strip(),
    )
    identifiers = {
        tag: {
            fmt: written.get(tag, {}).get(fmt.value) or default_identifier(path.parent.name, tag, fmt)
            for fmt in (Format.PDF, Format.EPUB)
        }
        for tag in languages
    }
    return ReportSettings(
        source_language=value["source_language"],
        translations=tuple(value["translations"]),
        date=value["date"].date() if isinstance(value["date"], dt.datetime) else value["date"],
        publisher=value["publisher"].strip(),
        authors=tuple(name.strip() for name in value["authors"]),
        partners=tuple(name.strip() for name in value["partners"]),
        licence=value["licence"].strip(),
        bibliography=files["bibliography"],
        csl=files["csl"],
        cover=cover,
        identifiers=identifiers,
        release=release_policy(value["release"]),
        publication=publication(value),
    ), []


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _language_problems(source_language: object, tags: list, source: Source) -> list[ConfigError]:
    if source_language in tags or len(set(map(str, tags))) != len(tags):
        return [source.error(("translations",), "'translations' repeats a language or the source language")]
    return []


def _cover_images(folder: Path, cover: dict, source: Source, errors: list) -> dict[str, Any]:
    """[cover] logo, partner_logos and photo: SVG, PNG or JPEG files of the report's folder."""
    found: dict[str, Any] = {}
    for key in ("logo", "photo", "partner_logos"):
        written = cover.get(key)
        names = written if isinstance(written, list) else [written] if isinstance(written, str) else []
        paths = []
        for name in names:
            path = (folder / name).resolve()
            if not path.is_relative_to(folder.resolve()) or not path.is_file():
                errors.append(
                    source.error(
                        ("cover", key), f"[cover] {key}: {name!r} is not a file of the report's folder"
                    )
                )
            elif path.suffix.lower() not in (".svg", ".png", ".jpg", ".jpeg"):
                errors.append(
                    source.error(("cover", key), f"[cover] {key}: {name!r} must be an SVG, PNG or JPEG image")
                )
            else:
                paths.append(path)
        found[key] = tuple(paths) if key == "partner_logos" else (paths[0] if paths else None)
    return found


def _report_file(
    folder: Path, key: str, written: object, name: str | None, source: Source, errors: list
) -> Path | None:
    """A file named in report.toml: inside the report's folder and readable as UTF-8 text."""
    if name is None:
        return None
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        if written is not None:
            errors.append(source.error((key,), f"'{key}': {name} is not a file in the report's folder"))
        return None
    try:
        read_source(path)
    except SourceError as error:
        errors.append(ConfigError(error.message, error.location))
    return path


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
