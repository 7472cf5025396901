"""Issue 19's figures for the API and web faces, on this tree (the "before" figures in
bench/results/bench_hardening.md came from the same measurements run on main at 0217f13):

- a 1 GB JSON body without a token: the API's answer, time and RSS, and other requests meanwhile;
- what one account holds of the web upload pool with uploads trickling a byte every 5 s;
- store queries per second with 500 open job event streams (SQLite, a queued job).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil
from cryptography.fernet import Fernet

from testkit.streamlit_client import StreamlitClient
from testkit.web_server import WebServer, free_port
from testkit.web_session import signed_in_cookies

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "framepilot" / "assets" / "sample.mp4"

# `framepilot api` with every store query counted (written to $COUNT_FILE twice a second).
COUNTING_API = """
import os, sys, threading, time
import framepilot.store.sqlite as sq
count = [0]
execute = sq._Connection.execute
def counted(self, sql, params=()):
    count[0] += 1
    return execute(self, sql, params)
sq._Connection.execute = counted
def dump():
    while True:
        with open(os.environ["COUNT_FILE"] + ".tmp", "w") as f:
            f.write(f"{time.monotonic()} {count[0]}")
        os.replace(os.environ["COUNT_FILE"] + ".tmp", os.environ["COUNT_FILE"])
        time.sleep(0.5)
threading.Thread(target=dump, daemon=True).start()
from framepilot.cli.main import main
sys.exit(main(["api"]))
"""


def _api(data_dir: Path, **env: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FRAMEPILOT_")}
    environ.update(FRAMEPILOT_DATA_DIR=str(data_dir), FRAMEPILOT_API_PORT=str(port), FRAMEPILOT_HOST="127.0.0.1",
                   FRAMEPILOT_LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT), **env)
    command = [sys.executable, "-c", COUNTING_API] if "COUNT_FILE" in env else [
        sys.executable, "-m", "framepilot.cli", "api"]
    proc = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(url + "/api/openapi.json", timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("the API did not start")


def big_body(gb: float = 1.0, chunked: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = _api(Path(tmp) / "data")
        try:
            rss = lambda: psutil.Process(proc.pid).memory_info().rss / 2**20  # noqa: E731
            base, peak, waits, stop = rss(), [0.0], [0.0], threading.Event()

            def watch() -> None:
                while not stop.is_set():
                    peak[0] = max(peak[0], rss())
                    started = time.perf_counter()
                    httpx.get(url + "/api/jobs", timeout=120)
                    waits[0] = max(waits[0], time.perf_counter() - started)
                    time.sleep(0.1)
            watcher = threading.Thread(target=watch)
            watcher.start()
            item = b'"' + b"a" * 62 + b'",'
            chunk, count = item * (2**20 // len(item)), int(gb * 1024)
            head, tail = b'{"enabled": [', b'"a"]}'
            size = len(head) + count * len(chunk) + len(tail)
            headers = {"Content-Type": "application/json", **({} if chunked else {"Content-Length": str(size)})}
            started = time.perf_counter()
            try:
                answer = httpx.patch(url + "/api/videos/x/cuts", content=iter([head, *[chunk] * count, tail]),
                                     headers=headers, timeout=600).status_code
            except httpx.HTTPError as exc:
                answer = type(exc).__name__
            took = time.perf_counter() - started
            time.sleep(0.5)
            stop.set()
            watcher.join()
            print(f"{gb:.0f} GB JSON body, no token, {'chunked' if chunked else 'with Content-Length'}: answer "
                  f"{answer} after {took:.2f} s; API RSS {base:.0f} -> peak {peak[0]:.0f} MB; other requests "
                  f"waited up to {waits[0]:.2f} s; load {os.getloadavg()[0]:.2f}")
        finally:
            proc.terminate()
            proc.wait(15)


async def _trickle(client: StreamlitClient, session_id: str, name: str) -> float:
    head = (b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n'
            b"Content-Type: video/mp4\r\n\r\n")

    async def body():  # noqa: ANN202
        yield head
        while True:
            await asyncio.sleep(5)
            yield b"\0"
    started = time.monotonic()
    try:
        await client.http.put(f"/_stcore/upload_file/{session_id}/{name}", content=body(), timeout=180, headers={
            "X-Xsrftoken": client.xsrf, "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(len(head) + 2**20)})
    except httpx.HTTPError:
        pass
    return time.monotonic() - started


def upload_pool(watch_s: float = 90) -> None:
    with tempfile.TemporaryDirectory() as tmp, WebServer(Path(tmp) / "data", max_upload_mb=20) as server:
        attacker, other = signed_in_cookies(server, "mallory@example.com"), signed_in_cookies(server, "olga@example.com")

        async def attack() -> tuple[int, int, list[float]]:
            clients = [StreamlitClient(server.url, attacker) for _ in range(6)]
            ids = [await c.open_session() for c in clients]
            victim = StreamlitClient(server.url, other)
            victim_id = await victim.open_session()
            slow = [asyncio.create_task(_trickle(c, i, f"t{n}")) for n, (c, i) in enumerate(zip(clients, ids))]
            await asyncio.sleep(3)
            early = (await victim.upload(victim_id, 65536)).status_code
            done, _ = await asyncio.wait(slow, timeout=watch_s)
            late = (await victim.upload(victim_id, 65536)).status_code
            for task in slow:
                task.cancel()
            for c in [*clients, victim]:
                await c.close()
            return early, late, sorted(t.result() for t in done)

        early, late, ended = asyncio.run(attack())
        print(f"one account, 6 uploads trickling a byte every 5 s into a pool of {server.settings.upload_concurrency}: "
              f"another user's upload at 3 s {early}, at {watch_s:.0f} s {late}; attacker uploads ended (cut off or "
              f"refused) after {[round(t) for t in ended]} s; load {os.getloadavg()[0]:.2f}")


def stream_queries(streams: int = 500, users: int = 1) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data, count_file, key = Path(tmp) / "data", f"{tmp}/count", Fernet.generate_key().decode()
        os.environ.update(FRAMEPILOT_DATA_DIR=str(data), FRAMEPILOT_SECRET_KEY=key)
        from framepilot.auth import tokens
        from framepilot.services import accounts
        from framepilot.settings import get_settings
        from framepilot.store import open_database

        get_settings.cache_clear()
        db = open_database(get_settings())
        secrets = [tokens.create_token(db, accounts.add_user(db, f"u{u}@example.com", "a long enough password here"),
                                       "bench").secret for u in range(users)]
        proc, url = _api(data, FRAMEPILOT_SECRET_KEY=key, FRAMEPILOT_API_RATE_LIMIT="100000/minute",
                         FRAMEPILOT_API_STREAMS_PER_USER=str(streams), COUNT_FILE=count_file)
        try:
            jobs = [httpx.post(url + "/api/videos", headers={"Authorization": f"Bearer {s}"}, timeout=120,
                               files={"file": ("sample.mp4", SAMPLE.read_bytes(), "video/mp4")}).json()["job"]["id"]
                    for s in secrets]

            def rate(seconds: float) -> float:
                def read() -> tuple[float, int]:
                    t, n = Path(count_file).read_text().split()
                    return float(t), int(n)
                (t0, n0), _, (t1, n1) = read(), time.sleep(seconds), read()
                return (n1 - n0) / (t1 - t0)

            opened: list[int] = []

            async def follow(i: int) -> None:
                async with httpx.AsyncClient(base_url=url, timeout=None) as http, http.stream(
                        "GET", f"/api/jobs/{jobs[i % users]}/events",
                        headers={"Authorization": f"Bearer {secrets[i % users]}"}) as response:
                    opened.append(response.status_code)
                    async for _ in response.aiter_lines():
                        pass

            async def run() -> float:
                tasks = [asyncio.create_task(follow(i)) for i in range(streams)]
                while len(opened) < streams:
                    await asyncio.sleep(0.5)
                await asyncio.sleep(3)
                queries = await asyncio.to_thread(rate, 10)
                for task in tasks:
                    task.cancel()
                return queries

            queries = asyncio.run(run())
            print(f"{streams} open job event streams over {users} user(s), SQLite: {queries:.0f} store queries/s "
                  f"(answers {sorted(set(opened))}); load {os.getloadavg()[0]:.2f}")
        finally:
            proc.terminate()
            proc.wait(15)


def main() -> None:
    print(__doc__.strip().splitlines()[0])
    big_body()
    big_body(chunked=True)
    upload_pool()
    stream_queries(500, 1)
    stream_queries(500, 50)


if __name__ == "__main__":
    main()
