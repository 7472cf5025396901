"""The job queue seam: `base.JobQueue` (the protocol), `huey_queue` (SQLite or Redis, chosen by
settings) and `messages` (the JSON wire format: a job id, never pickle)."""

from framepilot.queue.base import JobQueue as JobQueue
from framepilot.queue.base import JobRunner as JobRunner
from framepilot.queue.huey_queue import get_queue as get_queue
from framepilot.queue.huey_queue import set_job_runner as set_job_runner

__all__ = ["JobQueue", "JobRunner", "get_queue", "set_job_runner"]
