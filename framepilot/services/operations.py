"""What operators watch, read when Prometheus scrapes (`framepilot.core.metrics`): how many
messages wait in each job queue and how many jobs the store holds in each state. Both are
totals over every user and hold no user data."""

from __future__ import annotations

from framepilot.core.metrics import StoreCollector
from framepilot.models import JobStatus
from framepilot.queue.huey_queue import get_queue, queue_name
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo


def queue_depths(settings: Settings) -> dict[str, int]:
    return {queue_name(settings): get_queue(settings).pending()}


def jobs_by_state(db: Database) -> dict[str, int]:
    counted = repo.count_jobs_by_status(db)
    return {status.value: counted.get(status.value, 0) for status in JobStatus}


def store_collector(db: Database, settings: Settings) -> StoreCollector:
    return StoreCollector(lambda: queue_depths(settings), lambda: jobs_by_state(db))
