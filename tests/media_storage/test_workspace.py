"""A job's workspace: what one job publishes, a later job (on any machine) fetches; its local
folder goes when the job ends, and folders of killed processes are swept on the next start."""

from __future__ import annotations

import os
import time

from framepilot.media_storage.local import LocalStorage
from framepilot.media_storage.workspace import Workspace, remove_stale_workspaces


def test_a_later_job_fetches_what_an_earlier_job_published_and_each_leaves_no_folder(backend, tmp_path):
    first = Workspace(backend.storage, tmp_path / "node-a", "artifacts/1/v1")
    first.path("keyframes/shot_000.jpg").parent.mkdir(parents=True)
    first.path("keyframes/shot_000.jpg").write_bytes(b"jpeg")

    key = first.publish("keyframes/shot_000.jpg")
    first.close()
    later = Workspace(backend.reopen(), tmp_path / "node-b", "artifacts/1/v1")
    fetched = later.fetch("keyframes/shot_000.jpg")

    assert key == "artifacts/1/v1/keyframes/shot_000.jpg"
    assert fetched.read_bytes() == b"jpeg" and later.is_published("keyframes/shot_000.jpg")
    assert not later.is_published("audio.wav")
    later.close()
    assert list((tmp_path / "node-a").iterdir()) == list((tmp_path / "node-b").iterdir()) == []


def test_only_job_folders_older_than_any_job_are_swept(tmp_path):
    dead = Workspace(LocalStorage(tmp_path / "media"), tmp_path / "work", "artifacts/1/v1")
    live = Workspace(LocalStorage(tmp_path / "media"), tmp_path / "work", "artifacts/1/v2")
    day_ago = time.time() - 24 * 3600
    os.utime(dead.folder, (day_ago, day_ago))

    assert remove_stale_workspaces(tmp_path / "work") == 1
    assert not dead.folder.exists() and live.folder.exists()
