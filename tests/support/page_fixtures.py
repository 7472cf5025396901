"""An analysed video built directly in the store (no models run), for the page tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest
from streamlit.testing.v1 import AppTest

from framepilot.models import (
    DirectorMode,
    DirectorNote,
    DirectorResult,
    Segment,
    Shot,
    ShotListItem,
    ShotScale,
    Stage,
    Transcript,
    User,
    Video,
    VideoProbe,
    VideoStatus,
    Word,
)
from framepilot.services.ingest import ingest_path
from framepilot.settings import Settings, get_settings
from framepilot.store import Database, open_database
from framepilot.store import repository as repo

ROOT = Path(__file__).resolve().parents[2]
DURATION = 6.0
SHOT_SCALES = (ShotScale.MCU, ShotScale.CU, ShotScale.MS)


def make_clip(path: Path, seconds: float = DURATION, colour_shift: int = 0) -> Path:
    """A tiny real H.264 + AAC clip (testsrc + sine); `colour_shift` makes distinct content."""
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error",
         "-f", "lavfi", "-i", f"testsrc=size=160x120:rate=10:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency={440 + colour_shift}:duration={seconds}",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path)],
        check=True,
    )
    return path


def make_keyframe(path: Path) -> Path:
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi",
         "-i", "testsrc=size=160x120", "-frames:v", "1", str(path)],
        check=True,
    )
    return path


def _words(text: str, start: float, end: float) -> list[Word]:
    tokens = text.split()
    step = (end - start) / len(tokens)
    return [Word(word=t, start=start + i * step, end=start + (i + 1) * step, probability=0.9)
            for i, t in enumerate(tokens)]


def analysed_video(db: Database, settings: Settings, user: User, folder: Path, name: str = "talk.mp4") -> Video:
    """A READY video with three shots, a two-line transcript and all three director modes."""
    clip = make_clip(folder / name)
    keyframe = make_keyframe(folder / f"{clip.stem}_key.jpg")
    video = ingest_path(db, settings, user, clip).video
    repo.save_probe(db, user, video.id, VideoProbe(
        duration_s=DURATION, fps=10, width=160, height=120, display_width=160, display_height=120,
        video_codec="h264", audio_codec="aac", has_audio=True, frame_count=60,
        size_bytes=video.size_bytes, container="mp4"))
    bounds = [(0.0, 2.0), (2.0, 4.0), (4.0, DURATION)]
    repo.save_shots(db, user, video.id, [
        Shot(index=i, start_s=a, end_s=b, start_frame=int(a * 10), end_frame=int(b * 10) - 1,
             scale=scale, keyframe_path=str(keyframe), issues=["Headroom is tight"] if i == 1 else [])
        for i, ((a, b), scale) in enumerate(zip(bounds, SHOT_SCALES))
    ])
    lines = [(0.2, 2.8, "Hello and welcome to the channel."), (3.1, 5.6, "Today we fix your lighting.")]
    repo.save_transcript(db, user, video.id, Transcript(
        language="en", text=" ".join(t for *_, t in lines), provider="local", model="test",
        segments=[Segment(start=a, end=b, text=t, words=_words(t, a, b)) for a, b, t in lines]))
    for mode in DirectorMode:
        repo.save_director_result(db, user, video.id, DirectorResult(
            mode=mode, provider="local", model="rules", prompt_version="v1",
            summary=f"{mode.value} summary",
            notes=[DirectorNote(start_s=4.5, end_s=5.5, category="pacing", note=f"{mode.value} late note"),
                   DirectorNote(start_s=0.5, end_s=1.5, category="hook", note=f"{mode.value} early note")],
            original_script=None if mode == DirectorMode.SCENE_DIRECTOR else "Hello and welcome to the channel.",
            script=[] if mode == DirectorMode.SCENE_DIRECTOR else ["Your lighting is wrong.", "Let's fix it."],
            shot_list=[ShotListItem(number=1, scale=ShotScale.CU, framing="centre", duration_s=2.0,
                                    line="Your lighting is wrong.")] if mode == DirectorMode.FULL_REWRITE else [],
        ))
    for stage in (Stage.PROBE, Stage.AUDIO, Stage.SHOTS, Stage.TRANSCRIBE, Stage.CINEMATIC, Stage.DIRECT):
        repo.mark_stage_done(db, user, video.id, stage.value, 0.5)
    repo.set_video_status(db, user, video.id, VideoStatus.READY)
    return repo.get_video(db, user, video.id)


# Undone after every test by the autouse fixture in conftest.
PAGE_PATCHES = pytest.MonkeyPatch()


def open_page(user: User, path: str, video_id: str | None = None) -> AppTest:
    """The app as a browser signed in as `user` sees it, on the page `path` (with ?video=)."""
    from tests.support.browser import Browser

    return Browser(open_database(get_settings()), PAGE_PATCHES).signed_in_as(user).open(path, video_id)
