"""House rules that a tool can check: ruff lint and format, thin build.py, no utils module."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_style_ruff_is_clean() -> None:
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=REPO, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout
    fmt = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "."], cwd=REPO, capture_output=True, text=True
    )
    assert fmt.returncode == 0, fmt.stdout


def test_style_build_script_is_a_thin_entry_point() -> None:
    assert len((REPO / "build.py").read_text(encoding="utf-8").splitlines()) <= 15
    assert not list((REPO / "editions").rglob("*utils*.py"))
