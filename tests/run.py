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
            # One worker per core, a group of test files per worker at a time (tests/conftest.py): the
            # files that share a session-scoped build run on one worker, which builds it once.
            arguments += ["--numprocesses", "auto", "--dist", "loadgroup"]
    raise SystemExit(pytest.main(arguments))
