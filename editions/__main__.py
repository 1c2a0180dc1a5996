"""`python -m editions`: the same command line as the `editions` program."""

from editions.cli.main import main

raise SystemExit(main())
