"""`build.py i18n …`: where each translation stands, accepting a translation, and the label catalogs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TextIO

from editions.errors import ConfigError, ErrorGroup
from editions.i18n import catalogs, parse_language
from editions.i18n.history import History
from editions.i18n.tracking import STATES, SectionState, accepted, write_record
from editions.model import Report, Site, Translation
from editions.sources.config import load_site
from editions.sources.discover import discover_reports, load_report
from editions.sources.sections import FRONT_MATTER, Section, read_sections


def add_commands(
    commands: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Add `i18n` and its subcommands to the command line; `common` adds the options every command has."""
    hidden = argparse.ArgumentParser(add_help=False)
    common(hidden)
    i18n = commands.add_parser(
        "i18n",
        help="translations: status, accept; label catalogs: extract, update, compile, add",
        description="Which sections of each translation are behind their source, and the catalogs of "
        "the labels around every edition (locales/).",
    )
    sub = i18n.add_subparsers(title="i18n commands", metavar="COMMAND", required=True)
    status = sub.add_parser(
        "status", parents=[hidden], help="labels per language; sections current/stale/missing/orphaned"
    )
    status.add_argument("reports", nargs="*", metavar="REPORT", help="only these reports (default: all)")
    status.set_defaults(run=_status)
    accept = sub.add_parser(
        "accept", parents=[hidden], help="record that a translation is up to date with its source"
    )
    accept.add_argument("report", metavar="REPORT")
    accept.add_argument("language", metavar="LANG")
    accept.add_argument(
        "--section",
        action="append",
        default=[],
        metavar="ID",
        help="only this section (repeatable; the front matter is @front-matter); default: every section",
    )
    accept.set_defaults(run=_accept)
    sub.add_parser(
        "extract", parents=[hidden], help="collect the labels of templates and code into messages.pot"
    ).set_defaults(run=_extract)
    sub.add_parser(
        "update", parents=[hidden], help="bring every catalog in line with messages.pot"
    ).set_defaults(run=_update)
    sub.add_parser(
        "compile", parents=[hidden], help="check that every catalog compiles (builds compile them in memory)"
    ).set_defaults(run=_compile)
    add = sub.add_parser("add", parents=[hidden], help="start the catalog of a new language")
    add.add_argument("language", metavar="LANG", help="BCP 47 tag, e.g. pt-BR")
    add.set_defaults(run=_add)


def _site(options: argparse.Namespace) -> Site:
    return load_site(options.root.resolve())


def _status(options: argparse.Namespace) -> int:
    site, out = _site(options), sys.stdout
    _print_labels(site, out)
    reports, errors = discover_reports(site.reports_dir)
    known = {report.slug for report in reports}
    unknown = [slug for slug in options.reports if slug not in known]
    if unknown:
        raise ConfigError(
            f"no such report: {', '.join(unknown)}; the reports are: {', '.join(sorted(known))}"
        )
    history = History(site.root)
    for report in reports:
        if not options.reports or report.slug in options.reports:
            _print_report(report, site, history, out)
    for error in errors:
        print(error.render(site.root), file=sys.stderr)
    return 1 if errors else 0


def _print_labels(site: Site, out: TextIO) -> None:
    print("Labels (locales/):", file=out)
    for status in catalogs.statuses(site.locales_dir):
        share = 100 * status.translated // status.total if status.total else 100
        print(
            f"  {status.locale:<6} {status.translated} of {status.total} translated ({share} %) · "
            f"{status.fuzzy} fuzzy · {len(status.untranslated)} untranslated",
            file=out,
        )
        if status.untranslated:
            print(f"         untranslated: {', '.join(repr(m) for m in status.untranslated)}", file=out)
    if not (site.root / "babel.cfg").is_file():
        return
    _, changed = catalogs.extract(site.root, site.locales_dir, write=False)
    if changed:
        print(
            "  messages.pot is behind the templates and code: run `i18n extract`, then `i18n update`",
            file=out,
        )


def _print_report(report: Report, site: Site, history: History, out: TextIO) -> None:
    source = report.source
    sections = len(read_sections(source.files))
    print(
        f"\n{report.slug}: source {source.language.tag} ({source.language.name}), {sections} sections",
        file=out,
    )
    for translation in report.translations[1:]:
        status = translation.status
        counts = " · ".join(f"{state} {status.count(state)}" for state in STATES)
        print(f"  {translation.language.tag:<6} {counts}", file=out)
        if not status.record.exists():
            print(
                f"         no record yet ({status.record.name}): every section counts as stale until "
                f"`i18n accept {report.slug} {translation.language.tag}` records the reviewed translation",
                file=out,
            )
        for state in status.sections:
            if state.state != "current" and (status.record.exists() or state.state != "stale"):
                _print_section(state, report, translation, site, history, out)


def _print_section(
    state: SectionState, report: Report, translation: Translation, site: Site, history: History, out: TextIO
) -> None:
    def where(section: Section) -> str:
        return str(section.location.relative(site.root))

    name = "front matter" if state.id == FRONT_MATTER else state.id
    if state.state == "missing":
        print(
            f"         missing   {name}  {where(state.source)} (the editions show the source text)", file=out
        )
        return
    if state.state == "orphaned":
        print(
            f"         orphaned  {name}  {where(state.translation)} (the source has no such section)",
            file=out,
        )
        return
    print(f"         stale     {name}  {where(state.source)} → {where(state.translation)}", file=out)
    if not state.recorded:
        print(
            "             never accepted: once reviewed, run "
            f"`i18n accept {report.slug} {translation.language.tag} --section {state.id}`",
            file=out,
        )
        return
    change = history.change(report.source.files, state.source, state.recorded)
    if change is None:
        print(
            f"             the source changed: translated from version {state.recorded}, "
            f"now {state.source.fingerprint} (not found in git history)",
            file=out,
        )
        return
    changes = [*change.commits, *(["uncommitted changes"] if change.uncommitted else [])]
    print(f"             the source changed since the translation: {'; '.join(changes)}", file=out)
    for line in change.diff:
        print(f"               {line}", file=out)


def _accept(options: argparse.Namespace) -> int:
    site, out = _site(options), sys.stdout
    report, errors = load_report(site.reports_dir / options.report)
    if report is None:
        raise ErrorGroup(errors or [ConfigError(f"no such report: {options.report}")])
    translation = report.translation(options.language)
    if translation is None or translation.status is None:
        raise ConfigError(
            f"{options.language} is not a translation of {report.slug}: its translations are "
            + ", ".join(t.language.tag for t in report.translations[1:])
        )
    status = translation.status
    record = accepted(status, tuple(options.section))
    order = [state.id for state in status.sections if state.source is not None]
    write_record(status.record, status.source_language, record, order)
    done = len(options.section) or sum(1 for s in status.sections if s.source and s.translation)
    print(
        f"{report.slug}/{translation.language.tag}: {done} sections recorded as translated from the current "
        f"{status.source_language} source → {status.record.relative_to(site.root)}",
        file=out,
    )
    return 0


def _extract(options: argparse.Namespace) -> int:
    site = _site(options)
    catalog, changed = catalogs.extract(site.root, site.locales_dir)
    labels = sum(1 for message in catalog if message.id)
    state = "written" if changed else "unchanged"
    print(f"{labels} labels → {catalogs.template_path(site.locales_dir).relative_to(site.root)} ({state})")
    return 0


def _update(options: argparse.Namespace) -> int:
    site = _site(options)
    changed = catalogs.update(site.locales_dir)
    for path in changed:
        print(f"updated {path.relative_to(site.root)}")
    if not changed:
        print("every catalog already matches messages.pot")
    return 0


def _compile(options: argparse.Namespace) -> int:
    site = _site(options)
    for path in catalogs.compile_catalogs(site.locales_dir):
        print(f"compiled {path.relative_to(site.root)}: no errors (builds compile catalogs in memory)")
    return 0


def _add(options: argparse.Namespace) -> int:
    site = _site(options)
    try:
        language = parse_language(options.language)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    path = catalogs.add(site.locales_dir, language)
    print(f"started {path.relative_to(site.root)}: translate its labels, then build")
    return 0
