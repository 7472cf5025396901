"""Issue 9, item 1: no upload may make ffmpeg read another file or URL.

Each test uploads a hostile file as Alice and analyses it the way the app does; the analysis
must fail with a clear reason and derive nothing, and Bob's video must stay his.
"""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from framepilot.models import JobStatus, VideoStatus
from framepilot.services import accounts
from framepilot.services import analysis as service
from framepilot.services.jobs import submit_analysis
from framepilot.settings import load_settings
from framepilot.store import open_database
from framepilot.store import repository as repo
from jobs.tasks import execute_job
from testkit import media_factory as make
from tests.security.attacks import (
    analyse_expecting_failure,
    assert_nothing_was_derived,
    dash,
    ffconcat,
    hls,
    names_for,
    sdp,
    stored_file,
    upload,
)
from tests.security.conftest import ATTACKER_SIZE
from tests.support.processes import PROJECT_ROOT

DEPTHS = ["same folder", "one level up", "two levels up", "absolute"]
PLAYLISTS = {"ffconcat": ("clip.mp4", ffconcat), "hls": ("clip.m3u8", hls)}


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("kind", PLAYLISTS)
def test_a_playlist_naming_another_users_video_is_refused_and_reveals_nothing(
    db, settings, user_a, user_b, victim_video, attacker_video, kind, depth
):
    filename, playlist = PLAYLISTS[kind]
    entry = names_for(stored_file(victim_video), stored_file(attacker_video).parent)[depth]
    hostile = upload(db, settings, user_a, filename, playlist(entry))

    message = analyse_expecting_failure(db, settings, user_a, hostile)

    assert f"{filename}: this is a playlist" in message
    assert_nothing_was_derived(db, settings, user_a, hostile)
    assert repo.get_video(db, user_b, victim_video.id).status == VideoStatus.UPLOADED


def test_each_user_has_an_upload_folder_of_their_own(victim_video, attacker_video):
    assert stored_file(victim_video).parent != stored_file(attacker_video).parent


@pytest.mark.parametrize(
    ("filename", "make_content", "reason"),
    [
        ("clip.mpd", lambda victim: dash("../" + victim.parent.name + "/" + victim.name), "manifest (DASH)"),
        ("clip.mp4", lambda victim: dash(str(victim)), "manifest (DASH)"),
        ("clip.sdp", lambda victim: sdp(port=45991), "stream description (SDP)"),
    ],
    ids=["dash-relative", "dash-absolute", "sdp"],
)
def test_streaming_manifests_and_stream_descriptions_are_refused(
    db, settings, user_a, victim_video, filename, make_content, reason
):
    hostile = upload(db, settings, user_a, filename, make_content(stored_file(victim_video)))

    message = analyse_expecting_failure(db, settings, user_a, hostile)

    assert reason in message
    assert_nothing_was_derived(db, settings, user_a, hostile)


def test_an_image_sequence_pattern_is_refused(db, settings, user_a, tmp_path):
    still = make.jpeg_still(tmp_path / "frame_001.jpg")
    hostile = upload(db, settings, user_a, "frame_%03d.jpg", still.read_bytes())

    message = analyse_expecting_failure(db, settings, user_a, hostile)

    assert "frame_%03d.jpg: this is an image (JPEG), not a video" in message
    assert_nothing_was_derived(db, settings, user_a, hostile)


@pytest.fixture
def web_server():
    """A local web server that records every path asked of it (a stand-in for any URL)."""
    asked: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_url_entries_never_reach_the_network_or_another_file(
    db, settings, user_a, victim_video, web_server, scheme
):
    base, asked = web_server
    url = f"{base}/bob.mp4" if scheme == "http" else f"file:{stored_file(victim_video).resolve()}"
    hostile = upload(db, settings, user_a, "clip.m3u8", hls(url))

    message = analyse_expecting_failure(db, settings, user_a, hostile)

    assert asked == []
    assert "playlist (HLS)" in message
    assert_nothing_was_derived(db, settings, user_a, hostile)


@pytest.mark.parametrize("style", ["concat", "subfile"])
def test_protocol_style_names_inside_a_playlist_are_refused(db, settings, user_a, victim_video, style):
    victim = stored_file(victim_video).resolve()
    entry = f"concat:{victim}|{victim}" if style == "concat" else f"subfile,,start,0,end,0,,:{victim}"
    hostile = upload(db, settings, user_a, "clip.m3u8", hls(entry))

    message = analyse_expecting_failure(db, settings, user_a, hostile)

    assert "playlist (HLS)" in message
    assert_nothing_was_derived(db, settings, user_a, hostile)


@pytest.mark.parametrize("style", ["concat", "subfile"])
def test_a_protocol_style_upload_name_is_only_a_name(db, settings, user_a, victim_video, clips, style):
    victim = stored_file(victim_video).resolve()
    name = f"concat:{victim}|{victim}" if style == "concat" else f"subfile,,start,0,end,0,,:{victim}"
    own = upload(db, settings, user_a, name, clips["attacker"].read_bytes())

    result = service.analyse_video(db, settings, user_a, own.id, modes=())

    assert f"{result.video.width}x{result.video.height}" == ATTACKER_SIZE  # her clip, not bob's
    assert result.video.has_audio is False


def test_a_worker_refuses_a_playlist_too(db, settings, user_a, victim_video, attacker_video):
    entry = names_for(stored_file(victim_video), stored_file(attacker_video).parent)["one level up"]
    hostile = upload(db, settings, user_a, "clip.m3u8", hls(entry))
    job = submit_analysis(db, settings, user_a, hostile.id, modes=[]).job

    status = execute_job(db, settings, job.id)

    assert status == JobStatus.FAILED
    assert "this is a playlist (HLS)" in repo.get_job(db, user_a, job.id).error
    assert_nothing_was_derived(db, settings, user_a, hostile)


def test_the_analyze_command_refuses_a_playlist(tmp_path, clips):
    data = tmp_path / "cli-data"
    settings = load_settings(data_dir=data)
    db = open_database(settings)
    bob = accounts.add_user(db, "bob@example.com", "another long password")
    victim = upload(db, settings, bob, "bob private.mp4", clips["victim"].read_bytes())
    playlist = tmp_path / "clip.mp4"
    playlist.write_bytes(ffconcat(Path(victim.stored_path).name))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FRAMEPILOT_DATA_DIR": str(data),
           "FRAMEPILOT_LOG_LEVEL": "WARNING"}

    done = subprocess.run([sys.executable, "-m", "framepilot.cli", "analyze", str(playlist), "--modes", ""],
                          env=env, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300, check=False)

    assert done.returncode == 1
    assert "clip.mp4: this is a playlist (ffconcat), not a video file" in done.stderr
    assert "Shots:" not in done.stdout


@pytest.mark.parametrize("demuxer", ["concat", "hls", "dash", "sdp", "image2", "lavfi", None])
def test_no_stage_can_force_a_demuxer_off_the_allow_list(victim_video, demuxer):
    from framepilot.pipeline.media_input import (
        RefusedFormat,
        ffmpeg_input_args,
        open_container,
    )

    with pytest.raises(RefusedFormat):
        ffmpeg_input_args(victim_video.stored_path, demuxer)
    with pytest.raises(RefusedFormat):
        open_container(victim_video.stored_path, demuxer)
