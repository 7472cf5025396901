"""How a command talks to whoever runs it: a person at a terminal, or a program at a pipe.

At a terminal (stderr is a tty, no `--log-json`, `FRAMEPILOT_LOG_FORMAT` not `json`), long
commands draw a progress bar with the current stage, elapsed time and an ETA (rich), and logs
are short human lines at WARNING and above. Otherwise stderr carries JSON log lines only, as
services and pipes expect. Results always go to stdout.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from framepilot.core.logs import configure_logging
from framepilot.settings import Settings

StageUpdate = Callable[[str, int], None]


def is_terminal(stream: IO[str] | None = None) -> bool:
    stream = stream or sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def setup_output(settings: Settings, *, log_json: bool = False, service: bool = False) -> bool:
    """Configure logging for this command; True when it talks to a person at a terminal.

    Services (`run`, `worker`) always log JSON. At a terminal the default INFO becomes
    WARNING; an explicit DEBUG, WARNING or ERROR is kept.
    """
    interactive = not (service or log_json) and settings.log_format == "auto" and is_terminal()
    level = "WARNING" if interactive and settings.log_level == "INFO" else settings.log_level
    configure_logging(level, human=interactive)
    return interactive


@contextmanager
def _terminal_stream() -> Iterator[IO[str]]:
    """A private copy of stderr for the bar, so code that briefly points fd 2 elsewhere
    (framepilot.core.native_noise) never swallows a redraw."""
    try:
        fd = os.dup(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):
        yield sys.stderr
        return
    with os.fdopen(fd, "w", buffering=1, encoding="utf-8", errors="replace") as stream:
        yield stream


@contextmanager
def progress_bar(title: str) -> Iterator[StageUpdate]:
    """A live bar on stderr; yields `update(stage, percent)`. Log lines print above it; the
    bar stays as last updated when the block ends (say "done" at 100 when it is)."""
    with _terminal_stream() as stream:
        console = Console(file=stream)
        bar = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.fields[title]}"),
            TextColumn("{task.description:<12}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            redirect_stdout=False,
        )
        with bar:
            task = bar.add_task("starting", total=100, title=title)
            yield lambda stage, percent: bar.update(task, description=stage, completed=percent)


@contextmanager
def stage_progress(interactive: bool, title: str) -> Iterator[StageUpdate | None]:
    """The bar at a terminal; None otherwise (the stages log their own JSON events)."""
    if not interactive:
        yield None
        return
    with progress_bar(title) as update:
        yield update
