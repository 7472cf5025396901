"""A finished render, checked with measurements independent of the plan: ffmpeg's ebur128 for
loudness, mediapipe on output frames for framing, tesseract for the captions, the project's own
motion measure for shake, and the file's own streams for the delivery format."""

from __future__ import annotations

import shutil
from pathlib import Path

import av
import pytest

from framepilot.finish.look import look
from framepilot.finish.loudness import read_loudness
from framepilot.finish.report import framed_share
from framepilot.finish.run import FinishError, plan_finish, render_finish, review_finish
from framepilot.models import Cut, CutKind, CutList, FinishOptions, Stabilise
from framepilot.pipeline.probe import probe_video
from testkit import media_factory as make
from tests.finish.conftest import trimmed

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def finish(tmp: Path, source: Path, probe, shots, words, cut_list, **options):
    plan, before = plan_finish(source, probe, cut_list, words, shots, FinishOptions(**options), tmp / "work")
    files = render_finish(plan, source, tmp / "out.mp4", tmp / "work")
    report = review_finish(plan, Path(files.video), before, language="en")
    return plan, files, report


@pytest.fixture(scope="module")
def vertical_sample(sample_analysis, tmp_path_factory):
    return finish(tmp_path_factory.mktemp("vertical"), *sample_analysis)


def test_the_finish_is_h264_high_and_aac_at_the_presets_size_with_the_index_first(vertical_sample):
    plan, files, _report = vertical_sample
    with av.open(files.video) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert (video.codec_context.name, video.codec_context.profile) == ("h264", "High")
        assert (video.width, video.height) == (1080, 1920)
        assert (audio.codec_context.name, audio.rate, audio.channels) == ("aac", 48000, 2)
        assert float(container.duration / 1e6) == pytest.approx(plan.duration_s, abs=0.1)
    head = Path(files.video).read_bytes()[:4096]
    assert 0 < head.find(b"moov") < head.find(b"mdat") or b"mdat" not in head  # +faststart


def test_the_sample_is_cut_to_the_words_and_normalised_to_minus_14_lufs(vertical_sample, sample_analysis):
    plan, files, report = vertical_sample
    reading = read_loudness(Path(files.video))  # ebur128 on the file, not loudnorm's own figures
    assert reading.integrated_lufs == pytest.approx(-14.0, abs=1.0)
    assert reading.true_peak_dbtp <= -1.0
    assert plan.duration_s < sample_analysis[4].duration_s - 2.0  # slow start, pauses and tail gone
    assert report.check("loudness").passed


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed (.ci/run installs it)")
def test_burned_captions_are_read_back_by_ocr_and_offered_as_srt_and_vtt(vertical_sample):
    plan, files, report = vertical_sample
    assert report.check("captions").after >= 0.9
    srt, vtt = Path(files.srt).read_text(), Path(files.vtt).read_text()
    assert "Lay blue at X4 now." in srt and vtt.startswith("WEBVTT")
    assert all(len(cue.lines) <= 2 and all(len(" ".join(w.text for w in line)) <= 32 for line in cue.lines)
               for cue in plan.captions)


def test_the_window_follows_the_face_across_the_middle_third(vertical_sample):
    plan, files, _report = vertical_sample
    after = look(Path(files.video), "mov", plan.source.fps, 1080, 1920)
    with_face = [max(faces, key=lambda f: f.w * f.h) for _, faces in after.faces if faces]
    assert len(with_face) >= 0.6 * len(after.faces)
    across = sum(1 / 3 <= f.cx <= 2 / 3 for f in with_face) / len(with_face)
    assert across >= 0.98
    assert plan.crop.follows == "face" and plan.crop.max_step_px * 1080 / plan.crop.width <= 20


@pytest.fixture(scope="module")
def talking(tmp_path_factory):
    from tests.conftest import SHARED_MEDIA

    source = SHARED_MEDIA / "talking" / "liveportrait_s18.mp4"
    if not source.exists():
        pytest.skip("../shared/media is not available on this machine")
    return source


def _analysis_of(source: Path):
    from framepilot.models import Shot, Transcript

    probe = probe_video(source)
    shots = [Shot(index=0, start_s=0.0, end_s=probe.duration_s, start_frame=0, end_frame=probe.frame_count - 1,
                  transition_in="start")]
    return probe, shots, Transcript(no_speech=True, no_speech_reason="music only")


@pytest.mark.shared_media
def test_a_landscape_talking_clip_is_reframed_with_the_face_in_the_middle_third_and_upper_half(talking,
                                                                                                tmp_path):
    probe, shots, words = _analysis_of(talking)
    fps = probe.fps
    cuts = CutList(fps=fps, frame_count=probe.frame_count, cuts=[
        Cut(id="silence-60", start_s=2.0, end_s=3.0, start_frame=60, end_frame=90, kind=CutKind.SILENCE,
            reason="r", evidence="e")])
    plan, files, report = finish(tmp_path, talking, probe, shots, words, cuts)
    after = look(Path(files.video), "mov", fps, 1080, 1920)
    share, found = framed_share(after)
    assert found >= 0.9 and share >= 0.98
    assert report.check("framing").passed
    assert "No speech was found, so there are no captions." in plan.notes and files.srt is None


@pytest.mark.shared_media
def test_stabilising_a_shaky_clip_halves_its_shake_and_reports_the_crop(talking, tmp_path):
    shaky = trimmed(talking, tmp_path / "shaky.mp4", 4.0, "-vf",
                    "crop=1180:664:50+40*sin(n*1.7)+20*sin(n*0.9):28+25*sin(n*1.3+1)+12*sin(n*2.9),scale=1280:720")
    probe, shots, words = _analysis_of(shaky)
    plan, _files, report = finish(tmp_path, shaky, probe, shots, words, None, preset="landscape",
                                 stabilise=Stabilise.AUTO, trim=False)
    shake = report.check("shake")
    assert plan.stabilise is not None and shake.applied
    assert shake.after <= 0.5 * shake.before
    assert plan.stabilise.zoom_percent > 0


def test_a_source_smaller_than_the_preset_is_refused_when_upscaling_is_off(sample_analysis, tmp_path):
    with pytest.raises(FinishError, match="smaller than the vertical preset"):
        finish(tmp_path, *sample_analysis, allow_upscale=False)


def test_silence_without_a_face_is_finished_and_each_fallback_is_said(tmp_path):
    clip = make.single_shot_clip(tmp_path / "bars.mp4", seconds=2.0)
    silent = trimmed(clip, tmp_path / "silent.mp4", 2.0, "-af", "volume=0")
    probe, shots, words = _analysis_of(silent)
    plan, files, report = finish(tmp_path, silent, probe, shots, words, None, preset="square", trim=False)
    notes = " ".join(plan.notes)
    assert "No face was found" in notes and "silent" in notes and "no captions" in notes
    assert plan.crop.follows in ("centre", "subject") and Path(files.video).stat().st_size > 0
    assert not report.check("loudness").applied
