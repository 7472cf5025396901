"""The local voice (hibari TTS) and the voiceover preview render, on real audio and video.

Videos are made in the test with ffmpeg's lavfi test sources; the preview is decoded back
with PyAV to check what a viewer would get: the voiceover's sound and length, the picture.
"""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import av
import imageio_ffmpeg
import numpy as np
import pytest

from framepilot.models import Operation, User
from framepilot.pipeline.preview import preview_size, render_preview
from framepilot.pipeline.probe import probe_video
from framepilot.providers.base import ProviderError
from framepilot.providers.local.voice import MAX_PHONEMES, LocalVoice, split_phonemes
from framepilot.settings import Settings
from framepilot.store import repository as repo
from framepilot.usage.metering import CallContext

pytestmark = pytest.mark.slow

SENTENCE = "Welcome back to the channel. Today I will show you three tips for better lighting."
ORIGINAL_TONE_HZ = 1000


def _ffmpeg(*args: str) -> None:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", *args], check=True)


def _test_video(path: Path, seconds: float, size: str = "320x240") -> Path:
    """A lavfi test pattern (it changes every frame) with a loud tone as its original sound."""
    _ffmpeg("-f", "lavfi", "-i", f"testsrc=size={size}:rate=25", "-f", "lavfi",
            "-i", f"sine=f={ORIGINAL_TONE_HZ}:sample_rate=44100", "-t", str(seconds),
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path))
    return path


def _audio(path: Path) -> tuple[np.ndarray, int]:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=stream.rate)
        parts = [out.to_ndarray().reshape(-1) for f in container.decode(stream) for out in resampler.resample(f)]
        return np.concatenate(parts), stream.rate


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="gray").astype(np.float32) for f in container.decode(video=0)]


def _tone_share(samples: np.ndarray, rate: int, hz: float) -> float:
    """Share of the signal's energy within 20 Hz of `hz`."""
    spectrum = np.abs(np.fft.rfft(samples)) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    return float(spectrum[np.abs(freqs - hz) < 20].sum() / max(spectrum.sum(), 1e-12))


@pytest.fixture(scope="module")
def voice(tmp_path_factory) -> LocalVoice:
    return LocalVoice(Settings(data_dir=tmp_path_factory.mktemp("voice_data")))


@pytest.fixture(scope="module")
def sentence_wav(voice, tmp_path_factory) -> Path:
    return voice.synthesise(SENTENCE, tmp_path_factory.mktemp("voice") / "sentence.wav", CallContext()).path


# --- voice ----------------------------------------------------------------------------


def test_a_sentence_becomes_a_24khz_wav_of_plausible_length_and_is_accounted(voice, tmp_path, db, user_a: User):
    ctx = CallContext(db=db, user_id=user_a.id, video_id="video-1")

    clip = voice.synthesise(SENTENCE, tmp_path / "out" / "voice.wav", ctx)

    with wave.open(str(clip.path)) as w:
        rate, channels, frames = w.getframerate(), w.getnchannels(), w.getnframes()
        samples = np.frombuffer(w.readframes(frames), dtype="<i2").astype(np.float32) / 32768
    assert (rate, channels) == (24_000, 1)
    assert clip.duration_s == pytest.approx(frames / rate, abs=0.01)
    assert 2.0 < clip.duration_s < 12.0
    assert np.sqrt(np.mean(samples**2)) > 0.01  # speech, not silence
    assert (clip.voice, clip.characters) == ("heart", len(SENTENCE))
    assert [p.name for p in clip.path.parent.iterdir()] == ["voice.wav"]  # no temp file left behind
    [row] = repo.list_llm_calls(db, user_a, video_id="video-1")
    assert (row.provider, row.model, row.operation, row.status) == ("local", "hibari-tts-0.2.1", Operation.SYNTHESISE, "ok")
    assert row.characters == len(SENTENCE) and row.cost_usd == 0


def test_a_run_on_script_without_punctuation_is_voiced_in_full(voice, tmp_path):
    run_on = " ".join(["the key light goes at forty five degrees to your face"] * 12)  # 132 words, no stops

    clip = voice.synthesise(run_on, tmp_path / "run_on.wav", CallContext())

    assert clip.duration_s > 132 * 0.2  # at least five words a second would be gabbling


def test_long_phoneme_strings_are_cut_at_word_boundaries_within_the_limit():
    phonemes = " ".join(["ðə kˈi lˈIt"] * 200)

    pieces = split_phonemes(phonemes)

    assert len(pieces) > 1
    assert all(len(p) <= MAX_PHONEMES for p in pieces)
    assert " ".join(pieces) == phonemes


def test_empty_text_is_an_error_the_user_can_act_on(voice, tmp_path):
    with pytest.raises(ProviderError, match="no text"):
        voice.synthesise("   ", tmp_path / "empty.wav", CallContext())
    assert not (tmp_path / "empty.wav").exists()


# --- preview --------------------------------------------------------------------------


def test_preview_carries_the_voiceover_instead_of_the_original_sound_and_holds_the_last_frame(
    sentence_wav, tmp_path
):
    video = _test_video(tmp_path / "clip.mp4", 3)
    voice_s = _audio(sentence_wav)[0].size / 24_000
    assert voice_s > 3.5  # the voiceover outlasts the picture

    out = render_preview(video, probe_video(video), sentence_wav, tmp_path / "previews" / "preview.mp4")

    assert out == tmp_path / "previews" / "preview.mp4"
    assert [p.name for p in out.parent.iterdir()] == ["preview.mp4"]
    with av.open(str(out)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.streams.audio[0].codec_context.name == "aac"
    samples, rate = _audio(out)
    assert samples.size / rate == pytest.approx(voice_s, abs=0.15)
    assert _tone_share(samples, rate, ORIGINAL_TONE_HZ) < 0.01  # the original tone is gone
    frames = _frames(out)
    assert len(frames) / 25 == pytest.approx(voice_s, abs=0.15)
    last_original = frames[74]  # 3 s at 25 fps
    assert np.abs(frames[0] - last_original).mean() > 5  # the pattern moves...
    assert np.abs(frames[-1] - last_original).mean() < 2  # ...until it is held on its last frame


def test_a_short_voiceover_is_followed_by_silence_until_the_video_ends(voice, tmp_path):
    video = _test_video(tmp_path / "clip.mp4", 3)
    short = voice.synthesise("Hello there.", tmp_path / "short.wav", CallContext())
    assert short.duration_s < 2.0

    out = render_preview(video, probe_video(video), short.path, tmp_path / "preview.mp4")

    samples, rate = _audio(out)
    assert samples.size / rate == pytest.approx(3.0, abs=0.15)
    assert len(_frames(out)) == 75
    tail = samples[int((short.duration_s + 0.2) * rate):]
    assert tail.size > 0 and np.abs(tail).max() < 0.01


def test_a_1080p_video_previews_at_720p(sentence_wav, tmp_path):
    video = _test_video(tmp_path / "hd.mp4", 1, size="1920x1080")

    out = render_preview(video, probe_video(video), sentence_wav, tmp_path / "preview.mp4")

    with av.open(str(out)) as container:
        ctx = container.streams.video[0].codec_context
        assert (ctx.width, ctx.height) == (1280, 720)


def test_preview_sizes_are_even_and_never_scaled_up():
    assert preview_size(1920, 1080) == (1280, 720)
    assert preview_size(1080, 1920) == (406, 720)
    assert preview_size(321, 241) == (322, 242)
    assert preview_size(640, 360) == (640, 360)


def test_the_local_voice_refuses_a_turkish_script_instead_of_reading_it_in_english(tmp_path):
    voice = LocalVoice(Settings(data_dir=tmp_path))
    for text, language in (("Bugün size üç ipucu vereceğim.", "tr"), ("Işık çok önemli.", None)):
        with pytest.raises(ProviderError, match="No local Turkish voice; use the openai provider"):
            voice.synthesise(text, tmp_path / "out.wav", CallContext(), language=language)
    assert not (tmp_path / "out.wav").exists()
    assert voice.synthesise("Three tips for light.", tmp_path / "en.wav", CallContext(), language="en").duration_s > 0
