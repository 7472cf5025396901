"""The local transcriber: real faster-whisper on the packaged base model, real audio.

Speech is made in the test with hibari TTS, so nothing here needs ../shared (except the WER
check, which skips without it). The model is joined and loaded once for the module.
"""

from __future__ import annotations

import re
import subprocess
import wave
from pathlib import Path

import imageio_ffmpeg
import pytest

from framepilot.core.stage_progress import Cancelled
from framepilot.models import User
from framepilot.providers.base import ProviderError
from framepilot.providers.local import whisper_model
from framepilot.providers.local.transcriber import NO_AUDIO_REASON, LocalTranscriber
from framepilot.providers.local.whisper_model import (
    MODEL_SHA256,
    ModelIntegrityError,
    PackagedModel,
    ensure_model_dir,
    find_packaged_model,
    sha256_of,
)
from framepilot.settings import Settings
from framepilot.store import repository as repo
from framepilot.usage.metering import CallContext

pytestmark = pytest.mark.slow

SENTENCE = "Welcome back to the channel. Today I will show you three tips for better lighting."
KEY_WORDS = ["welcome", "channel", "today", "three", "tips", "better", "lighting"]


def _plain(word: str) -> str:
    return re.sub(r"[^a-z0-9]", "", word.lower())


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


@pytest.fixture(scope="module")
def transcriber(tmp_path_factory) -> LocalTranscriber:
    return LocalTranscriber(Settings(data_dir=tmp_path_factory.mktemp("transcriber_data")))


@pytest.fixture(scope="module")
def speech_wav(tmp_path_factory) -> Path:
    from hibari import Hibari

    path = tmp_path_factory.mktemp("speech") / "welcome.wav"
    Hibari(threads=2).save(SENTENCE, str(path), seed=0)
    return path


@pytest.fixture(scope="module")
def silent_wav(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("silence") / "silence.wav"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi",
         "-i", "anullsrc=r=16000:cl=mono", "-t", "3", str(path)],
        check=True,
    )
    return path


def test_speech_comes_back_as_english_words_in_order_with_timestamps_inside_the_audio(
    transcriber, speech_wav
):
    seen: list[float] = []
    transcript = transcriber.transcribe(speech_wav, CallContext(), progress=seen.append)

    assert transcript.no_speech is False
    assert transcript.language == "en" and transcript.language_probability > 0.5
    assert transcript.provider == "local" and transcript.model == "whisper-base"
    words = transcript.words
    plain = [_plain(w.word) for w in words]
    positions = [plain.index(k) for k in KEY_WORDS]
    assert positions == sorted(positions), plain
    assert all(w.word == w.word.strip() and w.word for w in words)
    duration = _wav_seconds(speech_wav)
    starts = [w.start for w in words]
    assert starts == sorted(starts)
    assert all(0.0 <= w.start <= w.end <= duration + 0.05 for w in words)
    assert words[-1].end > duration / 2  # timestamps cover the sentence, not a squashed prefix
    assert seen and seen == sorted(seen) and seen[-1] == 1.0


def test_each_transcription_is_one_free_llm_calls_row_with_the_audio_duration(transcriber, speech_wav, db,
                                                                             user_a: User):
    ctx = CallContext(db=db, user_id=user_a.id, video_id="video-1")

    transcriber.transcribe(speech_wav, ctx)

    [row] = repo.list_llm_calls(db, user_a, video_id="video-1")
    assert (row.provider, row.model, row.operation, row.status) == ("local", "whisper-base", "transcribe", "ok")
    assert row.audio_seconds == pytest.approx(_wav_seconds(speech_wav), abs=0.05)
    assert row.cost_usd == 0
    assert row.latency_ms > 0


def test_silence_is_no_speech_with_a_plain_reason(transcriber, silent_wav, db, user_a: User):
    ctx = CallContext(db=db, user_id=user_a.id, video_id="video-2")

    transcript = transcriber.transcribe(silent_wav, ctx)

    assert transcript.no_speech is True
    assert transcript.no_speech_reason and "No speech" in transcript.no_speech_reason
    assert transcript.segments == [] and transcript.text == ""
    [row] = repo.list_llm_calls(db, user_a, video_id="video-2")
    assert row.audio_seconds == pytest.approx(3.0, abs=0.05)


def test_no_audio_track_is_no_speech_without_a_model_call(transcriber):
    ctx = CallContext()

    transcript = transcriber.transcribe(None, ctx)

    assert transcript.no_speech is True
    assert transcript.no_speech_reason == NO_AUDIO_REASON
    assert ctx.calls == []


def test_a_file_without_an_audio_stream_is_no_speech_too(transcriber, tmp_path):
    video_only = tmp_path / "silent_film.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi",
                    "-i", "testsrc=size=160x120:rate=10", "-t", "1", str(video_only)], check=True)

    transcript = transcriber.transcribe(video_only, CallContext())

    assert (transcript.no_speech, transcript.no_speech_reason) == (True, NO_AUDIO_REASON)


def test_undecodable_audio_is_a_provider_error(transcriber, tmp_path):
    garbage = tmp_path / "audio.wav"
    garbage.write_bytes(bytes(range(256)) * 40)

    with pytest.raises(ProviderError, match="could not be decoded"):
        transcriber.transcribe(garbage, CallContext())


def test_a_progress_callback_that_raises_cancels_the_transcription(transcriber, speech_wav):
    ctx = CallContext()

    def cancel(fraction: float) -> None:
        raise Cancelled()

    with pytest.raises(Cancelled):
        transcriber.transcribe(speech_wav, ctx, progress=cancel)
    assert [c.status for c in ctx.calls] == ["error"]


# --- the packaged model and its cache ---------------------------------------------------


def test_a_verified_cache_is_trusted_without_hashing_the_model_again(transcriber, monkeypatch):
    folder = ensure_model_dir(transcriber.settings.models_dir)
    hashed: list[Path] = []
    monkeypatch.setattr(whisper_model, "sha256_of", lambda p: hashed.append(p) or MODEL_SHA256)

    assert ensure_model_dir(transcriber.settings.models_dir) == folder
    assert hashed == []


def test_a_corrupted_cached_model_is_rejected_and_rebuilt(tmp_path):
    models = tmp_path / "models"
    model_bin = ensure_model_dir(models) / "model.bin"
    with open(model_bin, "r+b") as f:  # same size, different bytes
        f.seek(50_000_000)
        f.write(b"\0" * 4096)
    assert sha256_of(model_bin) != MODEL_SHA256

    folder = ensure_model_dir(models)

    assert sha256_of(folder / "model.bin") == MODEL_SHA256
    assert {p.name for p in folder.iterdir()} >= {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt"}
    assert not list(folder.glob("*.part"))


def test_a_package_with_the_wrong_hash_is_a_clear_error_and_leaves_nothing_to_load(tmp_path):
    real = find_packaged_model()
    fake_parts = []
    for i in (1, 2):
        part = tmp_path / f"model.bin.part{i}"
        part.write_bytes(b"not the model" * 1000)
        fake_parts.append(part)
    tampered = PackagedModel(parts=tuple(fake_parts), side_files=real.side_files)

    with pytest.raises(ModelIntegrityError, match="sha256"):
        ensure_model_dir(tmp_path / "models", packaged=tampered)
    assert not (tmp_path / "models" / "whisper-base" / "model.bin").exists()
    assert not list((tmp_path / "models" / "whisper-base").glob("*.part"))


# --- accuracy on real recordings ------------------------------------------------------


@pytest.mark.shared_media
def test_word_error_rate_on_the_shared_speech_recordings_is_at_most_ten_percent(transcriber, shared_media):
    from testkit.evalsets.transcribe import evaluate, summarise

    rows = evaluate(shared_media, settings=transcriber.settings)

    speech = summarise(rows, "speech")
    assert speech["files"] >= 5
    assert speech["corpus_wer"] <= 0.10, rows
    assert all(r["wer"] <= 0.4 for r in rows if r["kind"] == "speech"), rows
    assert all(r["language"] == "en" for r in rows if r["kind"] == "speech")
