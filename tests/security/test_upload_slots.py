"""One account cannot hold the upload pool: a few uploads at once per account, and a
sender that trickles is cut off once its grace period is over, its slot freed. Before,
four uploads of one account sending a byte every 5 s made everyone's upload answer 503
for as long as they liked. Both upload faces, over real HTTP: the web layer in front of
Streamlit's upload endpoint and `POST /api/videos`."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from framepilot.auth import tokens
from framepilot.services import accounts
from framepilot.settings import load_settings
from framepilot.store import open_database
from testkit.streamlit_client import StreamlitClient
from testkit.web_session import WebServer, signed_in_cookies
from tests.support.processes import PROJECT_ROOT, ApiProcess

PACE = {"upload_per_user": 2, "upload_min_kbps": 16, "upload_grace_s": 3}
CUT_OFF_WITHIN_S = 15  # grace 3 s, then the first byte that is late; generous for a busy machine
SAMPLE = PROJECT_ROOT / "framepilot" / "assets" / "sample.mp4"
HEAD = (b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n'
        b"Content-Type: video/mp4\r\n\r\n")


async def trickle(http: httpx.AsyncClient, method: str, url: str, headers: dict[str, str]) -> tuple[object, float]:
    """Announce 1 MB, send the part's headers, then a byte every 2 s: (answer or error, seconds)."""
    async def body():  # noqa: ANN202
        yield HEAD
        for _ in range(60):
            await asyncio.sleep(2)
            yield b"\0"
    started = time.monotonic()
    try:
        response = await http.request(method, url, content=body(), timeout=150, headers={
            **headers, "Content-Type": "multipart/form-data; boundary=x", "Content-Length": str(len(HEAD) + 2**20)})
        outcome: object = response.status_code
    except httpx.HTTPError as exc:  # cut off while still sending
        outcome = type(exc).__name__
    return outcome, time.monotonic() - started


def test_the_web_upload_guard_gives_one_account_its_share_and_cuts_off_a_trickle(tmp_path):
    with WebServer(tmp_path / "data", max_upload_mb=2, upload_session_mb=4, upload_total_mb=64,
                   upload_concurrency=4, **PACE) as server:
        attacker, other = signed_in_cookies(server, "mallory@example.com"), signed_in_cookies(server, "olga@example.com")

        async def attack():  # noqa: ANN202
            clients = [StreamlitClient(server.url, attacker) for _ in range(3)] + [StreamlitClient(server.url, other)]
            ids = [await c.open_session() for c in clients]
            slow = [asyncio.create_task(trickle(c.http, "PUT", f"/_stcore/upload_file/{i}/slow",
                                                {"X-Xsrftoken": c.xsrf})) for c, i in zip(clients[:2], ids[:2])]
            await asyncio.sleep(1.5)
            third = await clients[2].upload(ids[2], 65536)
            others = await clients[3].upload(ids[3], 65536)
            ended = await asyncio.wait_for(asyncio.gather(*slow), CUT_OFF_WITHIN_S)
            after = await clients[2].upload(ids[2], 65536)
            for c in clients:
                await c.close()
            return third, others.status_code, ended, after.status_code

        third, others, ended, after = asyncio.run(attack())
    assert third.status_code == 429 and "2 uploads" in third.json()["detail"]
    assert others == 204  # the pool of 4 still had room for someone else
    assert all(outcome != 204 for outcome, _ in ended)
    assert after == 204  # the cut-off trickles freed the account's slots


@pytest.fixture
def api(tmp_path):
    env = {f"FRAMEPILOT_{k.upper()}": str(v) for k, v in PACE.items()}
    process = ApiProcess(tmp_path / "data", tmp_path / "api.log", FRAMEPILOT_MAX_UPLOAD_MB="2", **env).start()
    db = open_database(load_settings(data_dir=tmp_path / "data"))
    user = accounts.add_user(db, "mallory@example.com", "a long and unguessable phrase")
    process.token = tokens.create_token(db, user, "uploads").secret
    yield process
    process.stop()


def test_the_api_gives_one_account_its_share_and_cuts_off_a_trickle(api):
    auth = {"Authorization": f"Bearer {api.token}"}

    async def attack():  # noqa: ANN202
        async with httpx.AsyncClient(base_url=api.url) as http:
            slow = [asyncio.create_task(trickle(http, "POST", "/api/videos", auth)) for _ in range(2)]
            await asyncio.sleep(1.5)
            files = {"file": ("sample.mp4", SAMPLE.read_bytes(), "video/mp4")}
            third = await http.post("/api/videos", files=files, headers=auth, timeout=60)
            ended = await asyncio.wait_for(asyncio.gather(*slow), CUT_OFF_WITHIN_S)
            after = await http.post("/api/videos", files=files, headers=auth, timeout=120)
            return third, ended, after.status_code

    third, ended, after = asyncio.run(attack())
    assert third.status_code == 429 and "2 uploads" in third.json()["detail"]
    assert all(outcome not in (200, 202) for outcome, _ in ended)
    assert after == 202
