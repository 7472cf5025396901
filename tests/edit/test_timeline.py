"""Timelines for editors: every export, read back with OpenTimelineIO, keeps exactly the ranges
the cut list keeps, to the frame, with clips pointing at the original file."""

from __future__ import annotations

import re
from fractions import Fraction

import opentimelineio as otio
import pytest

from framepilot.edit.timeline import FORMATS, TimelineError, TimelineFormat, timeline_rate, timeline_text
from framepilot.models import Cut, CutKind, CutList, Shot, VideoProbe
from framepilot.services.edit import NotReady, choose_cuts, export_timeline
from framepilot.store import repository as repo
from tests.support.transcripts import spoken, transcript


def cut(start: int, end: int, kind: CutKind = CutKind.SILENCE, enabled: bool = True) -> Cut:
    return Cut(id=f"{kind.value}-{start}", start_s=start / 25, end_s=end / 25, start_frame=start, end_frame=end,
               kind=kind, reason="r", evidence="e", enabled=enabled)


def read_back(text: str, fmt: TimelineFormat, rate: float) -> otio.schema.Timeline:
    adapter = FORMATS[fmt][0]
    if fmt == TimelineFormat.EDL:
        return otio.adapters.read_from_string(text, adapter_name=adapter, rate=rate)
    return otio.adapters.read_from_string(text, adapter_name=adapter)


def clip_frames(timeline: otio.schema.Timeline, kind: str, rate: float) -> list[tuple[int, int]]:
    (track,) = [t for t in timeline.tracks if t.kind == kind]
    return [(round(c.source_range.start_time.to_seconds() * rate), round(c.source_range.duration.to_seconds() * rate))
            for c in track.find_clips()]


def kept(cut_list: CutList) -> list[tuple[int, int]]:
    return [(r.start_frame, r.frames) for r in cut_list.kept_ranges()]


CUT_LIST = CutList(fps=25, frame_count=500, cuts=[cut(0, 31, CutKind.SLOW_START), cut(101, 133), cut(240, 247),
                                                  cut(300, 330, enabled=False), cut(470, 500, CutKind.TAIL)])


@pytest.mark.parametrize("fmt", list(TimelineFormat))
def test_every_export_keeps_exactly_the_kept_ranges(fmt, tmp_path):
    media = tmp_path / "my talk.mp4"
    text = timeline_text(CUT_LIST, media, "my talk", fmt)

    timeline = read_back(text, fmt, 25)

    assert kept(CUT_LIST) == [(31, 70), (133, 107), (247, 223)]  # the disabled cut stays in
    assert clip_frames(timeline, "Video", 25) == kept(CUT_LIST)
    audio = [t for t in timeline.tracks if t.kind == "Audio"]
    assert audio and all(clip_frames(otio.schema.Timeline(tracks=[t.deepcopy()]), "Audio", 25) == kept(CUT_LIST)
                         for t in audio)  # the sound is cut with the picture (an EDL's A1 and A2 too)
    urls = {c.media_reference.target_url for c in timeline.find_clips()}
    assert urls == {"my talk.mp4" if fmt == TimelineFormat.EDL else "my%20talk.mp4"}  # the name, never a path


@pytest.mark.parametrize("fmt", [TimelineFormat.OTIO, TimelineFormat.EDL, TimelineFormat.FCP7_XML])
@pytest.mark.parametrize("fps", [30.0, 30000 / 1001, 24000 / 1001])
def test_exports_keep_their_frames_at_phone_and_film_rates(fmt, fps, tmp_path):
    cut_list = CUT_LIST.model_copy(update={"fps": fps})
    timeline = read_back(timeline_text(cut_list, tmp_path / "v.mp4", "v", fmt), fmt, timeline_rate(fps))
    assert clip_frames(timeline, "Video", timeline_rate(fps)) == kept(cut_list)


def test_fcpxml_at_29_97_counts_in_ntsc_frames(tmp_path):
    # OTIO's FCPXML reader rounds rates down to whole numbers, so the written times are read directly.
    text = timeline_text(CUT_LIST.model_copy(update={"fps": 30000 / 1001}), tmp_path / "v.mp4", "v",
                         TimelineFormat.FCPXML)
    assert 'frameDuration="1001/30000s"' in text
    frame = Fraction(1001, 30000)
    spine = re.findall(r'<clip name="[^"]*" offset="[^"]+" duration="([^"]+)s" start="([^"]+)s">', text)
    assert [(Fraction(start) / frame, Fraction(duration) / frame) for duration, start in spine] == kept(CUT_LIST)


def test_an_edl_at_a_rate_timecode_cannot_count_is_refused_with_the_reason(tmp_path):
    with pytest.raises(TimelineError, match="no 10 fps; use OpenTimelineIO"):
        timeline_text(CUT_LIST.model_copy(update={"fps": 10.0}), tmp_path / "v.mp4", "v", TimelineFormat.EDL)


def test_a_video_without_sound_exports_a_video_track_only(tmp_path):
    timeline = read_back(timeline_text(CUT_LIST, tmp_path / "v.mp4", "v", TimelineFormat.OTIO, has_audio=False),
                         TimelineFormat.OTIO, 25)
    assert [t.kind for t in timeline.tracks] == ["Video"]


def test_a_stored_videos_export_follows_the_users_choices(db, settings, user_a):
    video = repo.create_video(db, user_a, filename="Studio talk.mov", stored_path="/data/uploads/abc.mov",
                              sha256="abc", size_bytes=10)
    repo.save_probe(db, user_a, video.id, VideoProbe(
        duration_s=8.0, fps=25, width=640, height=480, display_width=640, display_height=480,
        video_codec="h264", audio_codec="aac", has_audio=True, frame_count=200, size_bytes=10))
    repo.save_transcript(db, user_a, video.id, transcript(spoken("Um, three tips for light.", 2.0),
                                                          spoken("First the key.", 5.0)))
    repo.save_shots(db, user_a, video.id, [Shot(index=0, start_s=0, end_s=8, start_frame=0, end_frame=199,
                                                transition_in="start")])
    cut_list = choose_cuts(db, user_a, video.id, {})
    filler = next(c for c in cut_list.cuts if c.kind == CutKind.FILLER)
    cut_list = choose_cuts(db, user_a, video.id, {filler.id: False})

    exported = export_timeline(db, settings, user_a, video.id, TimelineFormat.FCP7_XML)

    assert exported.file_name == "Studio talk-edit.xml" and exported.mime_type == "application/xml"
    timeline = read_back(exported.text, TimelineFormat.FCP7_XML, 25)
    assert clip_frames(timeline, "Video", 25) == kept(cut_list)
    assert {c.media_reference.target_url for c in timeline.find_clips()} == {"Studio%20talk.mov"}


def test_there_is_nothing_to_export_before_transcription(db, settings, user_a):
    video = repo.create_video(db, user_a, filename="new.mp4", stored_path="/x/new.mp4", sha256="n", size_bytes=1)
    with pytest.raises(NotReady):
        export_timeline(db, settings, user_a, video.id, TimelineFormat.OTIO)
