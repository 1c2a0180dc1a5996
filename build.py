"""Build every edition of every report: `python3 build.py --help` lists the options."""

from pathlib import Path

from editions.bootstrap import ensure_environment

if __name__ == "__main__":  # worker processes import this file too; only the parent builds
    ensure_environment("build")
    from editions.cli.main import main

    raise SystemExit(main(project=Path(__file__).resolve().parent))
