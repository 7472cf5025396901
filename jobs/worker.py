"""The worker process (`framepilot worker`). Idles until the jobs issue gives it work."""

from __future__ import annotations

import signal
import time

from framepilot.logs import get_logger
from framepilot.settings import Settings


def run_worker(settings: Settings) -> int:
    log = get_logger(component="worker")
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    log.info("worker.idle")
    while not stopping:
        time.sleep(0.5)
    log.info("worker.stopped")
    return 0
