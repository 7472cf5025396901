"""What the security tests share: hostile uploads and the checks that nothing leaked.

An attack is an upload by the attacker (alice) through `ingest_upload`, analysed through
`service.analyse_video` as a page or a worker would; the victim (bob) has a stored video.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from framepilot.media_storage import open_storage
from framepilot.models import User, Video, VideoStatus
from framepilot.services import analysis as service
from framepilot.services.ingest import ingest_upload
from framepilot.settings import Settings, get_settings
from framepilot.store import Database
from framepilot.store import repository as repo


def stored_file(video: Video) -> Path:
    """The upload's own file in the test's (folder) media storage: what an attacker would aim at."""
    return open_storage(get_settings()).local_path(video.stored_path)


def upload(db: Database, settings: Settings, user: User, filename: str, content: bytes) -> Video:
    return ingest_upload(db, settings, user, filename, io.BytesIO(content)).video


def analyse_expecting_failure(db: Database, settings: Settings, user: User, video: Video) -> str:
    """Run the analysis as the app would; it must fail. Returns the message the user sees."""
    with pytest.raises(service.AnalysisFailed) as failed:
        service.analyse_video(db, settings, user, video.id, modes=())
    return str(failed.value)


def assert_nothing_was_derived(db: Database, settings: Settings, user: User, video: Video) -> None:
    """The rejected upload left no probe, shots, transcript, audio or frames for its owner."""
    stored = repo.get_video(db, user, video.id)
    assert stored.status == VideoStatus.FAILED
    assert stored.probe is None
    assert service.load_analysis(db, user, video.id) is None
    assert repo.get_shots(db, user, video.id) == []
    assert repo.get_transcript(db, user, video.id) is None
    derived = [p for p in settings.artifacts_dir.rglob("*") if p.is_file() and video.id in str(p)]
    assert derived == []


def names_for(target: Path, from_folder: Path) -> dict[str, str]:
    """`target` as a playlist entry written in `from_folder`: by its bare name (same folder),
    climbing one and two folders, and by its absolute path."""
    up1, up2 = from_folder.parent, from_folder.parent.parent
    return {
        "same folder": target.name,
        "one level up": "../" + os.path.relpath(target, up1),
        "two levels up": "../../" + os.path.relpath(target, up2),
        "absolute": str(target.resolve()),
    }


def ffconcat(*entries: str) -> bytes:
    return ("ffconcat version 1.0\n" + "".join(f"file '{e}'\n" for e in entries)).encode()


def hls(*entries: str) -> bytes:
    body = "".join(f"#EXTINF:10,\n{e}\n" for e in entries)
    return f"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n{body}#EXT-X-ENDLIST\n".encode()


def dash(base_url: str) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011"'
        ' type="static" mediaPresentationDuration="PT4S" minBufferTime="PT1S">\n'
        ' <Period><AdaptationSet mimeType="video/mp4"><Representation id="1" bandwidth="100000">\n'
        f'  <BaseURL>{base_url}</BaseURL><SegmentBase/>\n'
        ' </Representation></AdaptationSet></Period>\n</MPD>\n'
    ).encode()


def sdp(port: int) -> bytes:
    return (
        "v=0\no=- 0 0 IN IP4 127.0.0.1\ns=clip\nc=IN IP4 127.0.0.1\nt=0 0\n"
        f"m=video {port} RTP/AVP 96\na=rtpmap:96 H264/90000\n"
    ).encode()
