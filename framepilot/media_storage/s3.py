"""Media storage in an S3 bucket through `obstore` (Rust object_store).

Only plain S3 calls are made, so AWS, MinIO and Cloudflare R2 behave the same. Large
objects go up as multipart uploads from a bounded buffer and come down as a chunk stream;
no object is ever held whole in memory.
"""

from __future__ import annotations

import contextlib
import mimetypes
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

import obstore
from obstore.exceptions import BaseError as ObstoreError
from obstore.store import S3Store

from framepilot.media_storage.base import MediaStorage, StoredObject, Written
from framepilot.media_storage.errors import InvalidKey, ObjectNotFound, StorageUnavailable
from framepilot.media_storage.keys import validate_key, validate_prefix
from framepilot.media_storage.streams import CHUNK, Tally, read_chunks

PART_BYTES = 8 * 1024 * 1024  # multipart part size (S3's minimum is 5 MiB)
PARTS_IN_FLIGHT = 4  # so at most about PART_BYTES * (PARTS_IN_FLIGHT + 1) is buffered


@contextlib.contextmanager
def _translated(key: str) -> Iterator[None]:
    try:
        yield
    except FileNotFoundError as exc:
        raise ObjectNotFound(f"no stored object {key!r}") from exc
    except ObstoreError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StorageUnavailable(f"S3 request for {key!r} failed: {reason}") from exc


class S3Storage(MediaStorage):
    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
        read_timeout_s: float = 30.0,
        retry_timeout_s: float = 180.0,
    ) -> None:
        prefix = validate_prefix(prefix)
        config = {name: value for name, value in {
            "endpoint": endpoint_url, "region": region, "access_key_id": access_key_id,
            "secret_access_key": secret_access_key, "token": session_token,
        }.items() if value}
        # A stalled endpoint is noticed within read_timeout_s (no byte for that long); 5xx answers
        # and timeouts are retried with backoff for up to retry_timeout_s, then surface.
        client = {"connect_timeout": timedelta(seconds=10), "timeout": timedelta(minutes=30),
                  "read_timeout": timedelta(seconds=read_timeout_s)}
        retry = {"max_retries": 10, "retry_timeout": timedelta(seconds=retry_timeout_s),
                 "backoff": {"init_backoff": timedelta(milliseconds=100), "max_backoff": timedelta(seconds=5),
                             "base": 2}}
        if endpoint_url and endpoint_url.startswith("http://"):
            client["allow_http"] = True
        # Values not given here (credentials, region) come from the standard AWS variables,
        # profiles or instance roles, as any AWS client would find them.
        self._store = S3Store(bucket, prefix=prefix or None, client_options=client, retry_config=retry, **config)
        self.location = f"s3://{bucket}/{prefix}".rstrip("/")

    def put_stream(self, key: str, stream: BinaryIO, max_bytes: int | None = None) -> Written:
        tally = Tally()
        content_type = mimetypes.guess_type(validate_key(key))[0] or "application/octet-stream"
        with _translated(key), obstore.open_writer(
            self._store, key, attributes={"Content-Type": content_type},
            buffer_size=PART_BYTES, max_concurrency=PARTS_IN_FLIGHT,
        ) as writer:
            try:
                for chunk in tally.count(read_chunks(stream), max_bytes):
                    writer.write(chunk)
            except BaseException:
                # Let parts in flight land before the writer aborts the multipart upload,
                # or S3 may keep a late part of an upload that no longer exists.
                with contextlib.suppress(Exception):
                    writer.flush()
                raise
        return Written(key=key, size_bytes=tally.size, sha256=tally.sha256)

    def iter_chunks(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        if end is not None and end <= start:
            return iter(())
        options = {"range": (start, end)} if end is not None else {"range": {"offset": start}} if start else {}
        with _translated(validate_key(key)):
            result = obstore.get(self._store, key, options=options or None)
        return self._guarded(key, result.stream(min_chunk_size=CHUNK))

    @staticmethod
    def _guarded(key: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
        with _translated(key):
            yield from chunks

    def size(self, key: str) -> int:
        with _translated(validate_key(key)):
            return obstore.head(self._store, key)["size"]

    def delete(self, key: str) -> None:
        with _translated(validate_key(key)):
            obstore.delete(self._store, key)

    def delete_prefix(self, prefix: str) -> int:
        if not validate_prefix(prefix):
            raise InvalidKey("refusing to delete the whole storage")
        keys = [o.key for o in self.list_objects(prefix)]
        if keys:
            with _translated(prefix):
                obstore.delete(self._store, keys)
        return len(keys)

    def list_objects(self, prefix: str = "") -> list[StoredObject]:
        prefix = validate_prefix(prefix)
        with _translated(prefix):
            found = [StoredObject(key=meta["path"], size_bytes=meta["size"])
                     for batch in obstore.list(self._store, prefix or None, chunk_size=1000)
                     for meta in batch]
        return sorted(found, key=lambda o: o.key)

    def url_for_browser(self, key: str, expires_s: int = 3600) -> str | None:
        with _translated(validate_key(key)):
            return obstore.sign(self._store, "GET", key, timedelta(seconds=expires_s))

    def local_path(self, key: str) -> Path | None:
        validate_key(key)
        return None
