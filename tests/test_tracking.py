"""Translation tracking on literal texts: section states, accepting, the record file, the release policy
and what git history says changed (editions/i18n/tracking.py, release.py, history.py)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from editions.errors import ConfigError, SourceLocation
from editions.i18n import parse_language
from editions.i18n.history import History
from editions.i18n.release import release_problem
from editions.i18n.tracking import (
    TranslationStatus,
    accepted,
    compare,
    read_record,
    record_path,
    write_record,
)
from editions.model import Cover, Format, Job, ReleasePolicy, Report, Site, Translation
from editions.sources.sections import FRONT_MATTER, Section, split_sections

ROOT = Path("/project")
EN = ROOT / "reports/r/en.md"
FR = ROOT / "reports/r/fr.md"
RECORD = ROOT / "reports/r/fr.translation.toml"
SOURCE = (
    "---\n"  # 1
    "title: Report\n"  # 2
    "---\n"  # 3
    "# A {#a}\n"  # 4
    "Alpha.\n"  # 5
    "## A1 {#a1}\n"  # 6
    "Alpha one.\n"  # 7
    "# B {#b}\n"  # 8
    "Beta.\n"  # 9
)
TRANSLATION = (
    "---\n"  # 1
    "title: Rapport\n"  # 2
    "---\n"  # 3
    "# A {#a}\n"  # 4
    "Alpha en français.\n"  # 5
    "# Ancienne {#old}\n"  # 6
    "Vieux.\n"  # 7
)


def _sections(path: Path, text: str) -> dict[str, Section]:
    return {section.id: section for section in split_sections([(path, text)])}


def _status(
    record: dict[str, str], source: str = SOURCE, translation: str = TRANSLATION
) -> TranslationStatus:
    return compare(
        tuple(_sections(EN, source).values()),
        tuple(_sections(FR, translation).values()),
        record,
        "en",
        RECORD,
    )


def _states(status: TranslationStatus) -> list[tuple[str, str]]:
    return [(state.id, state.state) for state in status.sections]


SRC = _sections(EN, SOURCE)


def test_tracking_a_translation_never_accepted_is_stale_missing_and_orphaned_in_source_order() -> None:
    status = _status({})
    assert _states(status) == [
        (FRONT_MATTER, "stale"),
        ("a", "stale"),
        ("a1", "missing"),
        ("b", "missing"),
        ("old", "orphaned"),  # after every section of the source
    ]
    assert (status.count("stale"), status.count("missing"), status.pending) == (2, 2, 4)
    assert status.ids("orphaned") == ("old",)
    old = status.sections[-1]
    assert old.source is None and old.translation.location == SourceLocation(FR, 6)
    missing = status.sections[2]
    assert missing.translation is None and missing.source.location == SourceLocation(EN, 6)


def test_tracking_sections_recorded_against_todays_source_are_current() -> None:
    record = {FRONT_MATTER: SRC[FRONT_MATTER].fingerprint, "a": SRC["a"].fingerprint}
    status = _status(record)
    assert _states(status)[:2] == [(FRONT_MATTER, "current"), ("a", "current")]
    assert status.pending == 2  # the two missing sections still await a translation
    assert status.sections[1].recorded == SRC["a"].fingerprint


def test_tracking_a_section_goes_stale_when_its_source_changes_and_only_that_one() -> None:
    record = {FRONT_MATTER: SRC[FRONT_MATTER].fingerprint, "a": SRC["a"].fingerprint}
    full = TRANSLATION + "## A1 {#a1}\nAlpha un.\n# B {#b}\nBêta.\n"
    record |= {"a1": SRC["a1"].fingerprint, "b": SRC["b"].fingerprint}
    assert _status(record, translation=full).count("current") == 4
    edited = SOURCE.replace("Alpha one.", "Alpha one, revised.")
    assert _states(_status(record, source=edited, translation=full)) == [
        (FRONT_MATTER, "current"),
        ("a", "current"),  # its subsection changed, not its own text
        ("a1", "stale"),
        ("b", "current"),
        ("old", "orphaned"),
    ]
    rewrapped = SOURCE.replace("Alpha one.", "Alpha\n\none.   ")
    assert _status(record, source=rewrapped, translation=full).count("stale") == 0


def test_tracking_accepting_everything_records_the_source_fingerprints_of_translated_sections() -> None:
    status = _status({"old": "0123456789abcdef"})
    record = accepted(status)
    assert record == {FRONT_MATTER: SRC[FRONT_MATTER].fingerprint, "a": SRC["a"].fingerprint}
    # Missing sections have nothing to accept and the orphan left the record; the rest is now current.
    assert [state for _, state in _states(_status(record))] == [
        "current",
        "current",
        "missing",
        "missing",
        "orphaned",
    ]


def test_tracking_accepting_one_section_keeps_what_the_others_recorded() -> None:
    status = _status({FRONT_MATTER: "0000000000000000"})
    assert accepted(status, ("a",)) == {FRONT_MATTER: "0000000000000000", "a": SRC["a"].fingerprint}


def test_tracking_accepting_a_missing_or_unknown_section_is_refused_at_the_record() -> None:
    status = _status({})
    with pytest.raises(ConfigError) as raised:
        accepted(status, ("b",))
    assert raised.value.location == SourceLocation(RECORD)
    assert raised.value.message.startswith("section 'b' is missing in this translation")
    with pytest.raises(ConfigError) as raised:
        accepted(status, ("old",))
    assert raised.value.message.startswith("section 'old' is orphaned in this translation")
    with pytest.raises(ConfigError) as raised:
        accepted(status, ("nope",))
    assert (
        raised.value.message == "no section 'nope' in this report; the sections are: @front-matter, a, a1, b"
    )


def test_tracking_fallbacks_are_missing_sections_whose_parent_is_translated() -> None:
    assert [state.id for state in _status({}).fallbacks] == ["a1", "b"]
    # Without chapter A, A1 comes with it: only the chapter is a fallback.
    only_b = "---\ntitle: Rapport\n---\n# B {#b}\nBêta.\n"
    assert [state.id for state in _status({}, translation=only_b).fallbacks] == ["a"]


def test_tracking_the_record_file_round_trips_in_the_source_order(tmp_path: Path) -> None:
    path = record_path(tmp_path, "fr")
    assert path == tmp_path / "fr.translation.toml"
    assert read_record(path) == {}  # never accepted
    write_record(path, "en", {"b": "2" * 16, FRONT_MATTER: "1" * 16, "gone": "3" * 16}, [FRONT_MATTER, "b"])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[lines.index("[sections]") - 2 :] == [
        'source = "en"',
        "",
        "[sections]",
        f'"@front-matter" = "{"1" * 16}"',
        f'"b" = "{"2" * 16}"',
    ]
    assert read_record(path) == {FRONT_MATTER: "1" * 16, "b": "2" * 16}


def test_tracking_a_record_that_does_not_map_ids_to_fingerprints_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "fr.translation.toml"
    path.write_text('source = "en"\n[sections]\na = 1\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        read_record(path)
    assert raised.value.location == SourceLocation(path)
    assert "i18n accept <report> <language>" in raised.value.message


def _job(
    status: TranslationStatus | None, report_policy: ReleasePolicy | None, site_policy: ReleasePolicy
) -> Job:
    site = Site(
        root=ROOT,
        reports_dir=ROOT / "reports",
        templates_dir=ROOT / "templates",
        locales_dir=ROOT / "locales",
        output_dir=ROOT / "output",
        name="Publications",
        publisher="Protection International",
        release=site_policy,
    )
    english = Translation(parse_language("en"), (EN,), "Report", "")
    french = Translation(parse_language("fr"), (FR,), "Rapport", "", status=status)
    report = Report(
        slug="r",
        root=ROOT / "reports/r",
        date=dt.date(2026, 1, 1),
        publisher="Protection International",
        authors=("Protection International",),
        licence="CC BY 4.0",
        cover=Cover("#22415e", "#ffffff", "#f2c14e"),
        translations=(english, french),
        release=report_policy,
    )
    translation = french if status is not None else english
    timestamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return Job(site, report, translation, (Format.HTML,), timestamp, "0" * 64)


def test_release_refuses_missing_and_stale_sections_naming_where_to_look() -> None:
    assert release_problem(_job(_status({}), None, ReleasePolicy())) == (
        "not released: the release policy refuses missing and stale sections, and this translation has 4:\n"
        "  missing section 'a1' (reports/r/en.md:6)\n"  # the source's place: there is no translation
        "  missing section 'b' (reports/r/en.md:8)\n"
        "  stale section '@front-matter' (reports/r/fr.md:1)\n"  # the translation's place: to update
        "  stale section 'a' (reports/r/fr.md:4)\n"
        "  update the translation, then `python3 build.py i18n accept r fr`; or build without --release "
        "for a preview"
    )


def test_release_the_reports_policy_overrides_the_sites() -> None:
    status = _status({})
    allow_stale = ReleasePolicy(stale="allow")
    refusal = release_problem(_job(status, allow_stale, ReleasePolicy()))
    assert refusal.startswith(
        "not released: the release policy refuses missing sections, and this translation has 2:"
    )
    assert "stale section" not in refusal
    assert release_problem(_job(status, None, ReleasePolicy("allow", "allow"))) == ""
    assert release_problem(_job(status, ReleasePolicy("allow", "allow"), ReleasePolicy())) == ""


def test_release_a_current_translation_and_the_source_are_released() -> None:
    full = TRANSLATION + "## A1 {#a1}\nAlpha un.\n# B {#b}\nBêta.\n"
    record = {key: SRC[key].fingerprint for key in (FRONT_MATTER, "a", "a1", "b")}
    assert release_problem(_job(_status(record, translation=full), None, ReleasePolicy())) == ""
    assert release_problem(_job(None, None, ReleasePolicy())) == ""  # the source language


def _git(root: Path, *arguments: str, day: int = 1) -> str:
    stamp = f"2026-01-0{day}T12:00:00+00:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    identity = [
        "-c",
        "user.name=Editions tests",
        "-c",
        "user.email=tests@example.org",
        "-c",
        "commit.gpgsign=false",
    ]
    done = subprocess.run(
        ["git", *identity, "-C", str(root), *arguments], env=env, capture_output=True, check=True
    )
    return done.stdout.decode().strip()


def test_history_lists_the_commits_that_changed_a_section_since_the_recorded_version(tmp_path: Path) -> None:
    path = tmp_path / "en.md"
    _git(tmp_path, "init", "-q")
    path.write_text("# A {#a}\nAlpha.\n# B {#b}\nBeta.\n", encoding="utf-8")
    _git(tmp_path, "add", "en.md")
    _git(tmp_path, "commit", "-qm", "First version", day=1)
    recorded = split_sections([(path, path.read_text(encoding="utf-8"))])[0].fingerprint
    path.write_text("# A {#a}\nAlpha, revised.\n# B {#b}\nBeta.\n", encoding="utf-8")
    _git(tmp_path, "commit", "-qam", "Revise A", day=2)
    revised = _git(tmp_path, "rev-parse", "--short", "HEAD")
    path.write_text("# A {#a}\nAlpha, revised.\n# B {#b}\nBeta, revised.\n", encoding="utf-8")
    _git(tmp_path, "commit", "-qam", "Revise B only", day=3)

    history = History(tmp_path)
    current = split_sections([(path, path.read_text(encoding="utf-8"))])[0]
    change = history.change((path,), current, recorded)
    assert change.commits == (f"{revised} 2026-01-02 Revise A",)  # not the commit that changed only B
    assert change.uncommitted is False
    assert change.diff == ("-Alpha.", "+Alpha, revised.")

    path.write_text("# A {#a}\nAlpha, revised again.\n# B {#b}\nBeta, revised.\n", encoding="utf-8")
    edited = split_sections([(path, path.read_text(encoding="utf-8"))])[0]
    again = History(tmp_path).change((path,), edited, recorded)
    assert again.uncommitted is True and again.diff == ("-Alpha.", "+Alpha, revised again.")
    assert history.change((path,), current, "ffffffffffffffff") is None  # never committed as such
