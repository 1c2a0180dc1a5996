"""The command line: build, serve, plan, assemble, check and i18n; the only place that sets exit codes."""
