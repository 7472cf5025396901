"""Keeps third-party native log lines (mediapipe's absl/glog lines, TensorFlow Lite's "INFO:"
lines, protobuf 6's `GetPrototype` complaint) off the user's terminal and out of INFO logs.

They come from C++ writing straight to file descriptor 2, or from an extension module printing
its own import error, so neither logging levels nor GLOG_minloglevel / TF_CPP_MIN_LOG_LEVEL /
ABSL_MIN_LOG_LEVEL silence them (measured with mediapipe 0.10.21: all three still print).
`native_noise_filtered()` therefore points fd 2 and `sys.stderr` at a scratch file around the
calls that print, then passes every line that is not known noise back to where it was going
and logs the noise at DEBUG. Nothing else written meanwhile (by any thread) is lost: it is
only held back until the block ends.
"""

from __future__ import annotations

import io
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from framepilot.core.logs import get_logger

NOISE = re.compile(
    r"^("
    r"[IW]\d{4} [\d:.]+\s+\d+ [^\]\s]+:\d+\] .*"  # absl/glog INFO and WARNING lines
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|INFO: .*"  # TensorFlow Lite's own INFO lines ("Created TensorFlow Lite XNNPACK delegate")
    r"|AttributeError: 'MessageFactory' object has no attribute 'GetPrototype'"
    r")$"
)

_lock = threading.RLock()
_depth = 0


# Where a noise line may begin in the middle of a line: a progress bar redrawn (with \r and no
# newline) by another thread while the block runs shares its line with the noise that follows.
NOISE_START = re.compile(r"WARNING: All log messages before absl|[IW]\d{4} [\d:.]+\s+\d+ [^\]\s]+:\d+\] |INFO: "
                         r"|AttributeError: 'MessageFactory'")


def split_noise(text: str) -> tuple[str, list[str]]:
    """(`text` without the noise lines, the noise lines). Other text is kept byte for byte, also
    when noise was written straight after it on the same line (then only the noise is taken)."""
    kept, noise = [], []
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\r\n")
        if NOISE.match(bare):
            noise.append(bare)
            continue
        start = NOISE_START.search(bare)
        if start is not None and start.start() > 0 and NOISE.match(bare[start.start():]):
            kept.append(bare[:start.start()])
            noise.append(bare[start.start():])
        else:
            kept.append(line)
    return "".join(kept), noise


@contextmanager
def native_noise_filtered() -> Iterator[None]:
    """Filter the noise from whatever reaches fd 2 or `sys.stderr` inside the block.

    Re-entrant; blocks of different threads run one at a time (fd 2 is one per process).
    """
    global _depth
    with _lock:
        if _depth:
            _depth += 1
            try:
                yield
            finally:
                _depth -= 1
            return
        _depth = 1
        python_stderr, python_text = sys.stderr, io.StringIO()
        with tempfile.TemporaryFile() as native_file:
            _flush(python_stderr)
            saved_fd = os.dup(2)
            try:
                os.dup2(native_file.fileno(), 2)
                sys.stderr = python_text
                yield
            finally:
                sys.stderr = python_stderr
                _flush(python_stderr)  # text other threads left in its buffer belongs to the capture
                os.dup2(saved_fd, 2)
                os.close(saved_fd)
                _depth = 0
                native_file.seek(0)
                _release(native_file.read().decode("utf-8", errors="replace"), python_text.getvalue(),
                         python_stderr)


def _release(native: str, python: str, python_stderr) -> None:  # noqa: ANN001
    """Pass on what is not noise (native text to fd 2, Python text to `sys.stderr`); log the rest."""
    kept, noise = split_noise(native)
    data = kept.encode()
    while data:
        data = data[os.write(2, data):]
    kept, more_noise = split_noise(python)
    if kept:
        python_stderr.write(kept)
        _flush(python_stderr)
    noise += more_noise
    if noise:
        get_logger(component="native").debug("native.stderr", lines=noise)


def _flush(stream) -> None:  # noqa: ANN001
    try:
        stream.flush()
    except (AttributeError, OSError, ValueError):
        pass
