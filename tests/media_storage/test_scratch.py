"""The workers' scratch cache: a local file per stored object, downloaded once, bounded,
and shared safely by several worker processes."""

from __future__ import annotations

import contextlib
import hashlib
import io
import multiprocessing
import os
import random
from pathlib import Path

import pytest

from framepilot.media_storage import MediaStorage, keys, open_storage
from framepilot.media_storage.scratch import ScratchCache, open_scratch
from framepilot.settings import get_settings, load_settings

MB = 1024 * 1024


class CountingStorage:
    """The real storage, with each download also noted as a line in `log` (any process)."""

    def __init__(self, storage: MediaStorage, log: Path) -> None:
        self._storage, self._log = storage, log
        self.location = storage.location

    def __getattr__(self, name: str):
        return getattr(self._storage, name)

    def download_to(self, key: str, local_path: Path) -> int:
        with open(self._log, "a") as log:
            log.write(key + "\n")
        return self._storage.download_to(key, local_path)

    def downloads(self) -> list[str]:
        return self._log.read_text().splitlines() if self._log.exists() else []


def store_objects(storage: MediaStorage, count: int, size: int) -> dict[str, str]:
    """`count` objects of `size` random bytes; returns key -> sha256."""
    digests = {}
    for i in range(count):
        data = os.urandom(size)
        key = keys.artifact_key("u1", "v1", f"part{i}.bin")
        storage.put_stream(key, io.BytesIO(data))
        digests[key] = hashlib.sha256(data).hexdigest()
    return digests


def test_a_folder_storage_hands_out_its_own_file_without_copying(tmp_path):
    storage = open_storage(get_settings())
    storage.put_stream(keys.upload_key("u1", "v1", ".mp4"), io.BytesIO(b"video"))
    scratch = ScratchCache(tmp_path / "scratch", 10 * MB)

    with scratch.local_copy(storage, keys.upload_key("u1", "v1", ".mp4")) as path:
        assert path == storage.local_path(keys.upload_key("u1", "v1", ".mp4"))
        assert path.read_bytes() == b"video"
    assert scratch.used_bytes() == 0


def test_an_s3_object_is_downloaded_once_then_served_locally(s3_backend, tmp_path):
    storage = CountingStorage(s3_backend.storage, tmp_path / "downloads.log")
    [(key, digest)] = store_objects(storage, 1, MB).items()
    scratch = open_scratch(get_settings())

    for _ in range(3):
        with scratch.local_copy(storage, key) as path:
            assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
            assert path.is_relative_to(get_settings().scratch_dir)
    assert storage.downloads() == [key]


def test_least_recently_used_copies_are_evicted_past_the_bound(s3_backend, tmp_path):
    storage = CountingStorage(s3_backend.storage, tmp_path / "downloads.log")
    first, second, third, fourth = store_objects(storage, 4, MB)
    scratch = ScratchCache(tmp_path / "scratch", 3 * MB)

    for key in (first, second, third, first, fourth):  # `second` is now the least recently used
        with scratch.local_copy(storage, key):
            pass
    with scratch.local_copy(storage, first), scratch.local_copy(storage, third), \
            scratch.local_copy(storage, fourth):
        pass  # all still cached
    with scratch.local_copy(storage, second):
        pass  # fetched again

    assert storage.downloads() == [first, second, third, fourth, second]
    assert scratch.used_bytes() <= 3 * MB


def test_a_copy_in_use_is_not_evicted_even_past_the_bound(s3_backend, tmp_path):
    storage = s3_backend.storage
    big, small = store_objects(storage, 2, 2 * MB)
    scratch = ScratchCache(tmp_path / "scratch", MB)

    with scratch.local_copy(storage, big) as in_use:
        with scratch.local_copy(storage, small):
            assert in_use.exists()  # over the bound, but somebody is reading it
        assert in_use.stat().st_size == 2 * MB
    assert not in_use.exists()  # released, so evicted
    assert scratch.used_bytes() <= MB


def _worker(start, scratch_root: str, bound: int, log: str, keys_to_read: list[str]) -> list[str]:
    """Run in a separate process: open the storage from the settings, like a worker does,
    then wait for the others so that all ask at the same moment."""
    storage = CountingStorage(open_storage(load_settings()), Path(log))
    scratch = ScratchCache(Path(scratch_root), bound)
    start.wait(timeout=120)
    digests = []
    for key in keys_to_read:
        with scratch.local_copy(storage, key) as path:
            digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
    return digests


@contextlib.contextmanager
def _processes(n: int):
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(n) as pool:
        yield pool, manager.Barrier(n)


@pytest.mark.timeout(300)
def test_concurrent_worker_processes_download_a_shared_object_once(s3_backend, tmp_path):
    storage = s3_backend.storage
    [(key, digest)] = store_objects(storage, 1, 8 * MB).items()
    log = tmp_path / "downloads.log"

    with _processes(4) as (pool, start):
        results = pool.starmap(_worker, [(start, str(tmp_path / "scratch"), 64 * MB, str(log), [key])] * 4)

    assert results == [[digest]] * 4
    assert log.read_text().splitlines() == [key]


@pytest.mark.timeout(300)
def test_concurrent_worker_processes_evicting_each_other_always_read_whole_files(s3_backend, tmp_path):
    storage = s3_backend.storage
    digests = store_objects(storage, 6, MB)
    rng = random.Random(7)
    plans = [[rng.choice(list(digests)) for _ in range(12)] for _ in range(4)]
    scratch_root = tmp_path / "scratch"

    with _processes(4) as (pool, start):
        results = pool.starmap(_worker, [(start, str(scratch_root), 2 * MB, str(tmp_path / "log"), plan)
                                         for plan in plans])

    assert results == [[digests[key] for key in plan] for plan in plans]  # never a partial or missing file
    assert ScratchCache(scratch_root, 2 * MB).used_bytes() <= 2 * MB + 4 * MB  # bound + one copy per process
