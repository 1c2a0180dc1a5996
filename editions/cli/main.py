"""The `editions` command line; the only place that turns outcomes and errors into exit codes."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from editions.cli import i18n as i18n_cli
from editions.cli.progress import make_progress
from editions.cli.serve import Preview, serve
from editions.errors import EditionsError, flatten
from editions.model import Format, Site
from editions.pipeline import BuildReport, build
from editions.plan import Selection
from editions.sources.config import load_site

ROOT = Path(__file__).resolve().parent.parent.parent


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; 0 when everything asked for was done, 1 when an edition failed, 2 on bad usage."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0].startswith("-") and args[0] not in ("-h", "--help")):
        args.insert(0, "build")
    options = _parser().parse_args(args)
    try:
        return options.run(options)
    except EditionsError as error:
        for problem in flatten(error):
            print(problem.render(Path.cwd()), file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build Protection International's reports as HTML, PDF and EPUB editions in every "
        "language. Without a command, builds; `build.py build --help` lists the build options.",
    )
    common = argparse.ArgumentParser(add_help=False)
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
        help="editions built at once (default: all cores)",
    )
    common.add_argument(
        "--output", type=Path, default=None, metavar="DIR", help="where to write editions (default: output/)"
    )
    common.add_argument(
        "--force", action="store_true", help="rebuild editions even when their sources did not change"
    )
    common.add_argument(
        "--release",
        action="store_true",
        help="refuse editions whose translation breaks the release policy (by default: any missing or "
        "stale section) and build the others",
    )
    common.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(title="commands")
    commands.add_parser("build", parents=[common], help="build editions (the default command)").set_defaults(
        run=_build
    )
    preview = commands.add_parser(
        "serve", parents=[common], help="build, serve on http://127.0.0.1 and rebuild as you edit"
    )
    preview.add_argument("--port", type=int, default=8000, help="local port (default: 8000)")
    preview.set_defaults(run=_serve)
    i18n_cli.add_commands(commands, ROOT)
    return parser


def _selection(options: argparse.Namespace) -> Selection:
    return Selection(
        reports=tuple(options.report),
        languages=tuple(options.lang),
        formats=tuple(Format(value) for value in options.format),
        force=options.force,
        release=options.release,
    )


def _serve(options: argparse.Namespace) -> int:
    site = load_site(options.root.resolve(), options.output)
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
    site = load_site(options.root.resolve(), options.output)
    selection = _selection(options)
    started = time.perf_counter()
    outcome = build(
        site, selection, max(1, options.jobs), make_progress(sys.stderr), epoch=_source_date_epoch()
    )
    _summarize(outcome, site, time.perf_counter() - started)
    return 0 if outcome.ok else 1


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
    for result in failed:
        print(f"\n{result.job.name} failed:", file=out)
        for line in result.errors:
            print(f"  {line}", file=out)
        if result.bug:
            print(
                "  an internal error (a bug in editions, not in the sources); please report it with this "
                f"trace:\n{result.bug}",
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


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
