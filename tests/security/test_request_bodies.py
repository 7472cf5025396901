"""Request bodies against a real `framepilot api`, with no token: every body is bounded
before routing and before the token is checked. A 1 GB JSON body used to be parsed whole
first (230 MB -> 3.3 GB of RSS, the 401 after 13.5 s); now it is refused from its
Content-Length, or once 64 KB have arrived, with 413 at once and the memory flat."""

from __future__ import annotations

import socket
import time

import httpx
import psutil
import pytest

from tests.support.processes import ApiProcess

MAX_UPLOAD_MB = 2


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bodies")
    process = ApiProcess(folder / "data", folder / "api.log", FRAMEPILOT_MAX_UPLOAD_MB=str(MAX_UPLOAD_MB)).start()
    process.data_dir = folder / "data"
    yield process
    process.stop()


def answer(api: ApiProcess, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes, float]:
    """Send the request line, headers and `body` (maybe only the start of what the headers
    announce) and read the answer without sending more: (status, response, seconds)."""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", api.port), timeout=10) as sock:
        sock.sendall(head.encode() + b"\r\n" + body)
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = sock.recv(65536)
            if not chunk:
                break
            response += chunk
    return int(response.split(b" ", 2)[1]), response, time.perf_counter() - started


def rss_mb(api: ApiProcess) -> float:
    return psutil.Process(api.proc.pid).memory_info().rss / 2**20


JSON = {"Content-Type": "application/json"}


def test_a_1_gb_json_body_without_a_token_is_refused_from_its_length_at_once(api):
    before = rss_mb(api)
    for _ in range(5):
        status, response, seconds = answer(api, "PATCH", "/api/videos/x/cuts",
                                           {**JSON, "Content-Length": str(1024**3)}, b'{"enabled": {"c1": ')
        assert status == 413 and seconds < 2
        assert b"application/problem+json" in response
    assert rss_mb(api) - before < 10


def test_a_json_body_of_unknown_length_is_cut_off_once_64_kb_have_arrived(api):
    chunks = [b'{"enabled": {"'] + [b"a" * 16384] * 8  # 128 KB, and no end
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks)
    status, _, seconds = answer(api, "PATCH", "/api/videos/x/cuts", {**JSON, "Transfer-Encoding": "chunked"},
                                chunked)
    assert status == 413 and seconds < 2


def test_a_body_within_the_limit_still_meets_the_token_check(api):
    body = b'{"enabled": {"c1": true}}'
    status, _, _ = answer(api, "PATCH", "/api/videos/x/cuts", {**JSON, "Content-Length": str(len(body))}, body)
    assert status == 401


def test_an_upload_declared_over_the_upload_limit_is_refused_before_the_token_check(api):
    declared = MAX_UPLOAD_MB * 1024 * 1024 + 128 * 1024
    status, _, seconds = answer(api, "POST", "/api/videos", {"Content-Type": "multipart/form-data; boundary=x",
                                                              "Content-Length": str(declared)}, b"--x\r\n")
    assert status == 413 and seconds < 2


@pytest.fixture(scope="module")
def token(api):
    from framepilot.auth import tokens
    from framepilot.services import accounts
    from framepilot.settings import load_settings
    from framepilot.store import open_database

    db = open_database(load_settings(data_dir=api.data_dir))
    user = accounts.add_user(db, "lister@example.com", "a long and unguessable phrase")
    return tokens.create_token(db, user, "bodies").secret


def test_lists_in_bodies_are_capped_and_the_refusal_names_the_field(api, token):
    auth = {"Authorization": f"Bearer {token}"}
    many = {f"silence-{i}": False for i in range(2001)}  # about 40 KB: within the body limit
    choices = httpx.patch(f"{api.url}/api/videos/x/cuts", json={"enabled": many}, headers=auth, timeout=30)
    render = httpx.post(f"{api.url}/api/videos/x/render", json={"cuts": list(many)}, headers=auth, timeout=30)
    for response, field in ((choices, "enabled"), (render, "cuts")):
        assert response.status_code == 422
        assert [e["loc"][-1] for e in response.json()["errors"]] == [field]
        assert "2000" in response.json()["errors"][0]["msg"]


def test_a_multipart_boundary_over_256_bytes_answers_400(api, token):
    boundary = "b" * 300
    body = f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.mp4\"\r\n\r\nx\r\n--{boundary}--\r\n"
    response = httpx.post(f"{api.url}/api/videos", content=body.encode(), timeout=30, headers={
        "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 400
    assert "boundary" in response.json()["detail"]
