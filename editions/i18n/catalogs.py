"""The catalogs of the labels around every edition ("Contents", "Notes"…), kept with Babel's catalog API.

`babel.cfg` says what to extract (the engine's Python and every template) into `locales/messages.pot`;
each language has `locales/<locale>/LC_MESSAGES/messages.po`, compiled in memory at build time. Fuzzy
entries are never used: a guessed translation is worse than an English label.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po

from editions.errors import ConfigError, ErrorGroup, SourceLocation
from editions.i18n.citations import citation_locale
from editions.i18n.tags import lookup_tags
from editions.model import Language
from editions.storage import write_atomic

DOMAIN = "messages"
PROJECT = ("editions", "0.1")
COPYRIGHT = "Protection International"
_WIDTH = 110  # as the committed catalogs are wrapped, so rewriting one changes only what changed


@dataclass(frozen=True)
class CatalogStatus:
    """How complete one language's catalog is, against the template."""

    locale: str
    path: Path
    translated: int
    fuzzy: int
    untranslated: tuple[str, ...]  # msgids with no usable translation, in the template's order

    @property
    def total(self) -> int:
        """How many labels the template has."""
        return self.translated + len(self.untranslated)


def template_path(locales_dir: Path) -> Path:
    """locales/messages.pot."""
    return locales_dir / f"{DOMAIN}.pot"


def catalog_path(locales_dir: Path, locale: str) -> Path:
    """The .po file of a Babel locale identifier such as "fr" or "pt_BR"."""
    return locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_for(locales_dir: Path, locale: str) -> Path | None:
    """The catalog that serves Babel locale `locale`: its own, else its nearest language's (`pt_BR` →
    `pt`, `zh_Hant_TW` → `zh_Hant`), else None (labels then show in English)."""
    for tag in lookup_tags(locale.replace("_", "-")):
        path = catalog_path(locales_dir, tag.replace("-", "_"))
        if path.is_file():
            return path
    return None


def catalog_locales(locales_dir: Path) -> list[str]:
    """Every language that has a catalog, by Babel locale identifier."""
    return sorted(path.parent.parent.name for path in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def extract(root: Path, locales_dir: Path, write: bool = True) -> tuple[Catalog, bool]:
    """Extract every label named in babel.cfg into messages.pot; return it and whether the labels changed.

    The file is rewritten only when the labels changed, so its creation date does not churn; with
    `write=False` nothing is written (to tell whether messages.pot is behind).
    """
    if not (root / "babel.cfg").is_file():
        raise ConfigError(
            "no babel.cfg: it names the files whose labels go into the catalogs",
            SourceLocation(root / "babel.cfg"),
        )
    with (root / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config, "babel.cfg")
    previous = _read(template_path(locales_dir)) if template_path(locales_dir).exists() else None
    catalog = Catalog(
        project=PROJECT[0],
        version=PROJECT[1],
        copyright_holder=COPYRIGHT,
        creation_date=previous.creation_date if previous else None,
        charset="utf-8",
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        root, method_map, options_map, comment_tags=("Translators:",), strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    if previous is not None and _labels(previous) == _labels(catalog):
        return previous, False
    if previous is not None:
        catalog = _recreated(catalog)  # a new creation date: the labels changed now
    if write:
        _write(template_path(locales_dir), catalog)
    return catalog, True


def update(locales_dir: Path) -> list[Path]:
    """Bring every catalog in line with messages.pot (new labels empty, removed ones dropped); return
    the files that changed."""
    template = _read(template_path(locales_dir))
    changed = []
    for locale in catalog_locales(locales_dir):
        path = catalog_path(locales_dir, locale)
        catalog = _read(path, locale)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        catalog.obsolete.clear()
        if _write(path, catalog):
            changed.append(path)
    return changed


def add(locales_dir: Path, language: Language) -> Path:
    """Start the catalog of a new language from messages.pot."""
    path = catalog_path(locales_dir, language.locale)
    if path.exists():
        raise ConfigError(
            f"'{language.tag}' already has a catalog; `i18n update` brings it up to date",
            SourceLocation(path),
        )
    template = _read(template_path(locales_dir))
    catalog = Catalog(
        locale=language.locale,
        project=PROJECT[0],
        version=PROJECT[1],
        copyright_holder=COPYRIGHT,
        creation_date=template.creation_date,
        language_team=COPYRIGHT,
        fuzzy=False,
        charset="utf-8",
    )
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(path, catalog)
    return path


def compile_catalogs(locales_dir: Path) -> list[Path]:
    """Compile every catalog, in memory, to check it; fuzzy entries are left out. Returns the catalogs.

    Nothing is written: builds compile what they need themselves (see `compiled`), so locales/ holds
    only sources.
    """
    errors, checked = [], []
    for locale in catalog_locales(locales_dir):
        po = catalog_path(locales_dir, locale)
        try:
            compiled(po, locale, po.stat().st_mtime_ns)
        except ConfigError as error:
            errors.append(error)
            continue
        checked.append(po)
    if errors:
        raise ErrorGroup(errors)
    return checked


@functools.lru_cache(maxsize=64)
def compiled(po: Path, locale: str, version: int) -> bytes:
    """The .mo bytes of catalog `po`, without fuzzy entries; cached per process while `version` (the
    file's modification time) stays the same."""
    buffer = io.BytesIO()
    write_mo(buffer, _read(po, locale), use_fuzzy=False)
    return buffer.getvalue()


def statuses(locales_dir: Path) -> list[CatalogStatus]:
    """Translated, fuzzy and untranslated labels of every catalog, against messages.pot."""
    template = _read(template_path(locales_dir))
    return [catalog_status(locales_dir, locale, template) for locale in catalog_locales(locales_dir)]


def catalog_status(locales_dir: Path, locale: str, template: Catalog | None = None) -> CatalogStatus:
    """How complete the catalog of `locale` is."""
    template = template or _read(template_path(locales_dir))
    path = catalog_path(locales_dir, locale)
    catalog = _read(path, locale)
    translated, fuzzy, untranslated = 0, 0, []
    for message in template:
        if not message.id:
            continue
        mine = catalog.get(message.id, message.context)
        if mine is not None and mine.fuzzy and _complete(mine):
            fuzzy += 1
        if mine is None or mine.fuzzy or not _complete(mine):
            untranslated.append(message.id if isinstance(message.id, str) else message.id[0])
        else:
            translated += 1
    return CatalogStatus(locale, path, translated, fuzzy, tuple(untranslated))


def label_warnings(locales_dir: Path, root: Path, languages: set[Language]) -> list[str]:
    """One warning per language whose labels or citation terms fall back to another language, and one
    per language whose catalog lacks labels: they show in English in its editions."""
    warnings = [fallback_warning(locales_dir, root, language) for language in _by_tag(languages)]
    warnings = [warning for warning in warnings if warning]
    if not template_path(locales_dir).exists():
        return warnings
    for language in _by_tag(languages):
        path = catalog_for(locales_dir, language.locale)
        if language.locale.split("_")[0] == "en" or path is None:
            continue  # English needs no translation; a missing catalog is a fallback, warned above
        missing = catalog_status(locales_dir, path.parent.parent.name).untranslated
        if missing:
            warnings.append(
                f"{path.relative_to(root)}: warning: {len(missing)} labels are not translated into "
                f"'{language.tag}' and show in English: {', '.join(repr(m) for m in missing)}; "
                "translate them there (`python3 build.py i18n status` lists every catalog) "
                "[labels.untranslated]"
            )
    return warnings


def fallback_warning(locales_dir: Path, root: Path, language: Language) -> str:
    """What the editions of `language` borrow from another language, as one warning ("" for nothing).

    A language with no catalog of its own takes its nearest language's (`pt-BR` → `pt`) or shows its
    labels in English; one that pandoc's citation processor has no terms for ("and", "edited by",
    month names) takes its nearest CSL locale's or English ones. Neither stops an edition.
    """
    if language.locale.split("_")[0] == "en":
        return ""
    borrowed, hints = [], []
    own = catalog_path(locales_dir, language.locale)
    catalog = catalog_for(locales_dir, language.locale)
    if catalog is None:
        borrowed.append("its labels show in English (it has no catalog)")
        hints.append(f"start its catalog with `python3 build.py i18n add {language.tag}`")
    elif catalog != own and catalog.parent.parent.name != language.tag.replace("-", "_"):
        borrowed.append(f"its labels come from the catalog of '{catalog.parent.parent.name}'")
    citation = citation_locale(language.tag)
    if citation.fallback:
        borrowed.append(
            f"citations and the bibliography use the {citation.name} terms of the citation processor "
            f"(CSL locale {citation.tag}), which has none for it"
        )
    if not borrowed:
        return ""
    hint = f"; {hints[0]}" if hints else ""
    return (
        f"{own.relative_to(root) if own.is_relative_to(root) else own}: warning: editions in "
        f"'{language.tag}' ({language.name}) borrow from another language: {'; '.join(borrowed)}"
        f"{hint} [language.fallback]"
    )


def _by_tag(languages: set[Language]) -> list[Language]:
    return sorted(languages, key=lambda language: language.tag)


def _complete(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return bool(strings) and all(strings)


def _labels(catalog: Catalog) -> list[tuple[object, object]]:
    return sorted((repr(m.id), repr(m.context)) for m in catalog if m.id)


def _recreated(catalog: Catalog) -> Catalog:
    fresh = Catalog(project=PROJECT[0], version=PROJECT[1], copyright_holder=COPYRIGHT, charset="utf-8")
    for message in catalog:
        if message.id:
            fresh[message.id] = message
    return fresh


def _read(path: Path, locale: str | None = None) -> Catalog:
    if not path.exists():
        hint = "run `python3 build.py i18n extract`" if path.suffix == ".pot" else "see `i18n add`"
        raise ConfigError(f"no such catalog: {hint}", SourceLocation(path))
    try:
        with path.open("rb") as source:
            return read_po(source, locale=locale, abort_invalid=True)
    except PoFileError as error:
        raise ConfigError(
            f"cannot read this catalog: {error}", SourceLocation(path, getattr(error, "lineno", None))
        ) from None


def _write(path: Path, catalog: Catalog) -> bool:
    """Write a catalog as the committed files are written; return whether the file changed."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=_WIDTH, no_location=True, sort_output=True, ignore_obsolete=True)
    data = buffer.getvalue()
    if path.exists() and path.read_bytes() == data:
        return False
    write_atomic(path, data)
    return True
