"""The streaming multipart reader behind `POST /api/videos`: parts arrive in any order and
across any chunk boundaries, and the body limit holds while it streams."""

from __future__ import annotations

import anyio
import pytest

from framepilot.api.multipart import (
    BodyTooLarge,
    MalformedBody,
    MultipartReader,
    boundary_of,
)

BOUNDARY = "b0undary"


def body(*parts: tuple[str, str | None, bytes]) -> bytes:
    out = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


async def chunks(data: bytes, size: int):  # noqa: ANN201 - an async iterator
    for i in range(0, len(data), size):
        yield data[i:i + size]


async def read_all(data: bytes, chunk: int, limit: int = 10_000_000, read_size: int = 5) -> list[tuple]:
    reader = MultipartReader(chunks(data, chunk), BOUNDARY.encode(), limit)
    parts = []
    while (part := await reader.next_part()) is not None:
        content = b""
        while piece := await reader.read(read_size):
            content += piece
        parts.append((part.name, part.filename, content))
    return parts


@pytest.mark.parametrize("chunk", [1, 7, 64, 100_000])
def test_parts_come_back_whole_whatever_the_network_chunks(chunk):
    video = bytes(range(256)) * 40 + b"\r\n--not-the-boundary\r\n"
    sent = body(("file", "clip.mp4", video), ("modes", None, b"scene_director"), ("voice", None, b"true"))

    parts = anyio.run(read_all, sent, chunk)

    assert parts == [("file", "clip.mp4", video), ("modes", None, b"scene_director"), ("voice", None, b"true")]


def test_an_unread_part_is_skipped():
    sent = body(("junk", None, b"x" * 1000), ("file", "a.mp4", b"video"))

    async def second_part() -> tuple:
        reader = MultipartReader(chunks(sent, 50), BOUNDARY.encode(), 10_000)
        await reader.next_part()
        part = await reader.next_part()
        return part.name, await reader.read(100)

    assert anyio.run(second_part) == ("file", b"video")


def test_a_body_over_its_limit_stops_while_streaming():
    sent = body(("file", "big.mp4", b"\0" * 5000))
    with pytest.raises(BodyTooLarge):
        anyio.run(read_all, sent, 512, 2000)


@pytest.mark.parametrize("sent", [
    body(("file", "a.mp4", b"abc"))[:-20],  # cut off before the closing boundary
    f"--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nno disposition\r\n--{BOUNDARY}--\r\n".encode(),
])
def test_malformed_bodies_are_refused(sent):
    with pytest.raises(MalformedBody):
        anyio.run(read_all, sent, 16)


def test_only_multipart_form_data_has_a_boundary():
    assert boundary_of(f"multipart/form-data; boundary={BOUNDARY}") == BOUNDARY.encode()
    assert boundary_of('multipart/form-data; boundary="quoted"') == b"quoted"
    assert boundary_of("application/json") is None
    assert boundary_of("multipart/form-data") is None
    assert boundary_of(None) is None
