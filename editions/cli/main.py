"""The `editions` command line; the only place that turns outcomes and errors into exit codes."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from editions import __version__
from editions.cache import default_cache_dir
from editions.cli import check as check_cli
from editions.cli import i18n as i18n_cli
from editions.cli.progress import make_progress
from editions.errors import EditionsError, flatten
from editions.model import Format, Site
from editions.pipeline import BuildReport, build, plan_build
from editions.plan import Selection
from editions.publish.assemble import assemble
from editions.sources.config import find_project, load_site
from editions.sources.discover import discover_reports

PROGRAM = "editions"
COMMANDS = ("build", "serve", "plan", "assemble", "check", "i18n")
# Options followed by a value, so that `--report check` is not taken for the `check` command.
_VALUED = {
    "--report",
    "--lang",
    "--format",
    "--jobs",
    "--output",
    "--root",
    "-C",
    "--port",
    "--edition",
    "--shard",
    "--audience",
    "--cache-dir",
}


def main(argv: Sequence[str] | None = None, project: Path | None = None) -> int:
    """Run a command; 0 when everything asked for was done, 1 when an edition failed, 2 on bad usage.

    The project is `-C DIR`, else `project` (build.py passes its own folder), else the nearest folder
    at or above the current one whose pyproject.toml has [tool.editions].
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if _command_index(args) is None and not {"-h", "--help", "--version"} & set(args):
        args.insert(0, "build")
    options = _parser().parse_args(args)
    try:
        given = getattr(options, "root", None)
        options.root = (given or project or find_project(Path.cwd())).resolve()
        return options.run(options)
    except EditionsError as error:
        for problem in flatten(error):
            print(problem.render(Path.cwd()), file=sys.stderr)
        return 2


def _command_index(args: list[str]) -> int | None:
    """Where the command is in `args`, or None when none is named (then the command is `build`)."""
    for index, arg in enumerate(args):
        if arg in COMMANDS and (index == 0 or args[index - 1] not in _VALUED):
            return index
    return None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Build Protection International's reports as HTML, PDF and EPUB editions in every "
        f"language. Without a command, builds; `{PROGRAM} build --help` lists the build options.",
    )
    parser.add_argument("--version", action="version", version=f"{PROGRAM} {__version__}")
    _project_option(parser)
    common = argparse.ArgumentParser(add_help=False)
    _project_option(common)
    common.add_argument(
        "--report",
        action="append",
        default=[],
        metavar="SLUG",
        help="only this report (repeatable), e.g. --report la-lucha",
    )
    common.add_argument(
        "--lang",
        action="append",
        default=[],
        metavar="TAG",
        help="only this language (repeatable), e.g. --lang fr",
    )
    common.add_argument(
        "--format",
        action="append",
        default=[],
        choices=[f.value for f in Format],
        help="only this format (repeatable)",
    )
    common.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="cores to use: editions built at once, an idle core helping an edition while its PDF is "
        "laid out (default: all cores)",
    )
    common.add_argument(
        "--output", type=Path, default=None, metavar="DIR", help="where to write editions (default: output/)"
    )
    common.add_argument(
        "--force", action="store_true", help="rebuild editions even when their sources did not change"
    )
    common.add_argument(
        "--edition",
        action="append",
        default=[],
        metavar="SLUG/LANG",
        help="only this edition (repeatable), as `plan` lists them, e.g. --edition la-lucha/fr",
    )
    common.add_argument(
        "--shard",
        type=_shard,
        default=None,
        metavar="K/N",
        help="only the K-th of N equal parts of the selected editions, for building on N machines",
    )
    common.add_argument(
        "--strict",
        action="store_true",
        help="fail the build on any warning (each warning ends with its code, e.g. [labels.untranslated])",
    )
    common.add_argument(
        "--release",
        action="store_true",
        help="refuse editions whose translation breaks the release policy (by default: any missing or "
        "stale section) and build the others",
    )
    common.add_argument(
        "--audience",
        choices=("public", "internal"),
        default="public",
        help="internal: keep confidential passages, marked 'CONFIDENTIAL — internal' on every page, and "
        "write into output-internal/, never into the public folder (default: public)",
    )
    common.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="where font subsets, cleaned images and pandoc's output are kept between builds "
        "(default: $EDITIONS_CACHE_DIR, else ~/.cache/editions); it never changes an output byte",
    )
    common.add_argument(
        "--no-cache", action="store_true", help="make everything afresh and keep nothing for later builds"
    )
    commands = parser.add_subparsers(title="commands")
    commands.add_parser("build", parents=[common], help="build editions (the default command)").set_defaults(
        run=_build
    )
    preview = commands.add_parser(
        "serve", parents=[common], help="build, serve on http://127.0.0.1 and rebuild as you edit"
    )
    preview.add_argument("--port", type=int, default=8000, help="local port (default: 8000)")
    preview.set_defaults(run=_serve)
    planner = commands.add_parser(
        "plan", parents=[common], help="list the selected editions and whether each needs building"
    )
    planner.add_argument("--json", action="store_true", help="as JSON, for a CI job matrix")
    planner.set_defaults(run=_plan)
    assembler = commands.add_parser(
        "assemble",
        parents=[common],
        help="merge parts built on several machines (each an --output folder) into one site",
    )
    assembler.add_argument("parts", nargs="+", type=Path, metavar="DIR", help="folders built with --output")
    assembler.set_defaults(run=_assemble)
    i18n_cli.add_commands(commands, common=_project_option)
    check_cli.add_command(commands, common=_project_option)
    return parser


def _project_option(parser: argparse.ArgumentParser) -> None:
    """-C DIR, on the program and on every command; a command's own default never hides the program's."""
    parser.add_argument(
        "-C",
        "--root",
        dest="root",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="the project to work on (default: the nearest folder with a pyproject.toml for editions)",
    )


def _selection(options: argparse.Namespace) -> Selection:
    return Selection(
        reports=tuple(options.report),
        languages=tuple(options.lang),
        formats=tuple(Format(value) for value in options.format),
        force=options.force,
        release=options.release,
        editions=tuple(options.edition),
        shard=options.shard,
    )


def _shard(value: str) -> tuple[int, int]:
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise argparse.ArgumentTypeError(f"'{value}' is not K/N with 1 ≤ K ≤ N, e.g. 2/4")
    return int(k), int(n)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _serve(options: argparse.Namespace) -> int:
    # Imported here: its HTTP server and file watcher are of no use to the other commands, and every
    # build would pay for loading them (a tenth of a no-op build's time).
    from editions.cli.serve import Preview, serve

    site = _with_cache(load_site(options.root.resolve(), options.output, options.audience), options)
    preview = Preview(
        site,
        _selection(options),
        max(1, options.jobs),
        make_progress(sys.stderr),
        _source_date_epoch(),
        on_build=lambda outcome, seconds: _summarize(outcome, site, seconds),
    )
    serve(preview, options.port, lambda message: print(message, file=sys.stderr, flush=True))
    return 0


def _build(options: argparse.Namespace) -> int:
    site = _with_cache(load_site(options.root.resolve(), options.output, options.audience), options)
    selection = _selection(options)
    started = time.perf_counter()
    outcome = build(
        site, selection, max(1, options.jobs), make_progress(sys.stderr), _source_date_epoch(), _say
    )
    _summarize(outcome, site, time.perf_counter() - started)
    if options.strict and outcome.warnings:
        print(f"FAILED: {len(outcome.warnings)} warnings, and --strict makes them errors", file=sys.stderr)
        return 1
    return 0 if outcome.ok else 1


def _plan(options: argparse.Namespace) -> int:
    site = load_site(options.root, options.output, options.audience)
    plan = plan_build(site, _selection(options), _source_date_epoch())
    if options.json:
        print(json.dumps(plan.to_json(), indent=2, ensure_ascii=False))
    else:
        for edition in plan.editions:
            print(f"{edition.name:32} {'up to date' if edition.current else 'to build'}")
    for problem in plan.problems:
        print(problem.render(site.root), file=sys.stderr)
    return 1 if plan.problems else 0


def _assemble(options: argparse.Namespace) -> int:
    site = load_site(options.root, options.output, options.audience)
    reports, _ = discover_reports(site.reports_dir)
    confidential = tuple(passage for report in reports for passage in report.confidential)
    manifest = assemble(site, options.parts, _say, confidential)
    where = _shown(site.output_dir)
    print(f"assembled {len(manifest.editions)} editions from {len(options.parts)} parts → {where}")
    return 0


def _with_cache(site: Site, options: argparse.Namespace) -> Site:
    """The site with the cache folder the options and the environment choose."""
    if options.no_cache:
        return site
    return dataclasses.replace(site, cache_dir=options.cache_dir or default_cache_dir(os.environ))


def _source_date_epoch() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH, the reproducible-builds convention, fixes every file's modification date."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    except ValueError:
        raise EditionsError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds") from None


def _summarize(outcome: BuildReport, site: Site, seconds: float) -> None:
    out = sys.stderr
    for problem in outcome.problems:
        print(problem.render(site.root), file=out)
    for warning in outcome.warnings:
        print(warning, file=out)
    for job, why in outcome.refused:
        print(f"\n{job.name} {why}", file=out)
    built = [r for r in outcome.results if r.ok]
    failed = [r for r in outcome.results if not r.ok]
    log = _bug_log([(r.job.name, r.bug) for r in failed if r.bug] + outcome.bugs)
    if outcome.bugs:
        print(f"  the full trace is in {log}: please send that file with your report", file=out)
    for result in failed:
        print(f"\n{result.job.name} failed:", file=out)
        for line in result.errors:
            print(f"  {line}", file=out)
        if result.bug:
            print(
                f"  an internal error, a bug in editions and not in your sources: {_last_line(result.bug)}\n"
                f"  the full trace is in {log}: please send that file with your report",
                file=out,
            )
    where = _shown(site.output_dir)
    if outcome.results or not outcome.current:
        print(
            f"\n{len(built)} of {len(outcome.results)} editions built in {seconds:.1f} s → {where}", file=out
        )
    if outcome.current:
        print(
            f"{len(outcome.current)} editions already up to date in {where} (--force rebuilds them)", file=out
        )
    if failed or outcome.problems or outcome.refused:
        names = ", ".join([*(r.job.name for r in failed), *(job.name for job, _ in outcome.refused)])
        print(f"FAILED: {names or 'see the errors above'}", file=out)


def _bug_log(bugs: list[tuple[str, str]]) -> Path | None:
    """The tracebacks of our own bugs (what failed, trace), in one file of the temporary folder: the
    console keeps one line each."""
    if not bugs:
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = Path(tempfile.gettempdir()) / f"editions-bug-{stamp}-{os.getpid()}.log"
    path.write_text(
        f"editions {__version__}\n\n" + "\n".join(f"{name}:\n{trace}" for name, trace in bugs),
        encoding="utf-8",
    )
    return path


def _last_line(trace: str) -> str:
    lines = [line for line in trace.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no message"


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
