"""HTTP API figures on loopback, with a real `framepilot api` process on a fresh data folder.

- `GET /api/jobs/{id}` latency at 50 concurrent clients (one token each, the per-token rate
  limit raised out of the way): p50/p95/max and requests per second, with everything the route
  does (token lookup by hash, rate-limit check, job read, JSON) on the 2-core machine that also
  runs the load generator.
- Upload of a file at the 100 MB limit (a real H.264 clip, built once and cached): wall time
  to the 202, throughput, and the server's resident memory sampled every 20 ms during the
  upload. Streamed, not buffered: the growth must stay a few MB, not the file's size.

Bounded: about 2,000 job reads and one 100 MB upload; no worker runs (the job stays queued).
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import imageio_ffmpeg
import psutil

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache" / "api"
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
CLIENTS = 50
REQUESTS_PER_CLIENT = 40
LIMIT_MB = 100
SAMPLE = ROOT / "framepilot" / "assets" / "sample.mp4"


def big_clip() -> Path:
    """A real H.264 clip just under the 100 MiB upload limit (lossless test pattern, cut by size)."""
    out = CACHE / "limit.mp4"
    if not out.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
             "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "120",
             "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", "-c:a", "aac",
             "-fs", str(LIMIT_MB * 1024 * 1024 - 2 * 1024 * 1024), "-movflags", "+faststart", str(out)],
            check=True,
        )
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Api:
    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMEPILOT_")}
        env.update(FRAMEPILOT_DATA_DIR=str(data_dir), FRAMEPILOT_API_PORT=str(self.port),
                   FRAMEPILOT_HOST="127.0.0.1", FRAMEPILOT_API_RATE_LIMIT="100000/minute",
                   FRAMEPILOT_MAX_UPLOAD_MB=str(LIMIT_MB), FRAMEPILOT_LOG_LEVEL="WARNING",
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        self.log = data_dir.parent / "api.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "framepilot.cli", "api"], cwd=ROOT, env=env,
                                         stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{self.url}/api/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("the API did not start:\n" + self.log.read_text(errors="replace"))
            time.sleep(0.2)

    def cpu_s(self) -> float:
        times = psutil.Process(self.proc.pid).cpu_times()
        return times.user + times.system

    def rss_mb(self) -> float:
        return psutil.Process(self.proc.pid).memory_info().rss / 1e6

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def _store(data_dir: Path):  # noqa: ANN202 - (db, user, [token, ...])
    from framepilot.auth import tokens
    from framepilot.services import accounts
    from framepilot.settings import load_settings
    from framepilot.store import open_database

    db = open_database(load_settings(data_dir=data_dir))
    user = accounts.add_user(db, "bench@example.com", "bench password 123")
    return db, user, [tokens.create_token(db, user, f"client {i}").secret for i in range(CLIENTS)]


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


async def _job_reads(url: str, tokens: list[str], job_id: str) -> tuple[list[float], float, dict[int, int]]:
    latencies: list[float] = []
    codes: dict[int, int] = {}
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as http:

        async def client(token: str) -> None:
            headers = {"Authorization": f"Bearer {token}"}
            for _ in range(REQUESTS_PER_CLIENT):
                started = time.perf_counter()
                response = await http.get(f"/api/jobs/{job_id}", headers=headers)
                latencies.append((time.perf_counter() - started) * 1000)
                codes[response.status_code] = codes.get(response.status_code, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(client(t) for t in tokens))
        wall = time.perf_counter() - started
    return latencies, wall, codes


def upload_with_memory(api: Api, token: str, clip: Path) -> tuple[httpx.Response, float, list[float], float]:
    samples: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.02):
            samples.append(api.rss_mb())

    baseline = api.rss_mb()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    with open(clip, "rb") as fh:
        response = httpx.post(f"{api.url}/api/videos", headers={"Authorization": f"Bearer {token}"},
                              files={"file": (clip.name, fh, "video/mp4")}, data={"modes": "scene_director"},
                              timeout=300)
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    return response, wall, samples, baseline


def main() -> None:
    clip = big_clip()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        db, user, tokens = _store(data_dir)
        api = Api(data_dir)
        try:
            # The upload first, so its memory is not mixed with the load test's; a small upload before
            # it loads what any upload needs (multipart parsing, the probe's PyAV) into the server.
            warm, *_ = upload_with_memory(api, tokens[1], SAMPLE)
            assert warm.status_code == 202, warm.text
            response, wall, samples, baseline = upload_with_memory(api, tokens[0], clip)
            size_mb = clip.stat().st_size / 1e6
            print(f"upload of {size_mb:.1f} MB (limit {LIMIT_MB} MiB): HTTP {response.status_code} in {wall:.2f} s "
                  f"= {size_mb / wall:.0f} MB/s (includes the probe and the queueing)")
            print(f"server RSS during the upload: before {baseline:.1f} MB, peak {max(samples):.1f} MB "
                  f"(+{max(samples) - baseline:.1f} MB), after {api.rss_mb():.1f} MB, {len(samples)} samples")
            job_id = response.json()["job"]["id"]
            asyncio.run(_job_reads(api.url, tokens[:5], job_id))  # warm-up
            alone, alone_wall, _ = asyncio.run(_job_reads(api.url, tokens[:1], job_id))
            print(f"GET /api/jobs/{{id}}, 1 client x {REQUESTS_PER_CLIENT} (baseline): p50 {_pct(alone, 50):.1f} ms, "
                  f"p95 {_pct(alone, 95):.1f} ms")
            server_cpu, client_cpu = api.cpu_s(), time.process_time()
            latencies, wall, codes = asyncio.run(_job_reads(api.url, tokens, job_id))
            server_cpu, client_cpu = api.cpu_s() - server_cpu, time.process_time() - client_cpu
            print(f"GET /api/jobs/{{id}}, {CLIENTS} concurrent clients x {REQUESTS_PER_CLIENT}: "
                  f"p50 {_pct(latencies, 50):.1f} ms, p95 {_pct(latencies, 95):.1f} ms, max {max(latencies):.1f} ms, "
                  f"{len(latencies) / wall:.0f} req/s, status codes {codes}")
            print(f"CPU per request: server {server_cpu / len(latencies) * 1000:.1f} ms, load generator "
                  f"{client_cpu / len(latencies) * 1000:.1f} ms; load average at the end "
                  f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (the machine is shared)")
        finally:
            api.stop()
    # The same route without sockets or a load generator (bench/profile_job_read.py): a figure
    # that a loaded machine moves much less than the latencies above.
    from bench.profile_job_read import measure

    cpu_ms, wall_ms = measure(2000)
    print(f"GET /api/jobs/{{id}} in-process (ASGI app called directly, one at a time) x2000: "
          f"CPU {cpu_ms:.2f} ms/request, wall {wall_ms:.2f} ms/request")
