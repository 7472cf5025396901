"""Media storage contract: every test runs against the local folder and against S3 (moto),
opened through the settings the way the app opens it."""

from __future__ import annotations

import hashlib
import io
import stat
from pathlib import Path

import httpx
import pytest

from framepilot.media_storage import (
    InvalidKey,
    ObjectNotFound,
    StorageError,
    TooLarge,
    keys,
    open_storage,
)
from framepilot.media_storage.local import LocalStorage
from framepilot.media_storage.s3 import S3Storage
from framepilot.settings import SettingsError, load_settings
from testkit.servers import free_port
from tests.support.storage_fixtures import PeakMemory, write_random_file

MB = 1024 * 1024
KEY = keys.upload_key("u1", "v1", ".mp4")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(MB):
            digest.update(chunk)
    return digest.hexdigest()


# --- round trips ---------------------------------------------------------------------------

def test_a_stored_file_comes_back_byte_for_byte(backend, tmp_path):
    source = write_random_file(tmp_path / "clip.mp4", 3 * MB + 17)
    storage = backend.storage

    written = storage.put_file(KEY, source)
    storage.download_to(KEY, tmp_path / "back.mp4")

    assert written.size_bytes == 3 * MB + 17
    assert written.sha256 == sha256_of(source) == sha256_of(tmp_path / "back.mp4")
    assert b"".join(storage.iter_chunks(KEY)) == source.read_bytes()
    assert storage.size(KEY) == 3 * MB + 17
    assert storage.exists(KEY)


def test_another_process_sees_what_one_stored(backend):
    backend.storage.put_stream(KEY, io.BytesIO(b"shared"))
    assert b"".join(backend.reopen().iter_chunks(KEY)) == b"shared"


def test_a_range_read_returns_exactly_those_bytes(backend):
    data = bytes(range(256)) * 20_000  # 5 MB, so the range spans chunks
    backend.storage.put_stream(KEY, io.BytesIO(data))

    assert b"".join(backend.storage.iter_chunks(KEY, 1_000_000, 3_500_001)) == data[1_000_000:3_500_001]
    assert b"".join(backend.storage.iter_chunks(KEY, 4_000_000)) == data[4_000_000:]
    assert b"".join(backend.storage.iter_chunks(KEY, 10, 10)) == b""


def test_writing_a_key_again_replaces_the_whole_object(backend):
    backend.storage.put_stream(KEY, io.BytesIO(b"a much longer first version"))
    backend.storage.put_stream(KEY, io.BytesIO(b"short"))
    assert b"".join(backend.storage.iter_chunks(KEY)) == b"short"


def test_a_missing_object_is_reported_as_not_found(backend, tmp_path):
    storage = backend.storage
    assert not storage.exists(KEY)
    for read in (lambda: storage.size(KEY), lambda: storage.iter_chunks(KEY),
                 lambda: storage.download_to(KEY, tmp_path / "x")):
        with pytest.raises(ObjectNotFound):
            read()
    assert not (tmp_path / "x").exists()
    storage.delete(KEY)  # deleting what is not there is fine


def test_listing_is_sorted_and_a_prefix_means_a_folder(backend):
    storage = backend.storage
    for key in ("uploads/u1/b.mp4", "uploads/u1/a.mp4", "uploads/u10/c.mp4", "artifacts/u1/v1/keyframes/0001.jpg"):
        storage.put_stream(key, io.BytesIO(b"xyz"))

    assert [o.key for o in storage.list_objects("uploads/u1")] == ["uploads/u1/a.mp4", "uploads/u1/b.mp4"]
    assert [o.key for o in storage.list_objects("uploads/u1/")] == ["uploads/u1/a.mp4", "uploads/u1/b.mp4"]
    assert [(o.key, o.size_bytes) for o in storage.list_objects("artifacts")] == [
        ("artifacts/u1/v1/keyframes/0001.jpg", 3)]
    assert storage.list_objects("nothing/here") == []


def test_delete_prefix_removes_one_folder_and_nothing_beside_it(backend):
    storage = backend.storage
    prefix = keys.artifacts_prefix("u1", "v1")
    for name in ("audio.wav", "keyframes/0001.jpg", "keyframes/0002.jpg"):
        storage.put_stream(keys.artifact_key("u1", "v1", name), io.BytesIO(b"1"))
    storage.put_stream(keys.artifact_key("u1", "v10", "audio.wav"), io.BytesIO(b"2"))
    storage.put_stream(KEY, io.BytesIO(b"3"))

    assert storage.delete_prefix(prefix) == 3
    assert [o.key for o in storage.list_objects()] == ["artifacts/u1/v10/audio.wav", KEY]
    with pytest.raises(InvalidKey):
        storage.delete_prefix("")


# --- limits and failures leave nothing behind ---------------------------------------------

class Endless(io.RawIOBase):
    """A client that keeps sending: `size` bytes, then fails if `fail` is set."""

    def __init__(self, size: int, fail: bool = False) -> None:
        self.left, self.fail = size, fail

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.left == 0:
            if self.fail:
                raise ConnectionResetError("client went away")
            return 0
        n = min(len(buffer), self.left)
        buffer[:n] = b"\x07" * n
        self.left -= n
        return n


@pytest.mark.parametrize("size", [3000, 30 * MB], ids=["small", "multipart"])
def test_a_stream_over_the_limit_is_refused_and_leaves_nothing(backend, size):
    with pytest.raises(TooLarge):
        backend.storage.put_stream(KEY, io.BufferedReader(Endless(size)), max_bytes=size - 1)
    assert not backend.storage.exists(KEY)
    assert backend.raw_leftovers() == []


def test_a_stream_at_the_limit_is_accepted(backend):
    written = backend.storage.put_stream(KEY, io.BufferedReader(Endless(3000)), max_bytes=3000)
    assert written.size_bytes == backend.storage.size(KEY) == 3000


def test_a_failed_upload_keeps_the_previous_object_whole(backend):
    backend.storage.put_stream(KEY, io.BytesIO(b"the good old version"))
    with pytest.raises(ConnectionResetError):
        backend.storage.put_stream(KEY, io.BufferedReader(Endless(12 * MB, fail=True)))
    assert b"".join(backend.storage.iter_chunks(KEY)) == b"the good old version"
    [only] = backend.raw_leftovers()  # no temporary file, no unfinished multipart upload
    assert only.endswith(KEY)


# --- keys ------------------------------------------------------------------------------------

ESCAPES = ["../outside.mp4", "/etc/passwd", "uploads/../../outside", "uploads//x", "", ".hidden",
           "uploads/./x", "uploads\\..\\x", "uploads/x\x00.mp4", "uploads/ü.mp4", "a" * 1025]


@pytest.mark.parametrize("key", ESCAPES, ids=range(len(ESCAPES)))
def test_keys_that_could_escape_or_misbehave_are_refused_everywhere(backend, key, tmp_path):
    storage = backend.storage
    for call in (lambda: storage.put_stream(key, io.BytesIO(b"x")), lambda: storage.iter_chunks(key),
                 lambda: storage.size(key), lambda: storage.exists(key), lambda: storage.delete(key),
                 lambda: storage.url_for_browser(key), lambda: storage.local_path(key)):
        with pytest.raises(InvalidKey):
            call()
    if key:
        with pytest.raises(InvalidKey):
            storage.delete_prefix(key)
    assert backend.raw_leftovers() == []
    assert not (tmp_path / "outside.mp4").exists()


def test_a_symlink_inside_the_folder_cannot_lead_out_of_it(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    storage = LocalStorage(tmp_path / "media")
    (tmp_path / "media" / "uploads").symlink_to(outside)
    with pytest.raises(InvalidKey):
        storage.put_stream("uploads/x.mp4", io.BytesIO(b"x"))
    assert list(outside.iterdir()) == []


def test_key_builders_give_the_documented_layout():
    assert keys.upload_key("u1", "v1", ".mov") == "uploads/u1/v1.mov"
    assert keys.artifact_key("u1", "v1", "keyframes/0003.jpg") == "artifacts/u1/v1/keyframes/0003.jpg"
    assert keys.user_prefixes("u1") == ["uploads/u1", "artifacts/u1"]
    for bad in (lambda: keys.upload_key("u1", "v1", "mp4"), lambda: keys.upload_key("../u", "v1", ".mp4"),
                lambda: keys.artifact_key("u1", "v1", "../../uploads/u2/v2.mp4")):
        with pytest.raises(InvalidKey):
            bad()


def test_local_files_are_readable_by_their_owner_only(tmp_path):
    storage = LocalStorage(tmp_path / "media")
    storage.put_stream(KEY, io.BytesIO(b"private"))
    storage.download_to(KEY, tmp_path / "copy.mp4")
    assert stat.S_IMODE((tmp_path / "media" / KEY).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "copy.mp4").stat().st_mode) == 0o600


# --- browser URLs ----------------------------------------------------------------------------

def test_browser_url_is_presigned_for_s3_and_absent_for_a_folder(backend):
    backend.storage.put_stream(KEY, io.BytesIO(b"\x00\x00\x00\x18ftypmp42 video bytes"))

    url = backend.storage.url_for_browser(KEY, expires_s=300)

    if backend.name == "local":
        assert url is None
        assert backend.storage.local_path(KEY).read_bytes().endswith(b"video bytes")
        return
    assert "X-Amz-Expires=300" in url and "X-Amz-Signature=" in url
    response = httpx.get(url)  # no credentials: the signature is the permission
    assert response.status_code == 200
    assert response.content.endswith(b"video bytes")
    assert response.headers["content-type"] == "video/mp4"  # so a <video> element plays it
    ranged = httpx.get(url, headers={"Range": "bytes=4-7"})  # browsers seek with ranges
    assert (ranged.status_code, ranged.content) == (206, b"ftyp")


# --- settings --------------------------------------------------------------------------------

def test_storage_defaults_to_the_data_folder_in_the_old_layout(settings):
    storage = open_storage(settings)
    storage.put_stream(KEY, io.BytesIO(b"x"))
    assert isinstance(storage, LocalStorage)
    assert (settings.data_dir / "uploads" / "u1" / "v1.mp4").read_bytes() == b"x"


def test_an_s3_url_opens_a_bucket_with_its_prefix(monkeypatch):
    monkeypatch.setenv("FRAMEPILOT_STORAGE_URL", "s3://my-media/framepilot/prod")
    monkeypatch.setenv("FRAMEPILOT_S3_ENDPOINT_URL", "http://127.0.0.1:9")
    storage = open_storage(load_settings())
    assert isinstance(storage, S3Storage)
    assert storage.location == "s3://my-media/framepilot/prod"


@pytest.mark.parametrize("url", ["gs://bucket/x", "s3://ab", "s3://Upper/x", "http://example.com/m"])
def test_an_unsupported_storage_url_names_the_setting(monkeypatch, url):
    monkeypatch.setenv("FRAMEPILOT_STORAGE_URL", url)
    with pytest.raises(SettingsError, match="FRAMEPILOT_STORAGE_URL"):
        load_settings()


def test_aws_secrets_stay_out_of_the_settings_repr(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI-not-real")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "token-not-real")
    s = load_settings()
    assert s.aws_secret_access_key.get_secret_value() == "wJalrXUtnFEMI-not-real"
    assert "not-real" not in repr(s)


# --- big files: streamed, never whole in memory ---------------------------------------------

@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_200mb_file_goes_up_and_down_with_flat_memory(backend, tmp_path, record_property):
    source = write_random_file(tmp_path / "big.mp4", 200 * MB)
    storage = backend.storage

    with PeakMemory() as up:
        written = storage.put_file(KEY, source)
    with PeakMemory() as down:
        storage.download_to(KEY, tmp_path / "back.mp4")

    figures = (f"{backend.name}: up {up.seconds:.1f} s, RSS +{up.rss_growth / MB:.0f} MB, heap peak "
               f"{up.heap_peak / MB:.1f} MB; down {down.seconds:.1f} s, RSS +{down.rss_growth / MB:.0f} MB, "
               f"heap peak {down.heap_peak / MB:.1f} MB")
    record_property("memory", figures)
    print(figures)
    assert written.sha256 == sha256_of(source) == sha256_of(tmp_path / "back.mp4")
    # The file is 200 MB; S3 buffers at most about 5 parts of 8 MB (held as Python bytes).
    assert up.rss_growth < 80 * MB and down.rss_growth < 80 * MB
    assert up.heap_peak < 64 * MB and down.heap_peak < 64 * MB


def test_an_unreachable_bucket_fails_with_a_storage_error_that_holds_no_secret(monkeypatch, free_port_url):
    monkeypatch.setenv("FRAMEPILOT_STORAGE_URL", "s3://media-bucket/fp")
    monkeypatch.setenv("FRAMEPILOT_S3_ENDPOINT_URL", free_port_url)  # nothing listens there
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "very-secret-not-real")
    storage = open_storage(load_settings())

    with pytest.raises(StorageError) as failure:
        storage.size(KEY)  # after obstore's own retries (about 8 s here)

    # a plain, retryable answer for the person (StorageUnavailable); nothing of the credentials
    assert "Media storage did not answer" in str(failure.value)
    assert "very-secret-not-real" not in str(failure.value) and "AKIDEXAMPLE" not in str(failure.value)


@pytest.fixture
def free_port_url() -> str:
    return f"http://127.0.0.1:{free_port()}"
