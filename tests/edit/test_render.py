"""The tightened preview: the kept ranges joined into one MP4, as a job with progress."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import httpx
import numpy as np
import pytest

from framepilot.edit.render import edit_key, render_edit
from framepilot.models import Cut, CutKind, CutList, JobStatus, JobType, Shot
from framepilot.pipeline.preview import PreviewError
from framepilot.pipeline.probe import probe_video
from framepilot.services.edit import choose_cuts, load_cut_list, rendered_preview
from framepilot.services.ingest import ingest_path
from framepilot.services.jobs import submit_render
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from jobs.tasks import execute_job
from testkit import media_factory as make
from tests.support.transcripts import spoken, transcript

FPS = 25


def cut(start: int, end: int, enabled: bool = True) -> Cut:
    return Cut(id=f"silence-{start}", start_s=start / FPS, end_s=end / FPS, start_frame=start, end_frame=end,
               kind=CutKind.SILENCE, reason="r", evidence="e", enabled=enabled)


def _bars(i: int) -> np.ndarray:
    """Frame i shows its number in binary: 8 bars, white for a set bit."""
    frame = np.zeros((240, 320, 3), np.uint8)
    for bit in range(8):
        if i >> bit & 1:
            frame[:, bit * 40:(bit + 1) * 40] = 255
    return frame


def counting_clip(out: Path, frames: int = 100) -> Path:
    """Each frame shows its own number (see _bars), with a steady tone."""
    raw = b"".join(_bars(i).tobytes() for i in range(frames))
    subprocess.run([make.FFMPEG, "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24",
                    "-s", "320x240", "-r", str(FPS), "-i", "pipe:0", "-f", "lavfi", "-i",
                    f"sine=frequency=440:duration={frames / FPS}", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(out)],
                   input=raw, check=True, capture_output=True)
    return out


def stream_durations(path: Path) -> dict[str, float]:
    with av.open(str(path)) as container:
        return {s.type: float(s.duration * s.time_base) for s in container.streams}


def source_frames(path: Path) -> list[int]:
    """Which source frame each output frame shows, read from its bars."""
    with av.open(str(path)) as container:
        grey = [f.to_ndarray(format="gray").reshape(240, 8, 40).mean(axis=(0, 2)) for f in container.decode(video=0)]
    return [sum(1 << bit for bit in range(8) if bars[bit] > 128) for bars in grey]


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return counting_clip(tmp_path_factory.mktemp("render") / "counting.mp4")


CUT_LIST = CutList(fps=FPS, frame_count=100, cuts=[cut(0, 7), cut(20, 33), cut(50, 51), cut(60, 70, enabled=False),
                                                   cut(88, 100)])


def test_the_preview_lasts_the_sum_of_the_kept_ranges_within_a_frame_per_cut(clip, tmp_path):
    seen: list[float] = []
    rendered = render_edit(clip, CUT_LIST, tmp_path / "edit.mp4", demuxer="mov", has_audio=True, height=240,
                           progress=seen.append)

    cuts = sum(c.enabled for c in CUT_LIST.cuts)
    expected = CUT_LIST.kept_duration_s
    assert expected == pytest.approx((13 + 17 + 37) / FPS)
    durations = stream_durations(Path(rendered.path))
    assert durations["video"] == pytest.approx(expected, abs=cuts / FPS)
    assert durations["audio"] == pytest.approx(expected, abs=cuts / FPS)
    assert rendered.duration_s == pytest.approx(expected) and rendered.kept_ranges == 3
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)


def test_the_preview_shows_exactly_the_kept_frames_in_order(clip, tmp_path):
    rendered = render_edit(clip, CUT_LIST, tmp_path / "edit.mp4", demuxer="mov", has_audio=True, height=240)
    kept = [f for r in CUT_LIST.kept_ranges() for f in range(r.start_frame, r.end_frame)]
    assert source_frames(Path(rendered.path)) == kept


def test_joins_fade_the_sound_so_cuts_do_not_click(clip, tmp_path):
    rendered = render_edit(clip, CUT_LIST, tmp_path / "edit.mp4", demuxer="mov", has_audio=True, height=240)
    with av.open(rendered.path) as container:
        rate = container.streams.audio[0].rate
        sound = np.concatenate([f.to_ndarray().mean(axis=0) for f in container.decode(audio=0)])
    join = int(13 / FPS * rate)  # the first join, 13 frames in
    near = np.abs(sound[join - 48: join + 48]).max()
    away = np.abs(sound[join + 2000: join + 4000]).max()
    assert near < 0.35 * away


def test_an_edit_that_cuts_everything_is_refused(clip, tmp_path):
    with pytest.raises(PreviewError, match="Every frame is cut"):
        render_edit(clip, CutList(fps=FPS, frame_count=100, cuts=[cut(0, 100)]), tmp_path / "x.mp4",
                    demuxer="mov", has_audio=True, height=240)


def test_rendering_is_a_job_with_progress_that_leaves_the_preview_for_this_edit(backend, db, user_a, clip,
                                                                                   tmp_path):
    settings = get_settings()  # media in a folder, or in S3: the worker renders from a scratch copy
    video = ingest_path(db, settings, user_a, clip).video
    repo.save_probe(db, user_a, video.id, probe_video(clip))
    repo.save_transcript(db, user_a, video.id, transcript(spoken("Three tips for light.", 1.0),
                                                          spoken("First the key.", 2.8)))
    repo.save_shots(db, user_a, video.id, [Shot(index=0, start_s=0, end_s=4, start_frame=0, end_frame=99,
                                                transition_in="start")])
    cut_list = load_cut_list(db, user_a, video.id)
    assert cut_list.cuts and rendered_preview(settings, db, user_a, video.id, cut_list) is None

    submission = submit_render(db, settings, user_a, video.id)
    assert not submission.reused and submission.job.type == JobType.RENDER_EDIT
    assert submit_render(db, settings, user_a, video.id).job.id == submission.job.id  # same edit, same job

    assert execute_job(db, settings, submission.job.id) == JobStatus.COMPLETED
    job = repo.get_job(db, user_a, submission.job.id)
    assert (job.progress, job.stage) == (100, "render")
    preview = rendered_preview(settings, db, user_a, video.id, cut_list)
    assert preview is not None
    if backend.name == "s3":  # a presigned URL: the browser fetches it from the bucket
        assert preview.startswith(settings.s3_endpoint_url)
        local = tmp_path / "preview.mp4"
        local.write_bytes(httpx.get(preview).content)
        preview = local
    assert stream_durations(preview)["video"] == pytest.approx(cut_list.kept_duration_s,
                                                               abs=len(cut_list.cuts) / FPS)
    assert any(name.endswith(f"{video.id}/edit_{edit_key(cut_list)}.mp4") for name in backend.raw_leftovers())
    assert not list(settings.work_dir.glob("job-*"))  # the render's local files are gone
    # Switching a cut off is another edit: no preview of it yet.
    changed = choose_cuts(db, user_a, video.id, {cut_list.cuts[0].id: False})
    assert rendered_preview(settings, db, user_a, video.id, changed) is None


def test_a_tall_source_keeps_its_full_resolution_in_the_render(tmp_path):
    tall = make.single_shot_clip(tmp_path / "tall.mp4", seconds=2.0, size="720x1280")
    cut_list = CutList(fps=FPS, frame_count=50, cuts=[cut(10, 20)])

    rendered = render_edit(tall, cut_list, tmp_path / "edit.mp4", demuxer="mov", has_audio=True, height=1280)

    with av.open(rendered.path) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (720, 1280)
