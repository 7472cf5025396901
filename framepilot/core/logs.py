"""Structured logging (structlog) with bound context, stage timing and redaction.

JSON lines for services and pipes; short human lines for a person at a terminal (the
command line chooses, see `framepilot.cli.output`). Records of the standard `logging` module
(huey, faster-whisper, ...) are rendered the same way, so a pipe only ever sees JSON.
Secrets and user content (transcripts, filenames, prompts, passwords) are replaced by
"[redacted]" in every event at INFO and above. At DEBUG they pass, for local diagnosis.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import structlog

REDACTED = "[redacted]"
SENSITIVE_KEYS = frozenset(
    {
        "password", "secret", "secret_key", "api_key", "openai_api_key", "authorization",
        "token", "filename", "original_filename", "transcript", "text", "prompt",
        "content", "script", "notes", "email", "words",
    }
)
_SECRET_PATTERN = re.compile(r"(sk-[A-Za-z0-9_\-]{8,}|Bearer\s+\S+)")


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return _SECRET_PATTERN.sub(REDACTED, value)
    return value


def redact(_logger: Any, method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: drop user content and secrets from events at INFO and above."""
    if method == "debug":
        return event
    for key in list(event):
        if key.lower() in SENSITIVE_KEYS:
            event[key] = REDACTED
        else:
            event[key] = _redact_value(event[key])
    return event


_configured = False


class _CurrentStderr:
    """Writes to whatever sys.stderr is at the time (test runners swap it per test)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


# Bound context that helps a log reader but not a person watching one command run.
HUMAN_HIDDEN_KEYS = frozenset({"timestamp", "user_id", "video_id", "job_id", "component", "logger"})


def render_human(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> str:
    """One short line: "warning: analyse_shots.loudness_unavailable (error_type=LoudnessError)"."""
    level = event.pop("level", _method)
    text = str(event.pop("event", ""))
    error = event.pop("exception", None)
    details = ", ".join(f"{k}={v}" for k, v in event.items() if k not in HUMAN_HIDDEN_KEYS and v is not None)
    line = f"{level}: {text}" + (f" ({details})" if details else "")
    if error:  # the exception's last line; the traceback is for --log-json / DEBUG
        line += f": {str(error).strip().splitlines()[-1]}"
    return line


def configure_logging(level: str = "INFO", stream: Any = None, *, human: bool = False) -> None:
    """Configure structlog and the standard `logging` module for this process.

    JSON lines by default; `human=True` renders short lines for a terminal.
    """
    global _configured
    stream = stream or _CurrentStderr()
    common: list[Any] = [structlog.processors.add_log_level]
    if not human:
        common.append(structlog.processors.TimeStamper(fmt="iso", utc=True))
    common.append(redact)
    renderer: Any = render_human if human else structlog.processors.JSONRenderer()

    handler = logging.StreamHandler(stream)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.add_logger_name, *common],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    ))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            *common,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )
    _configured = True


def get_logger(**context: Any) -> structlog.stdlib.BoundLogger:
    if not _configured:
        configure_logging()
    return structlog.get_logger("framepilot").bind(**context)


@contextmanager
def log_stage(log: Any, stage: str, **context: Any) -> Iterator[Any]:
    """Log a stage's start and end with its duration; yields a child logger bound to it."""
    child = log.bind(stage=stage, **context)
    started = time.perf_counter()
    child.info("stage.start")
    try:
        yield child
    except BaseException as exc:
        child.warning(
            "stage.failed",
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
            error_type=type(exc).__name__,
        )
        raise
    child.info("stage.done", duration_ms=round((time.perf_counter() - started) * 1000, 1))
