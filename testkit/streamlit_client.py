"""A scripted Streamlit client: what an attacker's script (or a test) does instead of a
browser. It opens a Streamlit session over the websocket, as loading any page does,
learns the session id, and PUTs files to the upload endpoint the way the file uploader
would, with or without a FramePilot session cookie."""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import urlsplit

import httpx
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

XSRF_COOKIE = "_streamlit_xsrf"


class StreamlitClient:
    def __init__(self, base_url: str, cookies: dict[str, str] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = httpx.AsyncClient(base_url=self.base_url, cookies=cookies or {}, timeout=60)
        self._socket = None

    async def __aenter__(self) -> StreamlitClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    @property
    def xsrf(self) -> str:
        return self.http.cookies.get(XSRF_COOKIE, "")

    async def open_session(self) -> str:
        """Open a Streamlit session (what loading the sign-in page does); returns its id."""
        await self.http.get("/_stcore/health")  # sets the XSRF cookie
        parts = urlsplit(self.base_url)
        cookie_header = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        self._socket = await websockets.connect(
            f"ws://{parts.netloc}/_stcore/stream", subprotocols=["streamlit", self.xsrf],
            additional_headers={"Cookie": cookie_header, "Origin": self.base_url}, max_size=None)
        back = BackMsg()
        back.rerun_script.query_string = ""
        back.rerun_script.page_script_hash = ""
        await self._socket.send(back.SerializeToString())
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(self._socket.recv(), 30))
            if msg.WhichOneof("type") == "new_session":
                return msg.new_session.initialize.session_id

    async def upload(self, session_id: str, size: int, chunked: bool = False) -> httpx.Response:
        """PUT one file of `size` bytes, as st.file_uploader does."""
        url = f"/_stcore/upload_file/{session_id}/{uuid.uuid4()}"
        headers = {"X-Xsrftoken": self.xsrf}
        if not chunked:
            return await self.http.put(url, files={"file": ("clip.mp4", b"\0" * size, "video/mp4")}, headers=headers)
        boundary = uuid.uuid4().hex

        async def body():  # noqa: ANN202 - no Content-Length: a chunked body
            yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.mp4\"\r\n"
                   "Content-Type: video/mp4\r\n\r\n").encode()
            for _ in range(size // 65536):
                yield b"\0" * 65536
            yield f"\r\n--{boundary}--\r\n".encode()

        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        return await self.http.put(url, content=body(), headers=headers)

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        await self.http.aclose()
