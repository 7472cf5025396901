"""The whole local pipeline through its public entry points: service and `framepilot analyze`."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from framepilot.models import AnalysisResult, DirectorMode, VideoStatus
from framepilot.pipeline.probe import probe_video
from framepilot.services import analysis as service
from framepilot.services import media
from framepilot.services.ingest import ingest_path
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from testkit import media_factory as make
from tests.support.processes import PROJECT_ROOT

SAMPLE = PROJECT_ROOT / "framepilot" / "assets" / "sample.mp4"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    """The sample clip analysed once by the CLI, in all three modes, with --json."""
    data = tmp_path_factory.mktemp("data")
    out = data / "result.json"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(data), "FRAMEPILOT_DATA_DIR": str(data / "store"),
           "FRAMEPILOT_LOG_LEVEL": "WARNING"}
    proc = subprocess.run(
        [sys.executable, "-m", "framepilot.cli", "analyze", str(SAMPLE), "--json", str(out)],
        env=env, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, json.loads(out.read_text())


def test_analyze_json_has_the_stable_structure(analysed):
    _, result = analysed
    assert set(result) >= {"video", "shots", "transcript", "director", "usage", "timings"}
    shot = result["shots"][0]
    assert set(shot) >= {"index", "start_s", "end_s", "start_frame", "end_frame", "scale", "movement",
                         "exposure", "issues", "transition_in"}
    assert [s["transition_in"] for s in result["shots"]][0] == "start"
    assert {s["transition_in"] for s in result["shots"][1:]} <= {"cut", "jump", "fade", "dissolve"}
    assert result["cuts"], "the sample has pauses and a tail to cut"
    for cut in result["cuts"]:
        assert set(cut) >= {"start_s", "end_s", "kind", "reason", "evidence", "enabled"}
        assert 0 <= cut["start_s"] < cut["end_s"] <= result["video"]["duration_s"] + 0.05
    segment = result["transcript"]["segments"][0]
    assert set(segment) >= {"start", "end", "text", "words"}
    assert set(segment["words"][0]) >= {"word", "start", "end"}
    assert set(result["director"]) == {m.value for m in DirectorMode}
    assert set(result["timings"]) >= {"probe", "audio", "shots", "transcribe", "cinematic", "direct"}
    AnalysisResult.model_validate(result)


def test_analyze_finds_several_shots_speech_and_records_every_ai_call(analysed):
    summary, result = analysed
    assert len(result["shots"]) >= 2
    assert result["transcript"]["language"] == "en"
    assert len(result["transcript"]["text"].split()) >= 5
    operations = {c["operation"] for c in result["usage"]}
    assert {"transcribe", "analyse_shots"} <= operations
    assert any(op.startswith("direct") for op in operations)
    assert all(c["provider"] == "local" and c["cost_usd"] == 0 for c in result["usage"])
    assert "Shots:" in summary and "Transcript:" in summary and "Edit:" in summary


def test_a_rerun_skips_stored_stages_and_pays_nothing_twice(db, settings, user_a):
    video = ingest_path(db, settings, user_a, SAMPLE).video
    modes = [DirectorMode.SCENE_DIRECTOR]
    service.analyse_video(db, settings, user_a, video.id, modes=modes)
    first = len(repo.list_llm_calls(db, user_a, video_id=video.id))
    seen = []
    again = service.analyse_video(db, settings, user_a, video.id, modes=modes,
                                  progress=lambda stage, pct: seen.append(pct))
    assert len(repo.list_llm_calls(db, user_a, video_id=video.id)) == first
    assert seen[-1] == 100
    assert again.director["scene_director"].notes  # read back from the store, not re-written
    assert repo.get_video(db, user_a, video.id).status == VideoStatus.READY


def test_the_speech_pass_runs_beside_the_video_pass(db, settings, user_a):
    """Stages one after another take at least the sum of their times; run side by side, less."""
    video = ingest_path(db, settings, user_a, SAMPLE).video
    started = time.perf_counter()
    result = service.analyse_video(db, settings, user_a, video.id, modes=[])
    wall = time.perf_counter() - started
    stages = repo.completed_stages(db, user_a, video.id)
    assert {"audio", "shots", "transcribe", "cinematic"} <= set(stages)
    assert result.transcript.words and len(result.shots) >= 2
    assert wall < sum(stages.values())


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.mp4", b"", "empty"),
        ("notes.mp4", b"this is a text file, not a video\n" * 20, "notes.mp4"),
    ],
)
def test_analyze_rejects_bad_input_with_a_clear_error(tmp_path, settings, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    proc = subprocess.run(
        [sys.executable, "-m", "framepilot.cli", "analyze", str(path)],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FRAMEPILOT_DATA_DIR": str(settings.data_dir)},
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300,
    )
    assert proc.returncode == 1
    assert "error:" in proc.stderr and expected in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_failed_analysis_marks_the_video_failed_and_leaves_no_partial_results(db, settings, user_a, tmp_path):
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4000)
    video = ingest_path(db, settings, user_a, bad).video
    with pytest.raises(service.AnalysisFailed) as err:
        service.analyse_video(db, settings, user_a, video.id)
    stored = repo.get_video(db, user_a, video.id)
    assert stored.status == VideoStatus.FAILED and stored.error == str(err.value)
    assert "broken.mp4" in stored.error
    assert repo.get_shots(db, user_a, video.id) == []
    assert repo.get_transcript(db, user_a, video.id) is None
    assert repo.completed_stages(db, user_a, video.id) == {}


def test_the_whole_pipeline_runs_on_the_openai_provider_against_a_compatible_server(fake_openai, db, user_a):
    from testkit.fake_openai import fake_settings

    settings = fake_settings(fake_openai)
    video = ingest_path(db, settings, user_a, SAMPLE).video
    result = service.analyse_video(db, settings, user_a, video.id, provider="openai")

    assert {d.provider for d in result.director.values()} == {"openai"}
    assert set(result.director) == {m.value for m in DirectorMode}
    assert result.transcript.provider == "openai" and result.transcript.segments
    assert len(result.shots) >= 2
    calls = repo.list_llm_calls(db, user_a, video_id=video.id)
    openai_calls = [c for c in calls if c.provider == "openai"]
    assert {c.operation for c in openai_calls} >= {"transcribe", "analyse_shots"}
    assert all(c.cost_usd is not None and c.cost_usd > 0 for c in openai_calls if not c.cache_hit)
    assert all(c.prompt_version for c in openai_calls if c.operation.startswith("direct"))
    assert fake_openai.requests_to("/v1/audio/transcriptions")


def test_a_video_stored_before_media_storage_still_analyses_and_keeps_new_files_under_keys(db, settings, user_a):
    settings.ensure_dirs()
    video_id = repo.new_id()
    flat = make.no_audio_clip(settings.uploads_dir / f"{video_id}.mp4", seconds=1.0)  # the old flat layout
    repo.create_video(db, user_a, filename="old.mp4", stored_path=str(flat.resolve()), sha256="0" * 64,
                      size_bytes=flat.stat().st_size, video_id=video_id)
    # A probe stored before demuxers were recorded (the field did not exist).
    repo.save_probe(db, user_a, video_id, probe_video(flat).model_copy(update={"demuxer": None}))
    repo.mark_stage_done(db, user_a, video_id, "probe", 0.01)

    result = service.analyse_video(db, settings, user_a, video_id, modes=())

    assert result.video.demuxer == "mov"  # probed again, so later stages can force it
    assert repo.get_video(db, user_a, video_id).status == VideoStatus.READY
    # Its upload is read where it lies; what the new run derives goes under the user's prefix.
    assert {str(Path(s.keyframe_path).parent) for s in result.shots} == {f"artifacts/{user_a.id}/{video_id}/keyframes"}
    assert all((settings.data_dir / s.keyframe_path).is_file() for s in result.shots)


def test_an_upload_is_analysed_and_voiced_with_every_file_in_s3_and_none_left_on_the_worker(
        s3_backend, db, user_a):
    settings = get_settings()
    video = ingest_path(db, settings, user_a, SAMPLE).video

    result = service.analyse_video(db, settings, user_a, video.id, modes=[DirectorMode.SCRIPT_REWRITE], voice=True)

    prefix = f"artifacts/{user_a.id}/{video.id}"
    stored = {name.removeprefix("media/") for name in s3_backend.raw_leftovers()}
    assert {video.stored_path, f"{prefix}/audio.wav"} <= stored
    assert {s.keyframe_path for s in result.shots} <= stored and len(result.shots) >= 2
    assert {result.voiceover.audio_path, result.voiceover.preview_path} <= stored
    shown = media.review_media(settings, video, result.shots, result.voiceover)
    assert httpx.get(shown.keyframes[0]).content[:2] == b"\xff\xd8"  # a JPEG, straight from the bucket
    assert httpx.get(shown.voiceover_preview).status_code == 200
    local = [p.relative_to(settings.data_dir) for p in settings.data_dir.rglob("*") if p.is_file()]
    assert not [p for p in local if p.parts[0] in ("uploads", "artifacts", "work")], local  # scratch only
