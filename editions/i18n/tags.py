"""Language tags canonicalised with CLDR's likely subtags, and the tags under which to look for a resource."""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError, localedata
from babel.core import get_global


def lookup_tags(tag: str) -> tuple[str, ...]:
    """The tags under which to look for a resource of language `tag`, most specific first.

    `zh-TW` → zh-TW, zh-Hant-TW, zh-Hant (never `zh`, which is written in Simplified characters);
    `zh` → zh, zh-Hans-CN, zh-Hans, zh-CN; `pt-BR` → pt-BR, pt. The likely script and region come from
    CLDR (Babel's likely subtags), so a resource named for the script (`zh-Hant`) serves every region
    written in it.
    """
    try:
        locale = Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        return (tag,)
    likely = _likely(locale)
    script = locale.script or likely.script
    region = locale.territory or likely.territory
    candidates = [tag, f"{locale.language}-{script}-{region}", f"{locale.language}-{script}"]
    if locale.territory:
        candidates.append(f"{locale.language}-{locale.territory}")
    if _likely(Locale(locale.language)).script == script:  # never Simplified for Traditional Chinese
        candidates.append(locale.language)
    candidates.append(f"{locale.language}-{region}")
    return tuple(dict.fromkeys(c for c in candidates if "None" not in c))


def _likely(locale: Locale) -> Locale:
    """The locale with CLDR's likely script and region filled in: `zh-TW` → zh_Hant_TW."""
    subtags = get_global("likely_subtags")
    for key in (str(locale), f"{locale.language}_{locale.script}" if locale.script else "", locale.language):
        if key and key in subtags:
            likely = Locale.parse(subtags[key])
            return Locale(
                locale.language,
                territory=locale.territory or likely.territory,
                script=locale.script or likely.script,
            )
    return locale


def with_script(locale: Locale) -> Locale:
    """`zh` → `zh_Hans`: a language that Babel knows in several scripts names the one its tag implies.

    Languages written in one script keep their plain identifier (`fr`, not `fr_Latn`).
    """
    if locale.script:
        return locale
    script = _likely(locale).script
    if script and f"{locale.language}_{script}" in _known_locales():
        return Locale(locale.language, territory=locale.territory, script=script)
    return locale


@functools.cache
def _known_locales() -> frozenset[str]:
    return frozenset(localedata.locale_identifiers())


@functools.cache  # a pure function of the tag and CLDR's data, asked for every stack of every page
def lang_selectors(tag: str) -> tuple[str, ...]:
    """CSS selectors for the elements whose language a resource named `tag` serves.

    `zh` → `[lang|="zh"]`. A tag that names a script also serves the tags CLDR writes in that script:
    `zh-Hans` → `[lang|="zh-Hans"]`, `[lang="zh"]`, `[lang|="zh-CN"]`, `[lang|="zh-SG"]`…, so that a
    stack named for Simplified Chinese draws an edition whose author wrote `zh`.
    """
    selectors = [f'[lang|="{tag}"]']
    try:
        locale = Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        return tuple(selectors)
    if not locale.script or locale.territory:
        return tuple(selectors)
    selectors.append(f'[lang|="{locale.language}-{_likely(locale).territory}"]')
    for key, likely in sorted(get_global("likely_subtags").items()):
        parts = key.split("_")
        if parts[0] != locale.language or len(parts) > 2 or (len(parts) == 2 and len(parts[1]) == 4):
            continue  # another language, or a tag with a script of its own (matched by its own name)
        if locale.script in likely.split("_")[1:]:
            written = key.replace("_", "-")
            selectors.append(f'[lang|="{written}"]' if len(parts) == 2 else f'[lang="{written}"]')
    return tuple(selectors)
