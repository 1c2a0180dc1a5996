"""The CI release, run locally: plan the editions, build each part on its own "machine" (folder),
assemble, and get the very bytes a build on one machine publishes."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import command, run

from editions.cli.main import main
from editions.model import Project
from editions.plan.fingerprint import fingerprint_editions
from editions.sources.config import load_site
from editions.sources.discover import discover_reports


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _plan(root: Path, *args: str) -> dict:
    stream = io.StringIO()
    with contextlib.redirect_stdout(stream):
        assert main(["plan", "--json", "-C", str(root), *args]) == 0
    return json.loads(stream.getvalue())


@pytest.mark.validators
def test_release_parts_built_apart_assemble_into_the_same_bytes(sample: Path, tmp_path: Path) -> None:
    plan = _plan(sample)
    names = [edition["name"] for edition in plan["editions"]]
    assert names == ["sample/en", "sample/fr"]
    assert not any(edition["current"] for edition in plan["editions"])

    parts = []
    for name in names:  # one CI job per edition, each on its own machine
        machine = tmp_path / "machines" / name.replace("/", "_")
        shutil.copytree(sample, machine / "project")
        part = machine / "part"
        result = run(machine / "project", "--release", "--edition", name, "--output", str(part))
        assert result.code == 0, result.output
        parts.append(part)
    site = tmp_path / "site"
    assembled = command(sample, "assemble", *map(str, parts), "--output", str(site))
    assert assembled.code == 0, assembled.output

    assert run(sample, "--release", "--jobs", "1").code == 0  # everything on one machine
    single, merged = _files(sample / "output"), _files(site)
    assert sorted(single) == sorted(merged)
    assert [name for name in single if single[name] != merged[name]] == []
    assert {"index.html", "sample/index.html", "manifest.json", "SHA256SUMS"} <= set(merged)
    checked = command(sample, "check", str(site))  # what the release runs before anything is published
    assert checked.code == 0, checked.output
    assert "checked 2 EPUBs, 6 HTML pages and 4 PDFs" in checked.output

    after = _plan(sample)
    assert all(edition["current"] for edition in after["editions"])


def test_release_shards_split_every_edition_exactly_once(sample: Path) -> None:
    first, second = _plan(sample, "--shard", "1/2"), _plan(sample, "--shard", "2/2")
    names = [e["name"] for e in first["editions"]] + [e["name"] for e in second["editions"]]
    assert sorted(names) == ["sample/en", "sample/fr"]
    assert len(first["editions"]) == len(second["editions"]) == 1


@pytest.mark.validators
def test_release_assemble_refuses_a_part_that_differs_from_its_manifest(sample: Path, tmp_path: Path) -> None:
    part = tmp_path / "part"
    assert run(sample, "--edition", "sample/en", "--format", "html", "--output", str(part)).code == 0
    page = part / "sample" / "en" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"Defenders", b"Tampered"))
    result = command(sample, "assemble", str(part), "--output", str(tmp_path / "site"))
    assert result.code == 2
    assert "differs from its part's manifest" in result.output
    assert not (tmp_path / "site" / "index.html").exists()


def _fingerprints(root: Path, epoch: dt.datetime | None = None) -> dict[str, str]:
    site = load_site(root)
    reports, problems = discover_reports(site.reports_dir)
    assert not problems
    return fingerprint_editions(Project(site=site, reports=tuple(reports)), epoch)


def test_release_fingerprint_covers_epoch_settings_tools_and_templates(sample: Path, monkeypatch) -> None:
    base = _fingerprints(sample)
    assert _fingerprints(sample, dt.datetime(2020, 9, 13, tzinfo=dt.UTC)) != base

    settings = sample / "pyproject.toml"
    original = settings.read_text(encoding="utf-8")
    settings.write_text(original.replace('publisher = "', 'publisher = "The ', 1), encoding="utf-8")
    assert _fingerprints(sample) != base
    settings.write_text(original, encoding="utf-8")

    from editions.plan import fingerprint

    monkeypatch.setattr(fingerprint, "tool_versions", lambda: "pandoc 9.9; weasyprint 99")
    assert _fingerprints(sample) != base
    monkeypatch.undo()
    assert "pandoc 3." in fingerprint.tool_versions() and "weasyprint " in fingerprint.tool_versions()

    font = sample / "templates" / "fonts" / "fonts.toml"
    font.write_text(font.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert _fingerprints(sample) != base


@pytest.mark.validators
def test_release_source_date_epoch_rebuilds_what_it_dates(sample: Path, monkeypatch) -> None:
    assert run(sample, "--lang", "en", "--format", "html").code == 0
    assert "already up to date" in run(sample, "--lang", "en", "--format", "html").output
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    assert "1 of 1 editions built" in run(sample, "--lang", "en", "--format", "html").output
