"""The set-up: when it installs system packages by itself, and the hashed lock files it installs from."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from editions.bootstrap import (
    AS_ROOT,
    ASK,
    INSTALL_SYSTEM_PACKAGES,
    PRINT,
    WITH_SUDO,
    Decision,
    decide,
    in_container,
    install_commands,
    on_ci,
)

FLAG = f"as {INSTALL_SYSTEM_PACKAGES}=1 asks"
ROOT, USER = 0, 1000

# (euid, on CI, in a container, terminal, flag, answer, sudo there) → what the set-up does.
CASES = {
    "root on CI": ((ROOT, True, False, False, None, None, False), Decision(AS_ROOT, "on CI")),
    "root on CI in a container": ((ROOT, True, True, False, None, None, False), Decision(AS_ROOT, "on CI")),
    "root in a container": (
        (ROOT, False, True, False, None, None, False),
        Decision(AS_ROOT, "in a container"),
    ),
    "root on CI, flag 0": ((ROOT, True, True, False, False, None, True), Decision(PRINT)),
    "root elsewhere, flag 1": ((ROOT, False, False, False, True, None, False), Decision(AS_ROOT, FLAG)),
    "root elsewhere, no terminal": ((ROOT, False, False, False, None, None, True), Decision(PRINT)),
    "root elsewhere, terminal": ((ROOT, False, False, True, None, None, True), Decision(ASK)),
    "root elsewhere, yes": (
        (ROOT, False, False, True, None, "y\n", True),
        Decision(AS_ROOT, "after your yes"),
    ),
    "root elsewhere, enter": ((ROOT, False, False, True, None, "\n", True), Decision(PRINT)),
    "user on CI": ((USER, True, False, False, None, None, True), Decision(PRINT)),
    "user on CI, flag 1": ((USER, True, False, False, True, None, True), Decision(WITH_SUDO, FLAG)),
    "user in a container": ((USER, False, True, False, None, None, True), Decision(PRINT)),
    "user, terminal": ((USER, False, False, True, None, None, True), Decision(ASK)),
    "user, yes": ((USER, False, False, True, None, " Yes\n", True), Decision(WITH_SUDO, "after your yes")),
    "user, no": ((USER, False, False, True, None, "n\n", True), Decision(PRINT)),
    "user, end of input": ((USER, False, False, True, None, "", True), Decision(PRINT)),
    "user, terminal, no sudo": ((USER, False, False, True, None, None, False), Decision(PRINT)),
    "user, flag 1, no sudo": ((USER, False, False, False, True, None, False), Decision(PRINT)),
    "user, terminal, flag 0": ((USER, False, False, True, False, None, True), Decision(PRINT)),
}
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)")
HASH = re.compile(r"^ {4}--hash=sha256:[0-9a-f]{64}$")


@pytest.mark.parametrize("facts, expected", list(CASES.values()), ids=list(CASES))
def test_bootstrap_decide_installs_unasked_only_as_root_on_ci_or_in_a_container(
    facts: tuple[int, bool, bool, bool, bool | None, str | None, bool], expected: Decision
) -> None:
    euid, is_ci, container, isatty, flag, answer, has_sudo = facts
    decision = decide(
        euid=euid,
        is_ci=is_ci,
        in_container=container,
        isatty=isatty,
        flag=flag,
        answer=answer,
        has_sudo=has_sudo,
    )
    assert decision == expected


def test_bootstrap_decide_only_prints_where_apt_get_is_missing() -> None:
    facts = {"euid": ROOT, "is_ci": True, "in_container": True, "isatty": True, "answer": "y"}
    assert decide(**facts, flag=True, has_apt=False) == Decision(PRINT)
    assert decide(**facts, flag=True, has_apt=True) == Decision(AS_ROOT, FLAG)


def test_bootstrap_install_commands_use_each_systems_names() -> None:
    needed = ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "qpdf", "chromium"]
    assert install_commands(needed[:2], "debian", USER) == [
        "sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0"
    ]
    assert install_commands(["qpdf"], "debian", ROOT) == ["apt-get install -y qpdf"]
    assert install_commands(needed, "fedora", USER) == ["sudo dnf install -y pango harfbuzz qpdf chromium"]
    assert install_commands(needed, "macos", USER) == [
        "brew install pango harfbuzz qpdf",
        "brew install --cask chromium",
    ]
    assert install_commands(needed, "other", USER) == []


def test_bootstrap_in_container_sees_docker_podman_nspawn_and_cgroups(tmp_path: Path) -> None:
    assert not in_container(tmp_path, {})
    assert in_container(tmp_path, {"container": "systemd-nspawn"})
    cgroup = tmp_path / "proc" / "1" / "cgroup"
    cgroup.parent.mkdir(parents=True)
    cgroup.write_text("0::/\n", encoding="utf-8")  # cgroup v2 on a host and in a container alike
    assert not in_container(tmp_path, {})
    cgroup.write_text("12:pids:/docker/3f2a9c\n0::/\n", encoding="utf-8")
    assert in_container(tmp_path, {})
    cgroup.unlink()
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / ".containerenv").touch()
    assert in_container(tmp_path, {})
    (tmp_path / "run" / ".containerenv").unlink()
    (tmp_path / ".dockerenv").touch()
    assert in_container(tmp_path, {})


def test_bootstrap_on_ci_follows_the_ci_variable() -> None:
    assert on_ci({"CI": "true"}) and on_ci({"CI": "1"}) and on_ci({"CI": "woodpecker"})
    assert not on_ci({}) and not on_ci({"CI": ""}) and not on_ci({"CI": "false"}) and not on_ci({"CI": "0"})


def set_up_system_packages(
    packages: list[str], flag: str, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """The set-up asked for `packages`, run as the Quick start runs it: the bare Python, no site-packages."""
    code = (
        f"import sys; sys.path.insert(0, {str(REPO)!r}); "
        f"from editions.bootstrap import install_system_packages; install_system_packages({packages!r})"
    )
    return subprocess.run(
        [sys.executable, "-I", "-S", "-c", code],
        env={**os.environ, INSTALL_SYSTEM_PACKAGES: flag},
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_bootstrap_prints_the_command_and_stops_when_told_not_to_install(tmp_path: Path) -> None:
    # Flag 0 wins everywhere, as root on CI too, so no apt-get can run here.
    done = set_up_system_packages(["editions-no-such-package"], "0", tmp_path)
    assert done.returncode == 2, done.stderr
    sudo = "" if os.geteuid() == 0 else "sudo "
    assert done.stderr.splitlines() == [
        "editions set-up: error: missing system packages: editions-no-such-package. Install them with",
        f"    {sudo}apt-get install -y editions-no-such-package",
        f"and run the command again, or set {INSTALL_SYSTEM_PACKAGES}=1 to let the set-up install them.",
    ]


def test_bootstrap_refuses_an_unclear_flag(tmp_path: Path) -> None:
    done = set_up_system_packages(["editions-no-such-package"], "yes please", tmp_path)
    assert done.returncode == 2
    assert f"{INSTALL_SYSTEM_PACKAGES}='yes please': use 1" in done.stderr
    assert "apt-get" not in done.stderr


def test_bootstrap_github_workflows_let_the_set_up_install_system_packages() -> None:
    # GitHub's runners are not root and no one answers there: without the flag the set-up would stop.
    for name in ("checks.yml", "release.yml"):
        workflow = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text(encoding="utf-8"))
        assert workflow["env"] == {INSTALL_SYSTEM_PACKAGES: "1"}, name


def lock_pins(name: str) -> dict[str, str]:
    """The versions a lock file pins by normalised name, after checking that each carries its hashes."""
    pins: dict[str, str] = {}
    lines = (REPO / name).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if match := PIN.match(line):
            hashes = []
            for following in lines[number + 1 :]:
                if not HASH.match(following.removesuffix(" \\")):
                    break
                hashes.append(following)
            assert line.endswith(" \\") and hashes, f"{name}:{number + 1}: {line} has no --hash"
            assert not hashes[-1].endswith("\\"), f"{name}:{number + 1}: the last hash continues"
            pins[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return pins


def test_bootstrap_locks_pin_every_dependency_with_hashes() -> None:
    runtime, dev = lock_pins("requirements.lock"), lock_pins("requirements-dev.lock")
    assert "-r requirements.lock" in (REPO / "requirements-dev.lock").read_text(encoding="utf-8").splitlines()
    assert not set(runtime) & set(dev)
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {re.split(r"[\[<>=]", requirement)[0].lower() for requirement in project["dependencies"]}
    tests = {
        re.split(r"[\[<>=]", requirement)[0].lower()
        for requirement in project["optional-dependencies"]["test"]
    }
    assert declared <= set(runtime), declared - set(runtime)
    assert tests <= set(dev), tests - set(dev)
