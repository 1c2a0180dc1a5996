"""Build every edition of every report: `python3 build.py --help` lists the options."""

import sys
from pathlib import Path

from editions.bootstrap import ensure_environment

if __name__ == "__main__":  # worker processes import this file too; only the parent builds
    # `check` runs the validators (Java, Chromium, Node tools): it needs what the tests need.
    ensure_environment("test" if "check" in sys.argv[1:] else "build")
    from editions.cli.main import main

    raise SystemExit(main(project=Path(__file__).resolve().parent))
