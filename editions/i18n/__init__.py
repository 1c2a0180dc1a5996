"""Languages through Babel: language data, the compiled catalog of a language, dates, lists, sizes.

A language tag is kept as the author wrote it (it names the files and the output folder), and is
canonicalised with CLDR's likely subtags wherever a resource is looked up: `zh` is Chinese in its likely
script, `zh-Hans`; every lookup (catalogs, citation terms, fonts) walks from the most specific form of the
tag to the language alone, and a language with no resource falls back to English with one warning.
"""

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

from editions.i18n.catalogs import DOMAIN, catalog_for, compiled
from editions.i18n.tags import with_script
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
        locale=str(with_script(locale)),
        name=locale.get_display_name(locale) or tag,
        direction=locale.text_direction,
    )


def load_translations(locales_dir: Path, language: Language) -> Translations:
    """The compiled catalog of `language`, or of its nearest language (`pt-BR` → `pt`); with none,
    empty translations, so that every label shows in English (the build warns once, see
    `catalogs.fallback_warnings`)."""
    po = catalog_for(locales_dir, language.locale)
    if po is None:
        return Translations(domain=DOMAIN)
    return Translations(io.BytesIO(compiled(po, po.parent.parent.name, po.stat().st_mtime_ns)), domain=DOMAIN)


def canonical_tag(language: Language) -> str:
    """The BCP 47 tag of a language with the script CLDR implies where it has several: `zh` → `zh-Hans`."""
    return language.locale.replace("_", "-")


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
