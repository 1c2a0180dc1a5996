"""Run the whole test suite: `python3 tests/run.py` sets up what the tests need, then runs pytest."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from editions.bootstrap import ensure_environment


def _names_tests(argument: str) -> bool:
    """Whether a command-line argument names tests (a file, a folder, `file::test`) rather than being an
    option or an option's value, such as the expression of `-m "not validators"`."""
    return not argument.startswith("-") and Path(argument.split("::")[0]).exists()


if __name__ == "__main__":
    ensure_environment("test")
    import pytest

    arguments = sys.argv[1:]
    if not any(_names_tests(argument) for argument in arguments):  # no test named: run them all
        arguments = [str(Path(__file__).parent), *arguments]
        if not any(argument.startswith(("-n", "--numprocesses")) for argument in arguments):
            # One worker per core, a test file per worker at a time; the session builds that several
            # files share are made once for both workers (tests/conftest.py, built_once).
            arguments += ["--numprocesses", "auto", "--dist", "loadfile"]
    raise SystemExit(pytest.main(arguments))
