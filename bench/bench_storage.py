"""Media storage figures for a 100 MB file, local folder vs S3 (moto's S3 server in its own
process, so S3 figures are moto's speed on this machine, not AWS's):

- upload (`put_file`, `put_stream`) and download (`download_to`, `iter_chunks`): time,
  throughput and this process's peak RSS growth and Python heap peak;
- for S3, obstore's own file upload (`obstore.put(Path)`) as the floor our put is compared to;
- serving the video to a browser: a presigned URL fetched straight from S3, against the app
  streaming it itself (a Starlette proxy over `iter_chunks`, run by uvicorn in a child
  process): time to first byte, total time, and the proxy's peak RSS growth.

Set BENCH_STORAGE_MB to use another size. Run: `python -m bench storage`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from framepilot.media_storage import MediaStorage, keys, open_storage
from framepilot.settings import load_settings
from testkit.measure import PeakMemory, write_random_file
from testkit.servers import free_port, start_moto, stop_moto, wait_until

ROOT = Path(__file__).resolve().parent.parent

MB = 1024 * 1024
SIZE_MB = int(os.environ.get("BENCH_STORAGE_MB", "100"))
KEY = keys.upload_key("bench", "video", ".mp4")
S3_ENV = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1"}

PROXY = """
import sys
import uvicorn
from starlette.applications import Starlette
from starlette.responses import StreamingResponse
from starlette.routing import Route
from framepilot.settings import load_settings
from framepilot.media_storage import open_storage

storage = open_storage(load_settings())

async def video(request):
    return StreamingResponse(storage.iter_chunks(request.path_params["key"]), media_type="video/mp4")

app = Starlette(routes=[Route("/media/{key:path}", video)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def row(name: str, m: PeakMemory) -> str:
    return (f"| {name} | {m.seconds:.2f} s | {SIZE_MB / m.seconds:.0f} MB/s | "
            f"+{m.rss_growth / MB:.0f} MB | {m.heap_peak / MB:.1f} MB |")


def transfers(label: str, storage: MediaStorage, source: Path, work: Path) -> list[str]:
    rows = []
    with PeakMemory() as m:
        storage.put_file(KEY, source)
    rows.append(row(f"{label} put_file", m))
    with open(source, "rb") as fh, PeakMemory() as m:
        storage.put_stream(KEY, fh, max_bytes=2 * SIZE_MB * MB)
    rows.append(row(f"{label} put_stream (upload path, limit checked)", m))
    with PeakMemory() as m:
        storage.download_to(KEY, work / "back.mp4")
    rows.append(row(f"{label} download_to", m))
    with PeakMemory() as m:
        for _ in storage.iter_chunks(KEY):
            pass
    rows.append(row(f"{label} iter_chunks", m))
    return rows


def obstore_floor(storage: MediaStorage, source: Path) -> str:
    import obstore

    with PeakMemory() as m:
        obstore.put(storage._store, "floor.bin", source, chunk_size=8 * MB, max_concurrency=4)
    return row("s3 obstore.put(Path) (floor, no hashing)", m)


def fetch(url: str) -> tuple[float, float, int]:
    """(time to first byte, total seconds, bytes) of one streamed GET."""
    started = time.perf_counter()
    first, size = None, 0
    with httpx.stream("GET", url, timeout=300) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes(MB):
            first = first or time.perf_counter() - started
            size += len(chunk)
    return first, time.perf_counter() - started, size


def browser_paths(storage: MediaStorage, env: dict[str, str]) -> list[str]:
    port = free_port()
    proxy = subprocess.Popen([sys.executable, "-c", PROXY, str(port)], cwd=ROOT, env=env)
    try:
        wait_until(lambda: _answers(f"http://127.0.0.1:{port}/"), 30, "the proxy to start")
        first, total, size = fetch(storage.url_for_browser(KEY, 600))
        lines = [(f"| presigned URL, straight from S3 | {first * 1000:.0f} ms | {total:.2f} s | "
                  f"{size / MB / total:.0f} MB/s | – (app not involved) |")]
        with PeakMemory(proxy.pid) as m:
            first, total, size = fetch(f"http://127.0.0.1:{port}/media/{KEY}")
        lines.append(f"| proxied by the app (`iter_chunks` → StreamingResponse) | {first * 1000:.0f} ms | "
                     f"{total:.2f} s | {size / MB / total:.0f} MB/s | +{m.rss_growth / MB:.0f} MB |")
        return lines
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=1)
        return True
    except httpx.HTTPError:
        return False


def main() -> None:
    import boto3

    print(f"{SIZE_MB} MB of random bytes; local folder on this machine's disk; moto 5 S3 server in a child process\n")
    print("| operation | time | throughput | RSS growth | Python heap peak |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="fp-bench-storage-") as tmp:
        work = Path(tmp)
        source = write_random_file(work / "source.mp4", SIZE_MB * MB)
        local = open_storage(load_settings(data_dir=work / "data", storage_url=str(work / "media")))
        for line in transfers("local", local, source, work):
            print(line, flush=True)

        moto, endpoint = start_moto()
        try:
            bucket = f"bench-{uuid.uuid4().hex[:8]}"
            boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="bench",
                         aws_secret_access_key="bench").create_bucket(Bucket=bucket)
            env = {**os.environ, **S3_ENV, "FRAMEPILOT_STORAGE_URL": f"s3://{bucket}/bench",
                   "FRAMEPILOT_S3_ENDPOINT_URL": endpoint, "PYTHONPATH": str(ROOT)}
            os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
            s3 = open_storage(load_settings())
            print(obstore_floor(s3, source), flush=True)
            for line in transfers("s3", s3, source, work):
                print(line, flush=True)
            print("\nServing the stored video to a browser (one client, whole file):\n")
            print("| path | first byte | total | throughput | app process RSS growth |")
            print("|---|---|---|---|---|")
            for line in browser_paths(s3, env):
                print(line, flush=True)
        finally:
            stop_moto(moto)


if __name__ == "__main__":
    main()
