"""The openai provider end to end through the real `openai` client against the fake server:
what is sent, what comes back, and what is accounted, cached and budgeted."""

from __future__ import annotations

import base64
import re
from datetime import datetime, timezone
from pathlib import Path

import cv2
import numpy as np
import pytest

from framepilot.models import (
    DirectorMode,
    DirectorResult,
    LLMCall,
    Operation,
    Shot,
    ShotDetection,
    ShotScale,
    ShotSpan,
    Transcript,
)
from framepilot.providers.base import Director, ShotAnalyser, Transcriber, Voice
from framepilot.providers.openai.director import OpenAIDirector
from framepilot.providers.openai.shot_analyser import OpenAIShotAnalyser
from framepilot.providers.openai.transcriber import OpenAITranscriber
from framepilot.providers.openai.voice import OpenAIVoice, audio_duration
from framepilot.store import SYSTEM
from framepilot.store import repository as repo
from framepilot.usage.budgets import budget_status, global_budget_status
from framepilot.usage.metering import BudgetExceeded, CallContext
from testkit import openai_samples as samples
from testkit.fake_openai import fake_settings


@pytest.fixture
def ctx(db, user_a) -> CallContext:
    return CallContext(db=db, user_id=user_a.id, video_id=None, job_id="job-1")


def _spend(db, user_id: int, usd: float) -> None:
    repo.record_llm_call(db, LLMCall(provider="openai", model="gpt-4o-mini", operation=Operation.TRANSCRIBE,
                                     cost_usd=usd, user_id=user_id,
                                     created_at=datetime.now(timezone.utc)))


def _readings_for_request(body: dict) -> dict:
    """A shot reading for every keyframe announced in the request, like a real model."""
    text = " ".join(p.get("text", "") for m in body["messages"] if isinstance(m["content"], list)
                    for p in m["content"] if p.get("type") == "text")
    indexes = [int(i) for i in re.findall(r"Keyframe of shot (\d+):", text)]
    return {"shots": [
        {"index": i, "scale": "CU", "lighting": "soft key from camera left", "setting": "home office",
         "wardrobe": "blue shirt", "props": ["plant", "lamp"], "issues": ["lamp growing out of the head"]}
        for i in indexes
    ]}


# --- every implementation satisfies its protocol ----------------------------------------


def test_the_four_openai_classes_implement_their_protocols(fake_openai):
    settings = fake_settings(fake_openai)
    assert isinstance(OpenAITranscriber(settings), Transcriber)
    assert isinstance(OpenAIShotAnalyser(settings), ShotAnalyser)
    assert isinstance(OpenAIDirector(settings), Director)
    assert isinstance(OpenAIVoice(settings), Voice)
    assert {c(settings).provider for c in (OpenAITranscriber, OpenAIShotAnalyser, OpenAIDirector, OpenAIVoice)} == {"openai"}


# --- transcription ----------------------------------------------------------------------


def test_transcription_chunks_the_audio_and_stitches_timestamps_onto_one_timeline(fake_openai, ctx, tmp_path):
    settings = fake_settings(fake_openai)
    audio = samples.write_speechlike_wav(tmp_path / "speech.wav", seconds=10)

    transcript = OpenAITranscriber(settings, max_chunk_s=3).transcribe(audio, ctx)

    uploads = fake_openai.requests_to("/audio/transcriptions")
    assert len(uploads) >= 4
    assert all(r.form["response_format"] == ["verbose_json"] for r in uploads)
    assert all(set(r.form["timestamp_granularities[]"]) == {"segment", "word"} for r in uploads)
    words = transcript.words
    assert [w.word for w in words] == fake_openai.transcript_words[: len(words)]
    assert all(a.start <= b.start for a, b in zip(words, words[1:]))
    assert words[-1].start > 8.0  # later chunks were moved to their place in the file
    # Every word's 0.4 s window overlaps a loud burst (on 1.2 s of every 2 s) of the audio.
    assert all((w.start % 2.0) < 1.2 or (w.start % 2.0) > 1.6 for w in words)
    assert transcript.provider == "openai" and transcript.language == "en"
    Transcript.model_validate_json(transcript.model_dump_json())
    billed = [c for c in ctx.calls if c.operation == "transcribe"]
    assert len(billed) == len(uploads)
    assert sum(c.audio_seconds for c in billed) == pytest.approx(10.0, abs=0.01)
    assert sum(c.cost_usd for c in billed) == pytest.approx(10.0 / 60 * 0.006, rel=1e-3)


def test_transcription_bills_the_chunk_duration_when_the_server_reports_none(fake_openai, ctx, tmp_path):
    fake_openai.report_duration = False
    audio = samples.write_speechlike_wav(tmp_path / "speech.wav", seconds=4)

    OpenAITranscriber(fake_settings(fake_openai)).transcribe(audio, ctx)

    assert [c.audio_seconds for c in ctx.calls] == [pytest.approx(4.0, abs=0.001)]


def test_gpt4o_transcribe_models_get_plain_json_and_one_segment_per_piece(fake_openai, ctx, tmp_path):
    settings = fake_settings(fake_openai, openai_transcribe_model="gpt-4o-mini-transcribe")
    audio = samples.write_speechlike_wav(tmp_path / "speech.wav", seconds=4)

    transcript = OpenAITranscriber(settings).transcribe(audio, ctx)

    [upload] = fake_openai.requests_to("/audio/transcriptions")
    assert upload.form["response_format"] == ["json"] and "timestamp_granularities[]" not in upload.form
    assert [(s.start, s.end) for s in transcript.segments] == [(0.0, 4.0)] and transcript.text
    assert ctx.calls[0].audio_seconds == pytest.approx(4.0)
    assert ctx.calls[0].cost_usd == pytest.approx(4.0 / 60 * 0.003)


def test_no_audio_track_is_no_speech_without_calling_the_api(fake_openai, ctx):
    transcript = OpenAITranscriber(fake_settings(fake_openai)).transcribe(None, ctx)

    assert transcript.no_speech and "no audio" in transcript.no_speech_reason
    assert fake_openai.requests == [] and ctx.calls == []


def test_silent_audio_is_no_speech_and_costs_nothing(fake_openai, ctx, tmp_path):
    audio = samples.write_speechlike_wav(tmp_path / "silence.wav", seconds=3, silent=True)

    transcript = OpenAITranscriber(fake_settings(fake_openai)).transcribe(audio, ctx)

    assert transcript.no_speech and transcript.no_speech_reason == "The audio is silent."
    assert fake_openai.requests == []


# --- shot reading -----------------------------------------------------------------------


class _MeasuredShots:
    """A stand-in for the local analyser: measured shots, one with an unsure scale."""

    provider = "local"

    def analyse(self, probe, detection, transcript, audio_path, ctx):
        shots = [Shot(**span.model_dump(), scale=ShotScale.MS, scale_method="face") for span in detection.spans]
        shots[1] = shots[1].model_copy(update={"scale": ShotScale.WS, "scale_method": "fallback"})
        return shots


def _detection(tmp_path: Path, count: int) -> ShotDetection:
    spans = [
        ShotSpan(index=i, start_s=i * 2.0, end_s=(i + 1) * 2.0, start_frame=i * 60, end_frame=i * 60 + 59,
                 keyframe_path=str(samples.write_keyframe(tmp_path / f"key{i}.jpg", shade=20 * i)))
        for i in range(count)
    ]
    return ShotDetection(fps=30.0, frame_count=count * 60, spans=spans)


def test_keyframes_go_in_batches_of_eight_at_low_detail_and_512_px(fake_openai, ctx, tmp_path):
    fake_openai.reply_with("ShotReadingReply", _readings_for_request)
    analyser = OpenAIShotAnalyser(fake_settings(fake_openai), base=_MeasuredShots())

    shots = analyser.analyse(samples.probe(20), _detection(tmp_path, 10), samples.transcript(), None, ctx)

    calls = fake_openai.chat_requests
    assert [len(r.image_parts()) for r in calls] == [8, 2]
    for part in (p for r in calls for p in r.image_parts()):
        assert part["detail"] == "low"
        jpeg = base64.b64decode(part["url"].split(",", 1)[1])
        height, width = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR).shape[:2]
        assert (width, height) == (512, 288)
    rows = [c for c in ctx.calls if c.operation == "analyse_shots"]
    assert [r.image_tokens for r in rows] == [8 * 2833, 2 * 2833]
    assert all(r.image_tokens <= r.input_tokens for r in rows)
    assert len(shots) == 10 and all(isinstance(s, Shot) for s in shots)
    assert shots[0].scale == ShotScale.MS and shots[0].scale_method == "face"  # measured: kept
    assert shots[1].scale == ShotScale.CU and shots[1].scale_method == "vision"  # a guess: replaced
    assert shots[3].lighting == "soft key from camera left" and shots[3].props == ["plant", "lamp"]
    assert "lamp growing out of the head" in shots[3].issues
    Shot.model_validate_json(shots[3].model_dump_json())


def test_without_a_base_the_shots_come_from_the_spans(fake_openai, ctx, tmp_path):
    fake_openai.reply_with("ShotReadingReply", _readings_for_request)
    detection = _detection(tmp_path, 2)

    shots = OpenAIShotAnalyser(fake_settings(fake_openai)).analyse(
        samples.probe(4), detection, samples.transcript(), None, ctx)

    assert [(s.start_s, s.end_s) for s in shots] == [(sp.start_s, sp.end_s) for sp in detection.spans]
    assert all(s.scale == ShotScale.CU and s.setting == "home office" for s in shots)


# --- director ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", list(DirectorMode))
def test_each_mode_returns_the_same_director_result_model_as_the_local_director(fake_openai, ctx, mode):
    result = OpenAIDirector(fake_settings(fake_openai)).direct(mode, samples.director_inputs(), ctx)

    assert isinstance(result, DirectorResult)
    DirectorResult.model_validate_json(result.model_dump_json())
    assert (result.mode, result.provider, result.model) == (mode, "openai", "gpt-4o-mini")
    assert result.prompt_version and result.notes
    assert ctx.calls[-1].prompt_version == result.prompt_version
    if mode is not DirectorMode.SCENE_DIRECTOR:
        assert result.script and result.diff and result.original_script
    if mode is DirectorMode.FULL_REWRITE:
        assert result.shot_list and result.shot_list[0].number == 1


def test_the_director_asks_for_strict_json_schema_output(fake_openai, ctx):
    OpenAIDirector(fake_settings(fake_openai)).direct(DirectorMode.SCRIPT_REWRITE, samples.director_inputs(), ctx)

    fmt = fake_openai.chat_requests[0].json["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["strict"] is True and fmt["json_schema"]["name"] == "ScriptRewriteReply"
    assert set(fmt["json_schema"]["schema"]["required"]) == {"summary", "script", "notes"}


def test_notes_are_clamped_to_the_video(fake_openai, ctx):
    note = {"start_s": -3, "end_s": 99, "category": "Hook", "severity": "warning", "note": "Start with the payoff.",
            "evidence": "first words at 0.0 s"}
    fake_openai.reply_with("SceneDirectorReply", {"summary": "Good energy.", "notes": [note]})

    result = OpenAIDirector(fake_settings(fake_openai)).direct(
        DirectorMode.SCENE_DIRECTOR, samples.director_inputs(duration_s=20), ctx)

    assert (result.notes[0].start_s, result.notes[0].end_s, result.notes[0].category) == (0.0, 20.0, "hook")


# --- accounting -------------------------------------------------------------------------


def test_cost_is_computed_exactly_from_the_usage_block(fake_openai, ctx, db, user_a):
    fake_openai.usage_next({"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500,
                            "prompt_tokens_details": {"cached_tokens": 200}})

    OpenAIDirector(fake_settings(fake_openai)).direct(DirectorMode.SCENE_DIRECTOR, samples.director_inputs(), ctx)

    [row] = repo.list_llm_calls(db, user_a)
    # 800 uncached x $0.15/M + 200 cached x $0.075/M + 500 out x $0.60/M
    assert row.cost_usd == pytest.approx(0.000435, abs=1e-12)
    assert (row.input_tokens, row.cached_tokens, row.output_tokens) == (1000, 200, 500)
    assert row.unit_prices["input_per_m"] == 0.15 and row.price_date
    assert (row.provider, row.operation, row.status, row.job_id) == ("openai", "direct.scene_director", "ok", "job-1")


def test_the_fake_servers_cached_tokens_are_billed_at_the_cached_price(fake_openai, ctx):
    settings = fake_settings(fake_openai, llm_cache=False)
    long_script = samples.transcript(samples.SCRIPT * 12, seconds_per_line=2.0)
    inputs = samples.director_inputs(long_script, duration_s=100)

    for _ in range(2):
        OpenAIDirector(settings).direct(DirectorMode.SCENE_DIRECTOR, inputs, ctx)

    first, second = ctx.calls
    assert first.cached_tokens == 0 and second.cached_tokens >= 1024
    assert second.cached_tokens % 128 == 0
    expected = ((second.input_tokens - second.cached_tokens) * 0.15 + second.cached_tokens * 0.075
                + second.output_tokens * 0.60) / 1e6
    assert second.cost_usd == pytest.approx(expected, abs=1e-12)
    assert second.cost_usd < first.cost_usd


def test_an_unknown_model_is_recorded_with_no_cost(fake_openai, ctx):
    settings = fake_settings(fake_openai, openai_chat_model="llama3.1:8b")

    result = OpenAIDirector(settings).direct(DirectorMode.SCENE_DIRECTOR, samples.director_inputs(), ctx)

    assert result.model == "llama3.1:8b"
    assert ctx.calls[-1].cost_usd is None and ctx.calls[-1].status == "ok"


def test_voice_records_characters_and_measures_the_written_file(fake_openai, ctx, tmp_path):
    text = "This is the new opening line. " * 10
    out = tmp_path / "voice" / "take.wav"

    clip = OpenAIVoice(fake_settings(fake_openai)).synthesise(text, out, ctx)

    assert clip.path == out and out.exists() and not list(out.parent.glob(".*tmp"))
    assert clip.duration_s == pytest.approx(audio_duration(out)) == pytest.approx(60 / 2.5, abs=0.05)
    assert fake_openai.requests_to("/audio/speech")[0].json["voice"] == "alloy"
    [row] = ctx.calls
    assert row.characters == clip.characters == len(text.strip())
    assert row.cost_usd == pytest.approx(len(text.strip()) * 15 / 1e6)


def test_long_scripts_are_voiced_in_pieces_under_the_input_limit(fake_openai, ctx, tmp_path):
    # 4320 characters in few (long) words, to keep the generated audio short.
    text = "Hyper-comprehensive-cinematographic-considerations-and-recommendations. " * 60

    clip = OpenAIVoice(fake_settings(fake_openai)).synthesise(text, tmp_path / "long.mp3", ctx)

    pieces = [r.json["input"] for r in fake_openai.requests_to("/audio/speech")]
    assert len(pieces) == 2 and all(len(p) <= 4096 for p in pieces)
    assert clip.duration_s == pytest.approx(len(text.split()) / 2.5, rel=0.05)


# --- cache ------------------------------------------------------------------------------


def test_an_identical_request_is_served_from_the_cache_at_cost_zero(fake_openai, ctx, db, user_a):
    director = OpenAIDirector(fake_settings(fake_openai))
    inputs = samples.director_inputs()

    first = director.direct(DirectorMode.SCENE_DIRECTOR, inputs, ctx)
    second = director.direct(DirectorMode.SCENE_DIRECTOR, inputs, ctx)

    assert len(fake_openai.chat_requests) == 1
    assert second == first
    rows = repo.list_llm_calls(db, user_a)
    assert [(r.cache_hit, r.cost_usd) for r in rows][1] == (True, 0.0)
    assert rows[1].prompt_version == first.prompt_version


def test_the_cache_key_changes_with_the_inputs_and_the_cache_can_be_off(fake_openai, ctx):
    settings = fake_settings(fake_openai)
    OpenAIDirector(settings).direct(DirectorMode.SCENE_DIRECTOR, samples.director_inputs(), ctx)
    OpenAIDirector(settings).direct(DirectorMode.SCENE_DIRECTOR,
                                    samples.director_inputs(samples.transcript(samples.SCRIPT[:2])), ctx)
    off = fake_settings(fake_openai, llm_cache=False)
    OpenAIDirector(off).direct(DirectorMode.SCENE_DIRECTOR, samples.director_inputs(), ctx)

    assert len(fake_openai.chat_requests) == 3
    assert not any(c.cache_hit for c in ctx.calls)


def test_cached_replies_are_encrypted_at_rest(fake_openai, ctx, db):
    fake_openai.reply_with("SceneDirectorReply", {"summary": "Secret plan for the launch video.", "notes": []})
    OpenAIDirector(fake_settings(fake_openai)).direct(DirectorMode.SCENE_DIRECTOR, samples.director_inputs(), ctx)

    with db.read(SYSTEM) as conn:
        stored = [r["response"] for r in conn.execute("SELECT response FROM llm_cache")]
    assert len(stored) == 1 and "Secret plan" not in stored[0]


def test_transcription_and_speech_are_cached_too(fake_openai, ctx, tmp_path):
    settings = fake_settings(fake_openai)
    audio = samples.write_speechlike_wav(tmp_path / "speech.wav", seconds=4)
    first = OpenAITranscriber(settings).transcribe(audio, ctx)
    again = OpenAITranscriber(settings).transcribe(audio, ctx)
    OpenAIVoice(settings).synthesise("Hello there.", tmp_path / "a.wav", ctx)
    clip = OpenAIVoice(settings).synthesise("Hello there.", tmp_path / "b.wav", ctx)

    assert again == first and clip.duration_s > 0.4
    assert len(fake_openai.requests) == 2
    assert [c.cache_hit for c in ctx.calls] == [False, True, False, True]


# --- budgets ----------------------------------------------------------------------------


def test_the_user_budget_stops_the_call_before_any_request_is_sent(fake_openai, ctx, db, user_a):
    _spend(db, user_a.id, 0.0099)
    settings = fake_settings(fake_openai, user_monthly_budget_usd=0.01)

    with pytest.raises(BudgetExceeded, match="monthly budget of \\$0.01"):
        OpenAIDirector(settings).direct(DirectorMode.SCENE_DIRECTOR, samples.director_inputs(), ctx)

    assert fake_openai.requests == []
    assert len(repo.list_llm_calls(db, user_a)) == 1  # only the earlier spend


def test_the_global_budget_counts_every_users_spend(fake_openai, db, user_a, user_b, tmp_path):
    _spend(db, user_b.id, 0.50)
    settings = fake_settings(fake_openai, global_monthly_budget_usd=0.50)
    ctx = CallContext(db=db, user_id=user_a.id)

    with pytest.raises(BudgetExceeded, match="global budget"):
        OpenAIVoice(settings).synthesise("Hello.", tmp_path / "v.wav", ctx)

    assert fake_openai.requests == []


def test_a_call_within_budget_goes_through_and_counts_towards_it(fake_openai, ctx, db, user_a):
    settings = fake_settings(fake_openai, user_monthly_budget_usd=1.0)

    OpenAIDirector(settings).direct(DirectorMode.SCENE_DIRECTOR, samples.director_inputs(), ctx)

    status = budget_status(db, settings, user_a)
    assert ctx.calls[0].cost_usd > 0
    assert status.limit == 1.0 and status.spent == pytest.approx(ctx.calls[0].cost_usd, abs=1e-6)
    assert status.remaining == pytest.approx(1.0 - status.spent)
    assert global_budget_status(db, settings).limit is None


def test_without_a_limit_the_budget_status_has_nothing_remaining_to_show(db, settings, user_a):
    _spend(db, user_a.id, 0.25)

    status = budget_status(db, settings, user_a)

    assert (status.spent, status.limit, status.remaining, status.exhausted) == (0.25, None, None, False)


def test_a_cache_hit_is_served_even_when_the_budget_is_spent(fake_openai, ctx, db, user_a):
    inputs = samples.director_inputs()
    OpenAIDirector(fake_settings(fake_openai)).direct(DirectorMode.SCENE_DIRECTOR, inputs, ctx)
    _spend(db, user_a.id, 5.0)

    result = OpenAIDirector(fake_settings(fake_openai, user_monthly_budget_usd=1.0)).direct(
        DirectorMode.SCENE_DIRECTOR, inputs, ctx)

    assert result.notes and len(fake_openai.chat_requests) == 1
