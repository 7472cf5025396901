"""A job's parameters are a typed model per job type, parsed once where the row is read; rows
stored as plain dicts before the models still load, and a row that fits no model is a clear error."""

import json
import sqlite3

import pytest

from framepilot.models import (
    AnalysisParams,
    DirectorMode,
    DirectorNotesParams,
    JobStatus,
    JobType,
    VoiceParams,
)
from framepilot.services.jobs import submit_analysis, submit_tts
from framepilot.store import repository as repo
from jobs.tasks import UNREADABLE_MESSAGE, execute_job
from tests.support.page_fixtures import analysed_video

SCENE, SCRIPT, FULL = DirectorMode.SCENE_DIRECTOR, DirectorMode.SCRIPT_REWRITE, DirectorMode.FULL_REWRITE


def store_row(db, user, job_type: str, params_json: str, job_id: str) -> str:
    """A job row exactly as an older version (or a hand edit) left it."""
    with sqlite3.connect(db.path) as conn:
        conn.execute("INSERT INTO jobs(id, user_id, type, status, params_json) VALUES (?, ?, ?, 'queued', ?)",
                     (job_id, user.id, job_type, params_json))
    return job_id


def test_rows_stored_before_the_models_load_as_their_types_model(db, user_a):
    store_row(db, user_a, "video_analysis", '{"modes": ["script_rewrite", "scene_director"], '
                                            '"provider": "openai", "voice": true}', "analysis")
    store_row(db, user_a, "director_notes", '{"modes": ["full_rewrite"], "provider": "local"}', "notes")
    store_row(db, user_a, "tts", '{"mode": "full_rewrite", "provider": "local"}', "voice")

    loaded = {job.id: job.params for job in repo.list_jobs(db, user_a)}

    assert loaded == {
        "analysis": AnalysisParams(modes=[SCENE, SCRIPT], provider="openai", voice=True),
        "notes": DirectorNotesParams(modes=[FULL], provider="local"),
        "voice": VoiceParams(mode=FULL, provider="local"),
    }


@pytest.mark.parametrize(("job_type", "expected"), [
    ("video_analysis", AnalysisParams(modes=[SCENE, SCRIPT, FULL], voice=False, provider=None)),
    ("director_notes", DirectorNotesParams(modes=[SCENE, SCRIPT, FULL], provider=None)),
    ("tts", VoiceParams(mode=SCRIPT, provider=None)),
])
def test_an_empty_stored_dict_loads_with_the_defaults_the_worker_always_applied(db, user_a, job_type, expected):
    store_row(db, user_a, job_type, "{}", "old")

    job = repo.get_job(db, user_a, "old")

    assert (job.type, job.params) == (JobType(job_type), expected)


def test_new_jobs_store_the_same_json_shape_as_before(db, settings, user_a, tmp_path):
    video = analysed_video(db, settings, user_a, tmp_path)  # a voiceover needs the mode's script
    analysis = submit_analysis(db, settings, user_a, video.id, modes=["full_rewrite", "scene_director"], voice=True)
    voice = submit_tts(db, settings, user_a, video.id, mode="full_rewrite")

    with sqlite3.connect(db.path) as conn:
        stored = dict(conn.execute("SELECT id, params_json FROM jobs").fetchall())

    assert json.loads(stored[analysis.job.id]) == {"provider": "local", "modes": ["scene_director", "full_rewrite"],
                                                   "voice": True}
    assert json.loads(stored[voice.job.id]) == {"provider": "local", "mode": "full_rewrite"}


@pytest.mark.parametrize(("job_type", "params_json", "says"), [
    ("tts", '{"mode": "haiku"}', "mode: Input should be 'scene_director', 'script_rewrite' or 'full_rewrite'"),
    ("tts", '{"modes": ["script_rewrite"]}', "modes: Extra inputs are not permitted"),
    ("video_analysis", '{"modes": "scene_director"}', "modes: Input should be a valid list"),
    ("director_notes", "not json", "not JSON"),
    ("director_notes", "[]", "not a JSON object"),
])
def test_a_row_that_fits_no_model_is_a_clear_error_naming_the_job_and_the_field(db, user_a, job_type, params_json,
                                                                                says):
    store_row(db, user_a, job_type, params_json, "bad")

    with pytest.raises(repo.UnreadableRow) as raised:
        repo.get_job(db, user_a, "bad")

    assert str(raised.value).startswith(f"job bad ({job_type}): its stored parameters")
    assert says in str(raised.value)


def test_the_worker_fails_a_job_whose_parameters_cannot_be_read_instead_of_leaving_it_running(db, settings, user_a):
    store_row(db, user_a, "tts", '{"mode": "haiku"}', "bad")

    status = execute_job(db, settings, "bad")

    with sqlite3.connect(db.path) as conn:
        row = conn.execute("SELECT status, error FROM jobs WHERE id = 'bad'").fetchone()
    assert status == JobStatus.FAILED
    assert row == ("failed", UNREADABLE_MESSAGE)
