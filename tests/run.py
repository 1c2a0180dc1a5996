"""Run the whole test suite: `python3 tests/run.py` sets up what the tests need, then runs pytest."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from editions.bootstrap import ensure_environment

if __name__ == "__main__":
    ensure_environment("test")
    import pytest

    arguments = sys.argv[1:]
    if all(argument.startswith("-") for argument in arguments):  # no test named: run them all
        arguments = [str(Path(__file__).parent), *arguments]
        if not any(argument.startswith(("-n", "--numprocesses")) for argument in arguments):
            # One worker per core, a test file per worker at a time; the session builds that several
            # files share are made once for both workers (tests/conftest.py, built_once).
            arguments += ["--numprocesses", "auto", "--dist", "loadfile"]
    raise SystemExit(pytest.main(arguments))
