"""Fixtures: sample projects copied to a temporary folder and built for real, in-process."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import io
import os
import pickle
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
import weasyprint
from PIL import Image

from editions.cache import default_cache_dir, prune
from editions.cli.main import main
from editions.model import Site
from editions.sources.config import load_site

REPO = Path(__file__).resolve().parent.parent
T = TypeVar("T")
ROOTS = Path(__file__).parent / "roots"


@dataclass(frozen=True)
class Run:
    """The outcome of one command: exit code and everything it printed."""

    code: int
    output: str


def run(root: Path, *args: str) -> Run:
    """Run `editions build` on the project at `root` as a user would, capturing the console.

    Without `--jobs`, with one worker, in this process: pytest-xdist's workers already keep every core
    busy, and starting a pool costs more than building the samples' small editions. The tests of the
    pool itself ask for `--jobs 2`.
    """
    if not any(argument.startswith("--jobs") for argument in args):
        args = (*args, "--jobs", "1")
    stream = io.StringIO()
    with contextlib.redirect_stderr(stream), contextlib.redirect_stdout(stream):
        code = main(["build", "--root", str(root), *args])
    return Run(code, stream.getvalue())


def command(root: Path, *args: str) -> Run:
    """Run another `editions` command, such as `i18n status`, on the project at `root`."""
    stream = io.StringIO()
    with contextlib.redirect_stderr(stream), contextlib.redirect_stdout(stream):
        code = main([*args, "--root", str(root)])
    return Run(code, stream.getvalue())


def site_at(root: Path) -> Site:
    """The settings of the project at `root` as the `editions` command reads them, with the cache the
    environment names (the suite's shared one): for tests that call `build` or `serve` directly."""
    return dataclasses.replace(load_site(root), cache_dir=default_cache_dir(os.environ))


def copy_project(source: Path, target: Path) -> Path:
    """A sample project with the repository's real templates and catalogs."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("output", "*.mo"))
    for folder in ("templates", "locales"):
        if not (target / folder).exists():
            shutil.copytree(REPO / folder, target / folder, ignore=shutil.ignore_patterns("*.mo"))
    return target


def write_photo(path: Path) -> None:
    """A JPEG as a phone would take it: GPS position, camera data and a comment in its metadata."""
    image = Image.new("RGB", (640, 400), (120, 160, 90))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "/home/reporter/private"  # Software: a local path that must not ship
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (1.0, 39.0, 43.2), 3: "E", 4: (29.0, 14.0, 6.0)})  # Goma
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", exif=exif, comment=b"secret GPS comment", icc_profile=PROFILE_WITH_SECRET)


# A real sRGB profile whose copyright text was replaced (same length) with what a phone might write there.
PROFILE_SECRET = b"Taken by the Goma office phone, lat -1.6794 lo"
PROFILE_WITH_SECRET = (
    (Path(weasyprint.__file__).parent / "pdf" / "sRGB2014.icc")
    .read_bytes()
    .replace(b"Copyright International Color Consortium, 2015", PROFILE_SECRET)
)


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], T]) -> tuple[Path, T]:
    """A folder `build` fills once per test run, shared by the pytest-xdist workers, and what `build`
    returned: the first worker that needs it builds it, while any other waits, then reads it.

    Test files that share a session build (the repository's editions, the published sample, the
    scripts project) may run on different workers; each would otherwise build it again. Tests only read
    the folder. A build that failed is tried again by the next worker, and fails its tests the same way.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    base = factory.getbasetemp().parent if worker else factory.getbasetemp()
    folder, result = base / f"shared-{name}", base / f"shared-{name}.pickle"
    with (base / f"shared-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not result.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            result.write_bytes(pickle.dumps(build(folder)))
    return folder, pickle.loads(result.read_bytes())


# The session builds of whole projects: a test that reads one checks editions end to end, so it belongs
# to the `validators` tier, out of the quick loop (`-m "not validators"`), as do the tests marked by hand
# because they build a project in their own body.
WHOLE_BUILDS = frozenset(
    {"repository", "published", "scripts_project", "drawings", "corpus", "corpus_drawings", "installed"}
)


# The files that take longest (kill -9s in a loop, builds made cold on purpose, the corpus), handed to
# pytest-xdist's workers first: started last, one of them would keep a worker busy after the other is
# done. The rest follow in their usual order.
LONG_FIRST = (
    "test_transaction.py",
    "test_reproducible.py",
    "test_cache.py",
    "test_corpus.py",
    "test_translations.py",
    "test_two_cores.py",
    "test_check.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that read a session build of a whole project as `validators`; the longest files
    first."""
    for item in items:
        if WHOLE_BUILDS & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.validators)
    rank = {name: number for number, name in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: files stay whole


@pytest.fixture(scope="session", autouse=True)
def shared_cache() -> Iterator[Path]:
    """One cache for the suite's builds, kept between runs as a developer's machine or a CI cache keeps
    it, and never the user's own: `$EDITIONS_TEST_CACHE_DIR`, else `~/.cache/editions-tests`.

    Entries are content-addressed (inputs, options and tool versions), so a warm entry gives the bytes a
    cold build gives; tests that must see the tools work (reproducibility, the cache itself) pass their
    own `--cache-dir` or `--no-cache`. The pytest-xdist workers share it: entries are written atomically.
    Entries unused for a month are removed, so the folder does not grow with every change of the sources.
    """
    default = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "editions-tests"
    folder = Path(os.environ.get("EDITIONS_TEST_CACHE_DIR") or default)
    folder.mkdir(parents=True, exist_ok=True)
    prune(folder, max_age=dt.timedelta(days=30))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EDITIONS_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The `basic` sample project: one report in English and French, with a GPS-tagged photo."""
    root = copy_project(ROOTS / "basic", tmp_path / "project")
    write_photo(root / "reports" / "sample" / "images" / "photo.jpg")
    return root


@pytest.fixture(scope="session")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own reports, built once for the whole run; returns the project root."""

    def build(folder: Path) -> None:
        root = folder / "project"
        root.mkdir()
        for name in ("reports", "templates", "locales", "pyproject.toml"):
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("*.mo"))
            else:
                shutil.copy(source, root / name)
        result = run(root, "--jobs", "2")
        assert result.code == 0, result.output

    folder, _ = built_once(tmp_path_factory, "repository", build)
    return folder / "project"


# The languages-and-scripts project, built once for test_languages.py and test_subsets.py.
from scripts_fixtures import drawings, scripts_project  # noqa: E402, F401

BASE_URL = "https://publications.example.org/"


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `basic` sample with a site address (base_url), built once in every format for the session:
    the landing-page and web-edition tests read its output folder."""

    def build(folder: Path) -> None:
        root = copy_project(ROOTS / "basic", folder / "project")
        write_photo(root / "reports" / "sample" / "images" / "photo.jpg")
        settings = root / "pyproject.toml"
        text = settings.read_text(encoding="utf-8")
        settings.write_text(text + f'base_url = "{BASE_URL}"\n', encoding="utf-8")
        result = run(root)
        assert result.code == 0, result.output

    folder, _ = built_once(tmp_path_factory, "published", build)
    return folder / "project" / "output"
