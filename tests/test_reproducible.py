"""Reproducible editions: the same sources give byte-identical files, wherever they are built."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run
from test_publish import _snapshot


@pytest.mark.validators
def test_reproducible_two_builds_in_two_places_are_identical(sample: Path, tmp_path: Path) -> None:
    elsewhere = shutil.copytree(sample, tmp_path / "somewhere" / "else")
    # Both without the cache: the tools themselves must be deterministic (test_cache compares a cold
    # build with a warm one).
    assert run(sample, "--jobs", "2", "--no-cache").code == 0
    assert run(elsewhere, "--jobs", "1", "--no-cache").code == 0
    first, second = _snapshot(sample / "output"), _snapshot(elsewhere / "output")
    assert len(first) > 10
    assert first == second


@pytest.mark.validators
def test_reproducible_source_date_epoch_sets_the_modification_date(sample: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    assert run(sample, "--lang", "en", "--format", "pdf").code == 0
    import pikepdf

    with pikepdf.open(sample / "output" / "sample" / "en" / "sample-en.pdf") as pdf:
        assert str(pdf.docinfo["/ModDate"]).startswith("D:20200913")
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20180601")
