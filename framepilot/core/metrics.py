"""Prometheus metrics for operators: the API process serves them at `/metrics`, each worker
on `FRAMEPILOT_WORKER_METRICS_PORT`.

Counted where things happen (API request latency by route, stage durations, failures by
reason); read from the queue and the store at scrape time (queue depth per queue, jobs
by state), so every process reports the same totals. No label carries user content:
routes are templates (`/api/jobs/{job_id}`), reasons are exception class names.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

REGISTRY = CollectorRegistry(auto_describe=True)

API_LATENCY = Histogram(
    "framepilot_api_request_duration_seconds", "API request latency, by route template, method and status",
    ["route", "method", "status"], registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
STAGE_DURATION = Histogram(
    "framepilot_stage_duration_seconds", "How long each pipeline stage of a job took",
    ["job_type", "stage"], registry=REGISTRY,
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800),
)
FAILURES = Counter(
    "framepilot_job_failures_total", "Jobs that failed, by job type and reason (the error's class)",
    ["job_type", "reason"], registry=REGISTRY,
)


class StoreCollector:
    """Queue depth and jobs by state, read when Prometheus scrapes."""

    def __init__(self, queue_depths: Callable[[], dict[str, int]], jobs_by_state: Callable[[], dict[str, int]]) -> None:
        self._queue_depths, self._jobs_by_state = queue_depths, jobs_by_state

    def describe(self):  # noqa: ANN201 - no samples at registration time
        return []

    def collect(self):  # noqa: ANN201
        depth = GaugeMetricFamily("framepilot_queue_depth", "Messages waiting in each job queue", labels=["queue"])
        for name, count in self._queue_depths().items():
            depth.add_metric([name], count)
        yield depth
        jobs = GaugeMetricFamily("framepilot_jobs", "Jobs in the store, by state", labels=["state"])
        for state, count in self._jobs_by_state().items():
            jobs.add_metric([state], count)
        yield jobs


class StageTimer:
    """Wraps a job's progress callback: each stage's time runs from its first report to the
    next stage's (or the job's end)."""

    def __init__(self, job_type: str, progress: Callable[[str, int], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._job_type, self._progress, self._clock = job_type, progress, clock
        self._stage: str | None = None
        self._since = 0.0

    def __call__(self, stage: str, percent: int) -> None:
        if stage != self._stage:
            self.finish()
            self._stage, self._since = stage, self._clock()
        self._progress(stage, percent)

    def finish(self) -> None:
        if self._stage is not None:
            STAGE_DURATION.labels(self._job_type, self._stage).observe(self._clock() - self._since)
            self._stage = None


def process_registry(*collectors: object) -> CollectorRegistry:
    """What one process serves: the shared metrics above plus this process's scrape-time collectors."""
    registry = CollectorRegistry()
    registry.register(REGISTRY)  # a registry is itself a collector
    for collector in collectors:
        registry.register(collector)
    return registry


class RequestTimer:
    """Pure ASGI middleware: each HTTP request's latency by route template (`/api/jobs/{job_id}`,
    never the path itself, so no ids or user input become labels), method and status."""

    def __init__(self, app) -> None:  # noqa: ANN001 - an ASGI app
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [500]

        async def send_watched(message) -> None:  # noqa: ANN001
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)
        try:
            await self.app(scope, receive, send_watched)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            API_LATENCY.labels(route, scope["method"], str(status[0])).observe(time.perf_counter() - started)
