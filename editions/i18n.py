"""Languages and catalogs through Babel: language data, .po → .mo compilation, dates, numbers, sizes."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations
from babel.units import format_unit

from editions.errors import ConfigError, ErrorGroup, SourceLocation
from editions.model import Language

DOMAIN = "messages"


def parse_language(tag: str) -> Language:
    """The Language for a BCP 47 tag; ValueError when Babel does not know it."""
    if not isinstance(tag, str) or not tag or "_" in tag:
        raise ValueError(f"'{tag}' is not a BCP 47 language tag (write e.g. 'fr' or 'pt-BR')")
    try:
        locale = Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"'{tag}' is not a language Babel knows (write e.g. 'fr' or 'pt-BR')") from None
    return Language(
        tag=tag,
        locale=str(locale),
        name=locale.get_display_name(locale) or tag,
        direction=locale.text_direction,
    )


def catalog_path(locales_dir: Path, language: Language) -> Path:
    """The .po file with the fixed labels of `language`."""
    return locales_dir / language.locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalogs(locales_dir: Path) -> None:
    """Compile each locales/<lang>/LC_MESSAGES/messages.po whose .mo is missing or older; fuzzy is skipped."""
    errors = []
    for po in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
            continue
        try:
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name, abort_invalid=True)
        except PoFileError as error:
            errors.append(
                ConfigError(
                    f"cannot read this catalog: {error}", SourceLocation(po, getattr(error, "lineno", None))
                )
            )
            continue
        # Written beside and renamed, so a parallel build never reads half a file.
        with tempfile.NamedTemporaryFile(dir=mo.parent, delete=False, suffix=".tmp") as target:
            write_mo(target, catalog, use_fuzzy=False)
        os.replace(target.name, mo)
    if errors:
        raise ErrorGroup(errors)


def load_translations(locales_dir: Path, language: Language) -> Translations:
    """The compiled catalog of `language`; an error naming the file when the language has none."""
    po = catalog_path(locales_dir, language)
    if not po.exists():
        raise ConfigError(
            f"no catalog for '{language.tag}': create {po.relative_to(locales_dir.parent)} "
            f"with `pybabel init -i locales/messages.pot -d locales -l {language.locale}`",
            SourceLocation(po),
        )
    return Translations.load(str(locales_dir), [language.locale], DOMAIN)


def long_date(date: dt.date, language: Language) -> str:
    """A date as the language writes it in full: "24 mai 2018"."""
    return format_date(date, format="long", locale=language.locale)


def file_size(size: int, language: Language) -> str:
    """A file size as the language writes it, in SI units: "1.2 MB" in English, "1,2 Mo" in French."""
    units = (("digital-megabyte", 10**6, "#,##0.#"), ("digital-kilobyte", 10**3, "#,##0"))
    for unit, scale, pattern in units:
        if size >= scale:
            return format_unit(size / scale, unit, length="short", format=pattern, locale=language.locale)
    return format_unit(size, "digital-byte", length="short", locale=language.locale)


def language_name_in(language: Language, reader: Language) -> str:
    """`language`'s name as readers of `reader` write it: French is "francés" in Spanish."""
    return Locale.parse(language.locale).get_display_name(reader.locale) or language.tag
