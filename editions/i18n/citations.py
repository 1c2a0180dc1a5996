"""Which terms pandoc's citation processor (citeproc) uses for a language: its own CSL locale, the
nearest one, or English.

citeproc knows the CSL locales below (those of the pinned pandoc; `tests/test_languages.py` checks the
list against the real pandoc, so a pandoc upgrade that changes it fails the tests). Given any other
language, citeproc silently uses American English, and given a bare `hi` or `zh-Hant` it does not find
`hi-IN` or `zh-TW`: we name the locale ourselves, walking from the author's tag through its likely script
and region (CLDR) to the language alone, so Traditional Chinese gets Traditional terms and a language
without a locale is a warning that names it, never a failed edition.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale

from editions.i18n.tags import lookup_tags

CSL_LOCALES = frozenset(
    """
    af-ZA ar bg-BG ca-AD cs-CZ cy-GB da-DK de-AT de-CH de-DE el-GR en-GB en-US es-CL es-ES es-MX et-EE eu
    fa-IR fi-FI fr-CA fr-FR gl-ES he-IL hi-IN hr-HR hu-HU id-ID is-IS it-IT ja-JP km-KH ko-KR la lij-IT
    lt-LT lv-LV mn-MN ms-MY nb-NO nl-NL nn-NO pl-PL pt-BR pt-PT ro-RO ru-RU sk-SK sl-SI sr-Cyrl-RS
    sr-Latn-RS sr-RS sv-SE th-TH tr-TR uk-UA vi-VN zh-CN zh-TW
    """.split()  # noqa: SIM905 (a list of words reads best as words)
)
_ENGLISH = "en-US"


@dataclass(frozen=True)
class CitationLocale:
    """The CSL locale to give pandoc for a language, and whether it is another language's."""

    tag: str  # what pandoc is given as `lang`: "zh-TW", "hi-IN", "en-US"
    fallback: bool  # True when the terms are not the language's own (English, or another region's)

    @property
    def name(self) -> str:
        """The locale's language in English: "English", "Spanish"."""
        return Locale.parse(self.tag, sep="-").get_language_name("en") or self.tag


def citation_locale(tag: str) -> CitationLocale:
    """The nearest CSL locale citeproc has for language `tag`: `zh-Hant` → zh-TW, `sw` → en-US."""
    candidates = lookup_tags(tag)
    for candidate in candidates:
        if candidate in CSL_LOCALES:
            return CitationLocale(candidate, fallback=False)
    language = candidates[-1].split("-")[0]
    # Another region's terms (es-AR → es-ES) are nearer than English: the language's likely region first.
    # (zh-HK → zh-Hant → zh-TW), then any region.
    nearer = (nearer for candidate in candidates for nearer in lookup_tags(candidate))
    for known in (*nearer, *sorted(CSL_LOCALES)):
        if known in CSL_LOCALES and known.split("-")[0] == language:
            return CitationLocale(known, fallback=True)
    if language == "en":
        return CitationLocale(_ENGLISH, fallback=False)
    return CitationLocale(_ENGLISH, fallback=True)
