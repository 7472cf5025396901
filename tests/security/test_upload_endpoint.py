"""Attacks on Streamlit's upload endpoint, against the real web server `framepilot run`
starts (app.py's st.App), from a scripted client: Streamlit keeps uploads in memory, and before
FramePilot's guard it took them from any session that had merely loaded the sign-in page.
"""

from __future__ import annotations

import asyncio

import pytest

from framepilot.auth import sessions
from framepilot.auth.sessions import COOKIE_NAME
from testkit.streamlit_client import StreamlitClient
from testkit.web_session import WebServer, signed_in_cookies, upload_statuses

MB = 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with WebServer(tmp_path_factory.mktemp("uploads") / "data", max_upload_mb=2, upload_session_mb=4,
                   upload_total_mb=64) as running:
        yield running


def test_a_session_that_has_not_signed_in_cannot_upload(server):
    assert upload_statuses(server, [MB, MB, MB]) == [401, 401, 401]


def test_forged_revoked_and_disabled_cookies_cannot_upload(server):
    cookies = signed_in_cookies(server, "mallory@example.com")
    token, expires, signature = cookies[COOKIE_NAME].split(".")
    forged = {COOKIE_NAME: f"{token}.{int(expires) + 86400}.{signature}"}
    assert upload_statuses(server, [MB], forged) == [401]

    revoked = signed_in_cookies(server, "rita@example.com")
    sessions.revoke(server.db, revoked[COOKIE_NAME])
    assert upload_statuses(server, [MB], revoked) == [401]

    from framepilot.services import accounts

    disabled = signed_in_cookies(server, "dora@example.com")
    accounts.set_disabled(server.db, "dora@example.com", True)
    assert upload_statuses(server, [MB], disabled) == [401]


def test_a_signed_in_session_holds_at_most_its_cap(server):
    cookies = signed_in_cookies(server, "sam@example.com")
    assert upload_statuses(server, [2 * MB - 4096, 2 * MB - 4096, 2 * MB - 4096], cookies) == [204, 204, 413]


def test_a_chunked_body_is_refused_before_anything_is_spooled(server):
    cookies = signed_in_cookies(server, "chuck@example.com")
    assert upload_statuses(server, [MB], cookies, chunked=True) == [411]


def test_a_file_over_the_limit_is_refused_from_its_content_length(server):
    cookies = signed_in_cookies(server, "olga@example.com")
    assert upload_statuses(server, [3 * MB], cookies) == [413]


def test_uploads_beyond_the_server_wide_caps_are_told_to_retry(tmp_path):
    """Two at a time, 6 MB held in total: a third concurrent upload waits, and so does the
    file that would take the server past 6 MB (1 + 1 + 2 + 2 MB are held before it)."""
    with WebServer(tmp_path / "data", max_upload_mb=2, upload_session_mb=4, upload_total_mb=6,
                   upload_concurrency=2) as server:
        cookies = [signed_in_cookies(server, f"user{i}@example.com") for i in range(3)]

        async def slow_upload(client: StreamlitClient, session_id: str) -> int:
            head = (b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n'
                    b"Content-Type: video/mp4\r\n\r\n")
            tail, chunks = b"\r\n--x--\r\n", 16

            async def body():  # noqa: ANN202 - a valid multipart body over about 5 s, with a declared length
                yield head
                for _ in range(chunks):
                    await asyncio.sleep(0.3)
                    yield b"\0" * 65536
                yield tail
            headers = {"X-Xsrftoken": client.xsrf, "Content-Type": "multipart/form-data; boundary=x",
                       "Content-Length": str(len(head) + chunks * 65536 + len(tail))}
            response = await client.http.put(f"/_stcore/upload_file/{session_id}/slow", content=body(),
                                             headers=headers)
            return response.status_code

        async def attack() -> tuple[list[int], list[int]]:
            clients = [StreamlitClient(server.url, c) for c in cookies]
            ids = [await c.open_session() for c in clients]
            slow = [asyncio.create_task(slow_upload(c, i)) for c, i in zip(clients[:2], ids[:2])]
            await asyncio.sleep(2)  # both slow uploads are arriving now
            busy = await clients[2].upload(ids[2], MB)
            assert await asyncio.gather(*slow) == [204, 204]  # sessions 0 and 1 now hold 1 MB each
            held = [(await c.upload(i, 2 * MB - 4096)).status_code for c, i in zip(clients, ids)]
            for c in clients:
                await c.close()
            return [busy.status_code, int(busy.headers.get("retry-after", 0))], held

        (busy_status, retry_after), held = asyncio.run(attack())
        assert busy_status == 503 and retry_after > 0
        assert held == [204, 204, 503]
