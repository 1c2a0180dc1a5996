"""Languages through Babel: language data, the compiled catalog of a language, dates, lists, sizes."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.lists import format_list
from babel.support import Translations
from babel.units import format_unit

from editions.errors import ConfigError, SourceLocation
from editions.i18n.catalogs import DOMAIN, catalog_path, compiled
from editions.model import Language


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


def load_translations(locales_dir: Path, language: Language) -> Translations:
    """The compiled catalog of `language`; an error naming the file when the language has none."""
    po = catalog_path(locales_dir, language.locale)
    if not po.exists():
        raise ConfigError(
            f"no catalog for '{language.tag}': create {po.relative_to(locales_dir.parent)} "
            f"with `python3 build.py i18n add {language.tag}`",
            SourceLocation(po),
        )
    return Translations(io.BytesIO(compiled(po, language.locale, po.stat().st_mtime_ns)), domain=DOMAIN)


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


def list_of(items: Sequence[str], language: Language) -> str:
    """Items joined as the language lists them: "A, B et C" in French, "A، B وC" in Arabic."""
    return format_list(list(items), locale=language.locale) if items else ""


def language_name_in(language: Language, reader: Language) -> str:
    """`language`'s name as readers of `reader` write it: French is "francés" in Spanish."""
    return Locale.parse(language.locale).get_display_name(reader.locale) or language.tag
