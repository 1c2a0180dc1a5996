"""Languages and catalogs: Babel's data, complete catalogs, localized numbers and dates."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.messages.pofile import read_po
from conftest import REPO

from editions.i18n import file_size, language_name_in, long_date, parse_language


def test_i18n_language_data_comes_from_babel() -> None:
    thai = parse_language("th")
    assert (thai.name, thai.direction) == ("ไทย", "ltr")
    arabic = parse_language("ar")
    assert arabic.direction == "rtl"
    assert parse_language("pt-BR").locale == "pt_BR"
    assert language_name_in(parse_language("en"), parse_language("es")) == "inglés"


@pytest.mark.parametrize("tag", ["xx", "fr_FR", "", "english"])
def test_i18n_unknown_languages_are_refused(tag: str) -> None:
    with pytest.raises(ValueError):
        parse_language(tag)


def test_i18n_sizes_and_dates_follow_the_language() -> None:
    assert file_size(1_234_567, parse_language("fr")) == "1,2\u202fMo"
    assert file_size(345_678, parse_language("en")) == "346 kB"
    assert long_date(dt.date(2018, 5, 22), parse_language("es")) == "22 de mayo de 2018"


@pytest.mark.parametrize("tag", ["en", "fr", "es", "th"])
def test_i18n_catalogs_translate_every_label(tag: str) -> None:
    template = read_po((REPO / "locales" / "messages.pot").open("rb"))
    with (REPO / "locales" / tag / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale=tag)
    ids = {message.id for message in template if message.id}
    translated = {
        m.id
        for m in catalog
        if m.id and m.string and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else True)
    }
    assert ids <= translated, ids - translated
