"""The label catalogs, the Babel way: extract → update → compile from the command line, and fallbacks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from conftest import REPO, ROOTS, command, copy_project, run, write_photo
from lxml import html as lxml_html

NEW_LABEL = "Printed on recycled paper"
# The labels the repository's templates and code use, as the last `i18n extract` wrote them.
with (REPO / "locales" / "messages.pot").open("rb") as _pot:
    LABELS = len([message for message in read_po(_pot) if message.id])


def _project(tmp_path: Path) -> Path:
    """The sample report with the engine's babel.cfg and code, so that extraction sees every label."""
    root = copy_project(ROOTS / "basic", tmp_path / "project")
    shutil.copy(REPO / "babel.cfg", root / "babel.cfg")
    shutil.copytree(REPO / "editions", root / "editions", ignore=shutil.ignore_patterns("__pycache__"))
    write_photo(root / "reports" / "sample" / "images" / "photo.jpg")
    return root


def _translate(po: Path, msgid: str, text: str, fuzzy: bool = False) -> None:
    with po.open("rb") as source:
        catalog = read_po(source)
    message = catalog[msgid]
    message.string = text
    if fuzzy:
        message.flags.add("fuzzy")
    else:
        message.flags.discard("fuzzy")
    with po.open("wb") as target:
        write_po(target, catalog, width=110, no_location=True, sort_output=True)


def test_catalogs_template_matches_the_code_and_templates(tmp_path: Path) -> None:
    root = _project(tmp_path)
    result = command(root, "i18n", "extract")
    assert result.code == 0, result.output
    assert "(unchanged)" in result.output
    assert (root / "locales" / "messages.pot").read_bytes() == (
        REPO / "locales" / "messages.pot"
    ).read_bytes()
    assert "every catalog already matches messages.pot" in command(root, "i18n", "update").output


@pytest.mark.validators
def test_catalogs_round_trip_from_a_new_label_to_its_translation(tmp_path: Path) -> None:
    root = _project(tmp_path)
    imprint = root / "templates" / "shared" / "imprint.html"
    imprint.write_text(
        imprint.read_text(encoding="utf-8").replace("</dl>", f'</dl>\n<p>{{{{ _("{NEW_LABEL}") }}}}</p>'),
        encoding="utf-8",
    )
    extracted = command(root, "i18n", "extract")
    assert f"{LABELS + 1} labels → locales/messages.pot (written)" in extracted.output, extracted.output
    updated = command(root, "i18n", "update")
    assert "updated locales/fr/LC_MESSAGES/messages.po" in updated.output
    status = command(root, "i18n", "status")
    share = f"{LABELS} of {LABELS + 1} translated ({LABELS * 100 // (LABELS + 1)} %)"
    assert f"  fr     {share} · 0 fuzzy · 1 untranslated" in status.output, status.output
    assert f"untranslated: '{NEW_LABEL}'" in status.output

    build = run(root, "--format", "html", "--lang", "fr")
    assert build.code == 0, build.output
    warnings = [line for line in build.output.splitlines() if "warning:" in line]
    assert warnings == [
        "locales/fr/LC_MESSAGES/messages.po: warning: 1 labels are not translated into 'fr' and show in "
        f"English: '{NEW_LABEL}'; translate them there (`python3 build.py i18n status` lists every catalog) "
        "[labels.untranslated]"
    ]
    strict = run(root, "--format", "html", "--lang", "fr", "--force", "--strict")
    assert strict.code == 1 and "FAILED: 1 warnings, and --strict makes them errors" in strict.output
    assert NEW_LABEL in _page_text(root)

    po = root / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    _translate(po, NEW_LABEL, "Imprimé sur papier recyclé", fuzzy=True)
    assert "1 fuzzy · 1 untranslated" in command(root, "i18n", "status").output
    run(root, "--format", "html", "--lang", "fr")
    assert NEW_LABEL in _page_text(root)  # a fuzzy guess is never published

    _translate(po, NEW_LABEL, "Imprimé sur papier recyclé")
    assert "compiled locales/fr/LC_MESSAGES/messages.po: no errors" in command(root, "i18n", "compile").output
    assert not list((root / "locales").rglob("*.mo"))  # catalogs are compiled in memory, never in locales/
    assert (
        f"  fr     {LABELS + 1} of {LABELS + 1} translated (100 %)" in command(root, "i18n", "status").output
    )
    rebuilt = run(root, "--format", "html", "--lang", "fr")
    assert "warning:" not in rebuilt.output
    assert "Imprimé sur papier recyclé" in _page_text(root)


@pytest.mark.validators
def test_catalogs_add_starts_a_new_language(tmp_path: Path) -> None:
    root = _project(tmp_path)
    result = command(root, "i18n", "add", "pt-BR")
    assert result.code == 0, result.output
    po = root / "locales" / "pt_BR" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as source:
        catalog = read_po(source)
    assert str(catalog.locale) == "pt_BR" and len([m for m in catalog if m.id]) == LABELS
    assert f"  pt_BR  0 of {LABELS} translated (0 %)" in command(root, "i18n", "status").output
    again = command(root, "i18n", "add", "pt-BR")
    assert again.code == 2 and "already has a catalog" in again.output


def _page_text(root: Path) -> str:
    return lxml_html.parse(str(root / "output" / "sample" / "fr" / "index.html")).getroot().text_content()
