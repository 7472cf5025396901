"""What a client can make the web server hold through Streamlit's upload endpoint.

Streamlit keeps uploaded files in memory until their browser session removes them or
ends. A scripted client opens SESSIONS browser sessions (what loading the sign-in page
does) and PUTs FILES files of FILE_MB MB into each, keeping the sessions open, then the
web server's RSS is read. Three runs, each on a fresh server with FRAMEPILOT_MAX_UPLOAD_MB
= FILE_MB (so the per-session cap is 3 files and the server-wide cap 10 files):

- before: Streamlit alone (app.py), as `framepilot run` served it before FramePilot's layer;
- after, not signed in: `streamlit run app.py`, the server `framepilot run` starts now;
- after, signed in: the same, the attacker holding a valid session cookie.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import Counter
from pathlib import Path

from testkit.streamlit_client import StreamlitClient
from testkit.web_server import WebServer

SESSIONS, FILES, FILE_MB = 4, 5, 20
MB = 1024 * 1024


async def _warm_up(url: str) -> None:
    """One session first, so the baseline includes the app's first run (imports, caches)."""
    async with StreamlitClient(url) as client:
        await client.open_session()
        await asyncio.sleep(2)


async def _attack(url: str, cookies: dict[str, str] | None, server: WebServer) -> tuple[Counter, float]:
    clients = [StreamlitClient(url, cookies) for _ in range(SESSIONS)]
    ids = [await c.open_session() for c in clients]
    statuses: Counter = Counter()
    for client, session_id in zip(clients, ids):
        for _ in range(FILES):
            statuses[(await client.upload(session_id, FILE_MB * MB - 4096)).status_code] += 1
    await asyncio.sleep(1)
    rss = server.rss_mb()  # read while every session is still open and holding its files
    for client in clients:
        await client.close()
    return statuses, rss


def run(label: str, app: str, signed_in: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp, WebServer(Path(tmp) / "data", app=app, max_upload_mb=FILE_MB) as server:
        cookies = None
        if signed_in:
            from testkit.web_session import signed_in_cookies

            cookies = signed_in_cookies(server, "attacker@example.com")
        asyncio.run(_warm_up(server.url))
        rss_before = server.rss_mb()
        started = time.perf_counter()
        statuses, rss_after = asyncio.run(_attack(server.url, cookies, server))
        answered = ", ".join(f"{n} x {code}" for code, n in sorted(statuses.items()))
        print(f"{label}: {SESSIONS} sessions x {FILES} files x {FILE_MB} MB = {SESSIONS * FILES * FILE_MB} MB sent; "
              f"answers {answered}; accepted and held {statuses[204] * FILE_MB} MB; server RSS "
              f"{rss_before:.0f} -> {rss_after:.0f} MB ({rss_after - rss_before:+.0f}) in "
              f"{time.perf_counter() - started:.1f} s")


def main() -> None:
    print(__doc__.strip().splitlines()[0])
    run("before, not signed in (Streamlit alone)", "streamlit", signed_in=False)
    run("after, not signed in (app.py)          ", "web", signed_in=False)
    run("after, signed in (app.py)              ", "web", signed_in=True)


if __name__ == "__main__":
    main()
