"""Reading a multipart/form-data body as it arrives, one part at a time.

The request is never buffered: at most one network chunk plus the caller's read size is
held, so an upload of the size limit costs the server the same memory as a small one.
`BlockingPart` hands the current part to synchronous code (`ingest_upload`) running in a
worker thread; each read hops back to the event loop for the next bytes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio.from_thread
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from framepilot.services.ingest import UploadRejected, UploadTooLarge

READ_SIZE = 1024 * 1024


class MalformedBody(UploadRejected):
    """The body is not valid multipart/form-data."""


class BodyTooLarge(UploadTooLarge):
    """The body passed its size limit (an upload refusal, so the upload path passes it on)."""


@dataclass(frozen=True)
class Part:
    name: str
    filename: str | None
    content_type: str | None


# RFC 2046 allows 70 characters; python-multipart refuses more than 256 with an error that
# used to surface as a 500.
MAX_BOUNDARY_BYTES = 256


def boundary_of(content_type: str | None) -> bytes | None:
    """The boundary of a multipart/form-data Content-Type, or None for any other type.
    Raises MalformedBody for a boundary longer than MAX_BOUNDARY_BYTES."""
    kind, options = parse_options_header(content_type)
    if kind != b"multipart/form-data":
        return None
    boundary = options.get(b"boundary") or None
    if boundary is not None and len(boundary) > MAX_BOUNDARY_BYTES:
        raise MalformedBody(f"The multipart boundary is longer than {MAX_BOUNDARY_BYTES} bytes.")
    return boundary


class MultipartReader:
    """Parts of a multipart/form-data body: `next_part()`, then `read()` its bytes."""

    def __init__(self, chunks: AsyncIterator[bytes], boundary: bytes, max_body_bytes: int) -> None:
        self._chunks = chunks.__aiter__()
        self._max = max_body_bytes
        self._seen = 0
        self._events: deque[tuple[str, object]] = deque()
        self._ended = False
        self._in_part = False
        self._leftover = b""
        self._header_field = self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._parser = MultipartParser(boundary, callbacks={
            "on_part_begin": self._part_begin,
            "on_header_field": lambda data, start, end: self._add("_header_field", data[start:end]),
            "on_header_value": lambda data, start, end: self._add("_header_value", data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": lambda data, start, end: self._events.append(("data", bytes(data[start:end]))),
            "on_part_end": lambda: self._events.append(("end", None)),
            "on_end": lambda: self._events.append(("eof", None)),
        })

    # --- parser callbacks ---------------------------------------------------------------

    def _add(self, attr: str, data: bytes) -> None:
        setattr(self, attr, getattr(self, attr) + data)

    def _part_begin(self) -> None:
        self._headers = {}

    def _header_end(self) -> None:
        self._headers[self._header_field.strip().lower()] = self._header_value.strip()
        self._header_field = self._header_value = b""

    def _headers_finished(self) -> None:
        kind, options = parse_options_header(self._headers.get(b"content-disposition", b"").decode("latin-1"))
        if kind != b"form-data" or not options.get(b"name"):
            raise MalformedBody("Each part needs 'Content-Disposition: form-data; name=...'.")
        filename = options.get(b"filename")
        content_type = self._headers.get(b"content-type")
        self._events.append(("part", Part(
            name=options[b"name"].decode("utf-8", "replace"),
            filename=filename.decode("utf-8", "replace") if filename is not None else None,
            content_type=content_type.decode("latin-1") if content_type else None,
        )))

    # --- reading ------------------------------------------------------------------------

    async def _next_event(self) -> tuple[str, object]:
        while not self._events:
            if self._ended:
                raise MalformedBody("The multipart body ended before its closing boundary.")
            try:
                chunk = await self._chunks.__anext__()
            except StopAsyncIteration:
                self._ended = True
                self._parser.finalize()
                continue
            self._seen += len(chunk)
            if self._seen > self._max:
                raise BodyTooLarge(f"The request body is larger than {self._max} bytes.")
            try:
                self._parser.write(chunk)
            except FormParserError as exc:
                raise MalformedBody(f"The multipart body is malformed ({exc}).") from None
        return self._events.popleft()

    async def next_part(self) -> Part | None:
        """The next part's headers (skipping what is unread of the current one); None at the end."""
        self._in_part, self._leftover = False, b""
        while True:
            kind, value = await self._next_event()
            if kind == "part":
                self._in_part = True
                return value
            if kind == "eof":
                return None

    async def read(self, size: int = READ_SIZE) -> bytes:
        """Up to `size` bytes of the current part; b"" at its end."""
        out = bytearray()
        while self._in_part and len(out) < size:
            if not self._leftover:
                kind, value = await self._next_event()
                if kind != "data":
                    self._in_part = False
                    break
                self._leftover = value
            take = size - len(out)
            out += self._leftover[:take]
            self._leftover = self._leftover[take:]
        return bytes(out)


class BlockingPart:
    """The current part as a blocking, read-only file object, for a worker thread
    (started with `anyio.to_thread.run_sync`) while the event loop owns the request."""

    def __init__(self, reader: MultipartReader) -> None:
        self._reader = reader

    def read(self, size: int = -1) -> bytes:
        return anyio.from_thread.run(self._reader.read, size if size > 0 else READ_SIZE)
