"""CPU per `GET /api/jobs/{id}` inside the API process, without sockets or a load generator:
the ASGI app called directly, as uvicorn would, on a fresh data folder.

    python bench/profile_job_read.py [N] [--profile]

Prints CPU ms per request (process time over N requests after a warm-up) and, with --profile,
the cProfile top 30 by cumulative time. Bounded: N requests (default 2,000), one process.
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(data_dir: Path):
    from framepilot.api.app import create_app
    from framepilot.auth import tokens
    from framepilot.models import AnalysisParams
    from framepilot.services import accounts
    from framepilot.services.ingest import ingest_path
    from framepilot.settings import load_settings
    from framepilot.store import open_database
    from framepilot.store import repository as repo

    settings = load_settings(data_dir=data_dir, api_rate_limit="1000000/minute", log_level="WARNING")
    db = open_database(settings)
    user = accounts.add_user(db, "profile@example.com", "profile password 123")
    video = ingest_path(db, settings, user, ROOT / "framepilot" / "assets" / "sample.mp4").video
    job = repo.create_job(db, user, video.id, AnalysisParams(modes=["scene_director"], provider="local"))
    return create_app(settings), tokens.create_token(db, user, "profile").secret, job.id


async def _call(app, path: str, token: str) -> int:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {token}".encode())],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 8502)}
    status = 0

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def _run(app, token: str, job_id: str, n: int) -> list[int]:
    return [await _call(app, f"/api/jobs/{job_id}", token) for _ in range(n)]


def measure(n: int, profiler: cProfile.Profile | None = None) -> tuple[float, float]:
    """(CPU ms, wall ms) per request over n requests after a warm-up, on a fresh data folder."""
    with tempfile.TemporaryDirectory() as tmp:
        app, token, job_id = _setup(Path(tmp) / "data")
        statuses = asyncio.run(_run(app, token, job_id, 50))  # warm-up (imports, caches, thread pool)
        assert set(statuses) == {200}, statuses
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        statuses = asyncio.run(_run(app, token, job_id, n))
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        assert set(statuses) == {200}, set(statuses)
        app.state.db.close()
    return cpu / n * 1e3, wall / n * 1e3


def main() -> None:
    n = int(next((a for a in sys.argv[1:] if a.isdigit()), "2000"))
    profiler = cProfile.Profile() if "--profile" in sys.argv else None
    cpu_ms, wall_ms = measure(n, profiler)
    print(f"GET /api/jobs/{{id}} in-process x{n}: CPU {cpu_ms:.2f} ms/request, "
          f"wall {wall_ms:.2f} ms/request{' (under cProfile)' if profiler else ''}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
