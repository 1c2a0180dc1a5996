"""The benchmark's synthetic corpus is a valid project and the same bytes every time (no timing here)."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

import pytest

from editions.cli.main import main

# Appended, not prepended: bench/profile.py must not shadow the standard library's profile module.
sys.path.append(str(Path(__file__).resolve().parent.parent / "bench"))

import synthetic as corpus  # bench/ is a folder of scripts, not a package


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


@pytest.mark.validators
def test_bench_corpus_is_deterministic_and_plans_cleanly(tmp_path: Path) -> None:
    first = corpus.generate(tmp_path / "a", unit=1)
    second = corpus.generate(tmp_path / "b", unit=1)
    assert _files(first) == _files(second)
    assert "reports/synthetic-1/fr.translation.toml" in _files(first)
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        assert main(["-C", str(first), "plan", "--json"]) == 0
    plan = json.loads(said.getvalue())
    assert plan["problems"] == []
    names = [edition["name"] for edition in plan["editions"]]
    assert names == [
        "synthetic-1/en",
        "synthetic-1/fr",
        "synthetic-1b/en",
        "synthetic-1b/fr",
        "synthetic-4/en",
    ]
    assert all(edition["formats"] == ["html", "pdf", "epub"] for edition in plan["editions"])
    _assert_announced_parts(first)


def _assert_announced_parts(root: Path) -> None:
    chapter = (root / "reports/synthetic-1/fr/01-chapter.md").read_text(encoding="utf-8")
    assert chapter.startswith("---\ntitle: ")
    assert chapter.count("[^n1-") == 2 * corpus.NOTES_PER_CHAPTER  # each note called once, defined once
    assert chapter.count("](images/fig-") == corpus.FIGURES_PER_CHAPTER
    assert "[@ref" in chapter and "{#tbl-1}" in chapter
    assert len(list((root / "reports/synthetic-4/images").glob("*.png"))) == 4 * corpus.FIGURES_PER_CHAPTER
