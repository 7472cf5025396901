"""Timeline exports give out nothing of the server (issue 19, item 6): on either storage and in
every format, the media is named as the user uploaded it, which is what an editor relinks to,
never `file:///…/data/uploads/<uid>/<id>.mp4` or a bucket key; and the EDL cuts the sound with
the picture."""

from __future__ import annotations

import io

import opentimelineio as otio
import pytest

from framepilot.edit.timeline import FORMATS, TimelineFormat
from framepilot.models import VideoProbe
from framepilot.services.edit import export_timeline
from framepilot.services.ingest import ingest_upload
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from tests.support.transcripts import spoken, transcript


def stored_video_with_an_edit(db, user, filename: str):  # noqa: ANN001, ANN201
    settings = get_settings()
    video = ingest_upload(db, settings, user, filename, io.BytesIO(b"pretend video")).video
    repo.save_probe(db, user, video.id, VideoProbe(
        duration_s=8.0, fps=25, width=640, height=480, display_width=640, display_height=480,
        video_codec="h264", audio_codec="aac", has_audio=True, frame_count=200, size_bytes=13, demuxer="mov"))
    repo.save_transcript(db, user, video.id, transcript(spoken("Um, three tips for light.", 2.0),
                                                        spoken("First the key.", 5.0)))
    return settings, video


@pytest.mark.parametrize("fmt", list(TimelineFormat))
def test_exports_name_the_upload_never_a_server_path_on_either_storage(backend, db, user_a, fmt):
    settings, video = stored_video_with_an_edit(db, user_a, "Studio talk.mov")

    exported = export_timeline(db, settings, user_a, video.id, fmt)

    for leak in (settings.data_dir.as_posix(), "file:", "uploads/", video.id, "s3:", settings.storage_url or "\0"):
        assert leak not in exported.text
    rate = {"rate": 25} if fmt == TimelineFormat.EDL else {}
    timeline = otio.adapters.read_from_string(exported.text, adapter_name=FORMATS[fmt][0], **rate)
    targets = {c.media_reference.target_url for c in timeline.find_clips()}
    assert targets == {"Studio talk.mov" if fmt == TimelineFormat.EDL else "Studio%20talk.mov"}


def test_the_edl_cuts_the_sound_with_the_picture(db, user_a):
    settings, video = stored_video_with_an_edit(db, user_a, "talk.mp4")

    edl = export_timeline(db, settings, user_a, video.id, TimelineFormat.EDL).text

    events = [line for line in edl.splitlines() if line[:3].isdigit()]
    assert events and all(line.split()[2] == "AA/V" for line in events)
    timeline = otio.adapters.read_from_string(edl, adapter_name="cmx_3600", rate=25)
    ranges = {t.name: [(c.source_range.start_time.value, c.source_range.duration.value) for c in t.find_clips()]
              for t in timeline.tracks}
    assert set(ranges) == {"V", "A1", "A2"} and ranges["A1"] == ranges["A2"] == ranges["V"]


def test_a_file_name_cannot_write_lines_into_an_edl(db, user_a):
    settings, video = stored_video_with_an_edit(db, user_a, "talk\n999  AX  V  C  00:00:00:00.mp4")

    edl = export_timeline(db, settings, user_a, video.id, TimelineFormat.EDL).text

    assert not any(line.startswith("999") for line in edl.splitlines())
