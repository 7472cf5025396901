"""Item 10: robustness that is also security. One row that cannot be decrypted is shown as
unreadable while the rest show; a failed upload leaves no file behind and does not stop the
rest of a batch; concurrent paid calls never spend past a small budget together."""

from __future__ import annotations

import errno
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import framepilot.store.sqlite as store_db
from framepilot.core.crypto import UNREADABLE_MESSAGE, Cipher, generate_key
from framepilot.models import (
    AnalysisParams,
    DirectorMode,
    DirectorResult,
    Segment,
    Transcript,
)
from framepilot.providers.openai.voice import OpenAIVoice
from framepilot.services.ingest import UploadFailed, ingest_path
from framepilot.store import SYSTEM, Database
from framepilot.store import repository as repo
from framepilot.store.sqlite import SQLiteDatabase
from framepilot.usage.budgets import budget_status
from framepilot.usage.metering import BudgetExceeded, CallContext
from testkit.fake_openai import fake_settings
from tests.support.page_fixtures import analysed_video, make_clip, open_page


def shown(at: AppTest) -> str:
    kinds = ("title", "subheader", "markdown", "caption", "info", "error", "warning", "text")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


@pytest.fixture(autouse=True)
def _fresh_cached_handles():
    st.cache_resource.clear()


@pytest.fixture
def foreign(db) -> Database:
    """The same store written through another key (a restored backup, a wrong key file)."""
    return SQLiteDatabase(db.path, Cipher(generate_key().encode()))


# --- a row that cannot be decrypted ---------------------------------------------------------


def test_one_unreadable_video_does_not_hide_the_others(db, settings, user_a, foreign, tmp_path):
    good = ingest_path(db, settings, user_a, make_clip(tmp_path / "good.mp4")).video
    lost = ingest_path(foreign, settings, user_a, make_clip(tmp_path / "lost.mp4", colour_shift=7)).video
    repo.create_job(db, user_a, lost.id, AnalysisParams())

    videos = {v.id: v for v in repo.list_videos(db, user_a)}
    library, jobs = open_page(user_a, "pages/library.py"), open_page(user_a, "pages/jobs.py")

    assert videos[good.id].filename == "good.mp4" and videos[good.id].unreadable is None
    assert videos[lost.id].unreadable == UNREADABLE_MESSAGE and "lost" not in videos[lost.id].filename
    assert not library.exception and not jobs.exception
    assert "good.mp4" in shown(library) and UNREADABLE_MESSAGE in [w.value for w in library.warning]
    assert "Analysis · Unreadable video" in shown(jobs)


def test_an_unreadable_transcript_or_note_is_flagged_and_the_rest_of_the_review_shows(
        db, settings, user_a, foreign, tmp_path):
    video = analysed_video(db, settings, user_a, tmp_path)
    repo.save_transcript(foreign, user_a, video.id, Transcript(
        language="en", text="lost words", segments=[Segment(start=0.2, end=2.8, text="lost words")]))
    repo.save_director_result(foreign, user_a, video.id, DirectorResult(
        mode=DirectorMode.SCENE_DIRECTOR, provider="openai", model="gpt-4o-mini", prompt_version="v9",
        summary="lost notes"))

    results = repo.list_director_results(db, user_a, video.id)
    review = open_page(user_a, "pages/review.py", video.id)
    compare = open_page(user_a, "pages/compare.py", video.id)

    assert [r.unreadable is not None for r in results].count(True) == 1 and len(results) == 4
    assert repo.get_transcript(db, user_a, video.id).unreadable == UNREADABLE_MESSAGE
    assert not review.exception and not compare.exception
    assert UNREADABLE_MESSAGE in [w.value for w in review.warning]
    assert "scene_director early note" in shown(review)  # the readable notes still show, beside the player
    assert UNREADABLE_MESSAGE in [w.value for w in compare.warning]
    assert "script_rewrite summary" in shown(compare)


# --- uploads ---------------------------------------------------------------------------------


def _stored(settings, user) -> list[str]:  # noqa: ANN001
    """The files in the user's uploads folder."""
    folder = settings.uploads_dir / str(user.id)
    return sorted(os.listdir(folder)) if folder.is_dir() else []


def test_a_failed_database_insert_after_an_upload_leaves_no_file(db, settings, user_a, tmp_path, monkeypatch):
    clip = make_clip(tmp_path / "clip.mp4")
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 100)
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock throughout
    try:
        with pytest.raises(UploadFailed, match="could not be registered"):
            ingest_path(db, settings, user_a, clip)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _stored(settings, user_a) == []


def test_the_same_file_uploaded_twice_at_once_is_stored_once(db, settings, user_a, tmp_path, monkeypatch):
    clip = make_clip(tmp_path / "clip.mp4")
    lookup, calls = repo.find_video_by_sha256, []

    def racing_lookup(*args):  # noqa: ANN002, ANN202 - both uploads look before either has stored it
        calls.append(args)
        return None if len(calls) <= 2 else lookup(*args)

    monkeypatch.setattr(repo, "find_video_by_sha256", racing_lookup)
    first = ingest_path(db, settings, user_a, clip)
    second = ingest_path(db, settings, user_a, clip)

    assert (first.duplicate, second.duplicate, second.video.id) == (False, True, first.video.id)
    assert _stored(settings, user_a) == [Path(first.video.stored_path).name]


@pytest.mark.parametrize("failure", ["disk", "database"])
def test_a_batch_upload_goes_on_past_a_file_that_cannot_be_stored(db, settings, user_a, tmp_path, monkeypatch,
                                                                  failure):
    files = [(name, make_clip(tmp_path / name, colour_shift=i).read_bytes(), "video/mp4")
             for i, name in enumerate(["a.mp4", "b.mp4", "c.mp4"])]
    if failure == "disk":
        import framepilot.media_storage.local as local_storage

        write, written = local_storage.write_atomically, []

        def full_disk(path, chunks, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            written.append(path)
            if len(written) != 2:
                return write(path, chunks, *args, **kwargs)

            def filling() -> Iterator[bytes]:  # the disk fills up after the first chunk is written
                yield next(iter(chunks))
                raise OSError(errno.ENOSPC, "No space left on device")

            return write(path, filling(), *args, **kwargs)

        monkeypatch.setattr(local_storage, "write_atomically", full_disk)
    else:
        create = repo.create_video

        def broken_insert(db, user, *, filename, **kwargs):  # noqa: ANN001, ANN003, ANN202
            if filename == "b.mp4":
                raise sqlite3.OperationalError("disk I/O error")
            return create(db, user, filename=filename, **kwargs)

        monkeypatch.setattr(repo, "create_video", broken_insert)
    at = open_page(user_a, "pages/upload.py")
    at.get("file_uploader")[0].set_value(files)
    at.run()
    at.button(key="upload_submit").click().run()

    assert not at.exception, at.exception
    (error,) = [e.value for e in at.error]
    assert error.startswith("“b.mp4”: The file could not be")
    assert sorted(v.filename for v in repo.list_videos(db, user_a)) == ["a.mp4", "c.mp4"]
    assert len(repo.list_jobs(db, user_a)) == 2
    assert len(_stored(settings, user_a)) == 2, "no orphan or partial file"


# --- budgets ---------------------------------------------------------------------------------

VOICE_CHARS = 700  # tts-1 at $15 per 1M characters: $0.0105 a call
BUDGET_USD = 0.025  # room for two such calls, not three


def test_concurrent_paid_calls_never_spend_past_a_small_budget(fake_openai, db, user_a, tmp_path):
    settings = fake_settings(fake_openai, user_monthly_budget_usd=BUDGET_USD, llm_cache=False)
    callers = 6
    fake_openai.fail_next("slow", times=callers, delay=0.5)  # every call is in flight at once
    start, outcomes = threading.Barrier(callers), []

    def speak(i: int) -> None:
        ctx = CallContext(db=db, user_id=user_a.id, job_id=f"job-{i}")
        start.wait()
        try:
            OpenAIVoice(settings).synthesise(f"{i} " + "a" * (VOICE_CHARS - 2), tmp_path / f"v{i}.wav", ctx)
            outcomes.append("spoken")
        except BudgetExceeded:
            outcomes.append("refused")

    threads = [threading.Thread(target=speak, args=(i,)) for i in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    spent = budget_status(db, settings, user_a).spent
    assert sorted(outcomes) == ["refused"] * 4 + ["spoken"] * 2
    assert spent == pytest.approx(2 * VOICE_CHARS * 15 / 1e6) and spent <= BUDGET_USD
    assert len(fake_openai.requests_to("/audio/speech")) == 2
    with db.read(SYSTEM) as conn:
        assert conn.execute("SELECT count(*) FROM budget_reservations").fetchone()[0] == 0  # all settled
