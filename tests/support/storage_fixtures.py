"""`backend`: media storage as the settings open it, once per implementation (a local
folder, and S3 on the session's moto server with a fresh bucket per test). The memory
meter the storage tests and `bench/bench_storage.py` share is `testkit.measure`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from framepilot.media_storage import MediaStorage, open_storage
from framepilot.settings import get_settings
from testkit.measure import PeakMemory as PeakMemory
from testkit.measure import write_random_file as write_random_file

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
