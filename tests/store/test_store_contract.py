"""The repository's contract, run against every store backend (SQLite and PostgreSQL):
what one user writes they read back, another user's ids are "not found", and the worker's
job bookkeeping behaves the same."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from framepilot.models import (
    AnalysisParams,
    DirectorMode,
    DirectorResult,
    JobStatus,
    LLMCall,
    Operation,
    Segment,
    Shot,
    Transcript,
    VideoStatus,
    Voiceover,
    Word,
)
from framepilot.services import accounts
from framepilot.store import IntegrityError
from framepilot.store import repository as repo


@pytest.fixture
def alice(any_db):
    return accounts.add_user(any_db, "alice@example.com", "correct horse battery")


@pytest.fixture
def bob(any_db):
    return accounts.add_user(any_db, "bob@example.com", "another long password")


def _video(db, user, sha="a"):
    return repo.create_video(db, user, filename="talk.mp4", stored_path="uploads/x.mp4",
                             sha256=sha * 64, size_bytes=10)


def test_users_are_created_found_by_email_and_unique(any_db, alice):
    found, password_hash = repo.user_credentials(any_db, "ALICE@example.com ")
    assert found == alice and password_hash.startswith("$argon2")
    assert repo.get_user(any_db, alice.id) == alice
    assert repo.count_users(any_db) == 1
    with pytest.raises(IntegrityError):
        repo.insert_user(any_db, "alice@example.com", "x")


def test_a_video_and_its_analysis_round_trip(any_db, alice):
    video = _video(any_db, alice)
    repo.set_video_status(any_db, alice, video.id, VideoStatus.READY)
    repo.mark_stage_done(any_db, alice, video.id, "probe", 0.5)
    repo.mark_stage_done(any_db, alice, video.id, "probe", 0.7)  # re-done: replaced, not duplicated
    repo.set_video_language(any_db, alice, video.id, "tr")
    transcript = Transcript(language="tr", language_source="set", text="merhaba şey dünya", segments=[
        Segment(start=0, end=1.5, text="merhaba şey dünya",
                words=[Word(word="merhaba", start=0, end=0.5), Word(word="şey", start=0.6, end=0.9, filler=True),
                       Word(word="ııı", start=1.0, end=1.4, filler=True, heard="0.40 s held voiced sound")])])
    repo.save_transcript(any_db, alice, video.id, transcript)
    shots = [Shot(index=0, start_s=0, end_s=1.5, start_frame=0, end_frame=45)]
    repo.save_shots(any_db, alice, video.id, shots)
    result = DirectorResult(mode=DirectorMode.SCENE_DIRECTOR, provider="local", model="rules",
                            prompt_version="v1", summary="Tighten the open.")
    note_id = repo.save_director_result(any_db, alice, video.id, result)
    voice = repo.save_voiceover(any_db, alice, Voiceover(
        video_id=video.id, mode=DirectorMode.SCRIPT_REWRITE, provider="local", voice="heart",
        audio_path="artifacts/v.wav", characters=12, duration_s=1.0))

    assert repo.get_video(any_db, alice, video.id).status == VideoStatus.READY
    assert repo.get_video(any_db, alice, video.id).language == "tr"
    assert repo.completed_stages(any_db, alice, video.id) == {"probe": 0.7}
    assert repo.get_transcript(any_db, alice, video.id) == transcript
    assert [s.end_frame for s in repo.get_shots(any_db, alice, video.id)] == [45]
    assert isinstance(note_id, int)
    assert repo.latest_director_result(any_db, alice, video.id, DirectorMode.SCENE_DIRECTOR).summary == "Tighten the open."
    assert [v.id for v in repo.list_voiceovers(any_db, alice, video.id)] == [voice.id]
    assert [v.id for v in repo.list_videos(any_db, alice)] == [video.id]


def test_another_users_ids_are_not_found_on_every_path(any_db, alice, bob):
    video = _video(any_db, alice)
    repo.save_transcript(any_db, alice, video.id, Transcript(language="en", text="secret", segments=[]))
    job = repo.create_job(any_db, alice, video.id, AnalysisParams())
    for read in (lambda: repo.get_video(any_db, bob, video.id),
                 lambda: repo.get_transcript(any_db, bob, video.id),
                 lambda: repo.get_shots(any_db, bob, video.id),
                 lambda: repo.save_shots(any_db, bob, video.id, []),
                 lambda: repo.get_job(any_db, bob, job.id),
                 lambda: repo.request_cancel(any_db, bob, job.id),
                 lambda: repo.create_job(any_db, bob, video.id, AnalysisParams())):
        with pytest.raises(repo.NotFound):
            read()
    assert repo.list_videos(any_db, bob) == [] and repo.list_jobs(any_db, bob) == []
    assert repo.find_video_by_sha256(any_db, bob, "a" * 64) is None
    assert repo.get_transcript(any_db, alice, video.id).text == "secret"


def test_the_worker_side_claims_progresses_reaps_and_finishes_a_job(any_db, alice):
    video = _video(any_db, alice)
    job = repo.create_job(any_db, alice, video.id, AnalysisParams())
    assert [j.id for j in repo.queued_jobs(any_db)] == [job.id]
    claimed = repo.claim_job(any_db, job.id, "node-a:1")
    assert claimed.status == JobStatus.RUNNING and repo.claim_job(any_db, job.id, "node-b:1") is None
    assert repo.update_job_progress(any_db, job.id, "transcribe", 40) is False  # no cancel asked
    repo.update_job_progress(any_db, job.id, "transcribe", 30)  # progress never falls
    assert repo.get_job(any_db, alice, job.id).progress == 40
    later = datetime.now(timezone.utc) + timedelta(seconds=5)
    assert [j.id for j in repo.stale_running_jobs(any_db, later)] == [job.id]
    assert repo.reap_job_if_stale(any_db, job.id, later)
    assert repo.get_job(any_db, alice, job.id).status == JobStatus.QUEUED
    repo.claim_job(any_db, job.id, "node-a:1")
    repo.finish_job(any_db, job.id, JobStatus.COMPLETED)
    done = repo.get_job(any_db, alice, job.id)
    assert done.status == JobStatus.COMPLETED and done.finished_at is not None


def test_ai_calls_are_recorded_summed_and_cached(any_db, alice, bob):
    first = repo.record_llm_call(any_db, LLMCall(user_id=alice.id, provider="openai", model="gpt-4o-mini",
                                                 operation=Operation.DIRECT_SCENE_DIRECTOR, cost_usd=0.25))
    repo.record_llm_call(any_db, LLMCall(user_id=bob.id, provider="openai", model="gpt-4o-mini",
                                         operation=Operation.DIRECT_SCENE_DIRECTOR, cost_usd=1.0))
    month = datetime.now(timezone.utc) - timedelta(days=1)
    assert isinstance(first, int)
    assert repo.month_spend_usd(any_db, alice.id, month) == pytest.approx(0.25)
    assert repo.month_spend_usd(any_db, None, month) == pytest.approx(1.25)
    assert [c.cost_usd for c in repo.list_llm_calls(any_db, alice)] == [0.25]
    assert repo.list_llm_calls(any_db, bob)[0].cost_usd == 1.0
    repo.cache_put(any_db, alice.id, "k", "one")
    repo.cache_put(any_db, alice.id, "k", "two")
    assert repo.cache_get(any_db, alice.id, "k") == "two" and repo.cache_get(any_db, alice.id, "missing") is None
    assert repo.cache_get(any_db, bob.id, "k") is None  # another user's entry is a miss
