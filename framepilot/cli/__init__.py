"""The `framepilot` command line: one module per command group (`analyze`, `api_commands`,
`migrate`, `remote`; users, keys, run and worker in `main`), the launcher behind `run`, and
`output` (how a command talks to a terminal or a pipe)."""

from framepilot.cli.main import main as main

__all__ = ["main"]
