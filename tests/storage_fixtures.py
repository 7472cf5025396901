"""`backend`: media storage as the settings open it, once per implementation (a local
folder, and S3 on the session's moto server with a fresh bucket per test); and the memory
meter the storage tests and `bench/bench_storage.py` share."""

from __future__ import annotations

import os
import threading
import time
import tracemalloc
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import psutil
import pytest

from framepilot.settings import get_settings
from framepilot.storage import MediaStorage, open_storage

TEST_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                    "AWS_REGION": "us-east-1"}


@dataclass
class Backend:
    name: str
    storage: MediaStorage
    raw_leftovers: Callable[[], list[str]]  # every file, object or unfinished upload, hidden ones too

    def reopen(self) -> MediaStorage:
        """The same storage opened again from the settings, as another process would."""
        get_settings.cache_clear()
        return open_storage(get_settings())


def _local(tmp_path: Path, monkeypatch) -> Backend:
    root = tmp_path / "media"
    monkeypatch.setenv("FRAMEPILOT_STORAGE_URL", str(root))
    get_settings.cache_clear()

    def leftovers() -> list[str]:
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return Backend("local", open_storage(get_settings()), leftovers)


def new_bucket(endpoint: str):  # noqa: ANN201 - (boto3 S3 client, bucket name)
    """A fresh bucket on the test S3 server, and a boto3 client to look inside it."""
    import boto3

    bucket = f"fp-test-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket=bucket)
    return client, bucket


def _s3(endpoint: str, monkeypatch) -> Backend:
    client, bucket = new_bucket(endpoint)
    for name, value in TEST_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("FRAMEPILOT_STORAGE_URL", f"s3://{bucket}/media")
    monkeypatch.setenv("FRAMEPILOT_S3_ENDPOINT_URL", endpoint)
    get_settings.cache_clear()

    def leftovers() -> list[str]:
        objects = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        uploads = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
        return sorted([o["Key"] for o in objects] + [f"multipart:{u['Key']}" for u in uploads])

    return Backend("s3", open_storage(get_settings()), leftovers)


@pytest.fixture(params=["local", "s3"])
def backend(request, tmp_path, monkeypatch) -> Backend:
    if request.param == "s3":
        return _s3(request.getfixturevalue("s3_endpoint"), monkeypatch)
    return _local(tmp_path, monkeypatch)


@pytest.fixture
def s3_backend(tmp_path, monkeypatch, s3_endpoint) -> Backend:
    return _s3(s3_endpoint, monkeypatch)


def write_random_file(path: Path, size: int) -> Path:
    with open(path, "wb") as out:
        left = size
        while left:
            out.write(os.urandom(min(left, 1024 * 1024)))
            left -= min(left, 1024 * 1024)
    return path


class PeakMemory:
    """Peak RSS growth of a process (this one by default; sampled every 5 ms), Python's heap
    peak in this process, and the time the block took."""

    def __init__(self, pid: int | None = None) -> None:
        self._proc = psutil.Process(pid)

    def __enter__(self) -> Self:
        self.base = self.peak = self._proc.memory_info().rss
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        tracemalloc.start()
        self.started = time.perf_counter()
        return self

    def _sample(self) -> None:
        while not self._done.wait(0.005):
            self.peak = max(self.peak, self._proc.memory_info().rss)

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.started
        self.heap_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        self._done.set()
        self._sampler.join()
        self.rss_growth = self.peak - self.base
