"""The installed tool: the wheel of this repository, in a clean virtualenv, builds a project from elsewhere.

The wheel is installed without its dependencies, which come from the running, locked environment through a
.pth file. So the tests prove that what the wheel itself carries is complete (the package and its data
files, the `editions` script, `python -m editions`) without the network: fetching the dependencies from PyPI
would prove nothing more about the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, ROOTS, copy_project, write_photo

# What a wheel is built from: pyproject.toml names README.md as the long description.
SOURCES = ("pyproject.toml", "README.md", "editions")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "build", "*.egg-info")


@dataclass(frozen=True)
class Installed:
    """The wheel and the virtualenv it was installed in, with a sample project beside them."""

    wheel: Path
    bin: Path
    project: Path
    elsewhere: Path

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        """Run a program of the virtualenv from a folder that is neither the repository nor the project."""
        # Nothing of the repository may leak in: not its folder, not the variables of the test run.
        env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
        return subprocess.run(
            [str(self.bin / command[0]), *command[1:]],
            cwd=self.elsewhere,
            env={**env, "PATH": f"{self.bin}{os.pathsep}{env.get('PATH', '')}"},
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )


def build_wheel(target: Path) -> Path:
    """The wheel of the repository, built from a copy so that no build/ or *.egg-info lands in the checkout.

    No build isolation: setuptools comes from requirements-dev.lock, so building needs no network.
    """
    source = target / "source"
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=SKIPPED)
        else:
            source.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, source / name)
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index"]
    done = subprocess.run(
        [*command, str(source), "-w", str(target / "dist")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    [wheel] = (target / "dist").glob("editions-*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel installed alone in a fresh virtualenv, whose dependencies are the locked environment's."""
    tmp = tmp_path_factory.mktemp("install")
    wheel = build_wheel(tmp)
    environment = tmp / "venv"
    venv.EnvBuilder(with_pip=True, symlinks=True).create(environment)
    python = environment / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)]
    done = subprocess.run(pip, capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # Appended after the virtualenv's own site-packages: the wheel's `editions` comes first.
    locked = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (Path(site) / "locked-dependencies.pth").write_text("\n".join(locked) + "\n", encoding="utf-8")
    project = copy_project(ROOTS / "basic", tmp / "project")
    write_photo(project / "reports" / "sample" / "images" / "photo.jpg")
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return Installed(wheel, environment / "bin", project, elsewhere)


def test_install_wheel_carries_every_file_of_the_package(installed: Installed) -> None:
    package = REPO / "editions"
    expected = {
        path.relative_to(REPO).as_posix()
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        entry_points = wheel.read("editions-0.1.0.dist-info/entry_points.txt").decode()
    assert {name for name in names if not name.startswith("editions-")} == expected
    assert "editions/convert/filters/footnotes.lua" in names  # pandoc's filter and template
    assert "editions/convert/filters/edition.html" in names
    assert "[console_scripts]\neditions = editions.cli.main:main" in entry_points


def test_install_editions_script_builds_a_project_from_another_folder(installed: Installed) -> None:
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    shown = installed.run("editions", "--version")
    assert (shown.returncode, shown.stdout) == (0, f"editions {version}\n"), shown.stderr
    where = installed.run("python", "-c", "import editions; print(editions.__file__)")
    assert Path(where.stdout.strip()).is_relative_to(installed.bin.parent), where.stdout + where.stderr

    built = installed.run("editions", "-C", str(installed.project), "build", "--lang", "en", "--jobs", "2")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "1 of 1 editions built" in built.stderr
    edition = installed.project / "output" / "sample" / "en"
    assert (edition / "sample-en.pdf").read_bytes().startswith(b"%PDF-")
    with zipfile.ZipFile(edition / "sample-en.epub") as epub:
        assert epub.read("mimetype") == b"application/epub+zip"
    assert "<html" in (edition / "index.html").read_text(encoding="utf-8")
    assert (installed.project / "output" / "manifest.json").is_file()
    assert not (installed.elsewhere / "output").exists()


def test_install_python_m_editions_runs_the_same_program(installed: Installed) -> None:
    status = installed.run("python", "-m", "editions", "-C", str(installed.project), "i18n", "status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert status.stdout.startswith("Labels (locales/):\n"), status.stdout
    assert "sample" in status.stdout
