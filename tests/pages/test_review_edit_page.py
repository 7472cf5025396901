"""The Edit tab of the Review page through AppTest: the cut list with a switch per cut, the new
duration, the tightened preview and timeline downloads."""

from __future__ import annotations

import pytest

from framepilot.models import JobType, Transcript
from framepilot.services import edit as video_edit
from framepilot.store import SYSTEM
from framepilot.store import repository as repo
from tests.pages.test_pages import texts
from tests.support.page_fixtures import analysed_video, open_page
from tests.support.transcripts import spoken


@pytest.fixture
def video(db, settings, user_a, tmp_path):
    """An analysed 6 s clip whose speech starts late, pauses and ends early: three cuts."""
    video = analysed_video(db, settings, user_a, tmp_path)
    segments = [spoken("Hello and welcome.", 1.0), spoken("Today we fix your lighting.", 3.0)]
    repo.save_transcript(db, user_a, video.id, Transcript(language="en", segments=segments, text="x"))
    return video


def test_the_edit_tab_lists_every_cut_with_a_switch_and_the_new_duration(db, user_a, video):
    cut_list = video_edit.load_cut_list(db, user_a, video.id)
    assert [c.kind.value for c in cut_list.cuts] == ["slow_start", "silence", "tail"]

    at = open_page(user_a, "pages/review.py", video_id=video.id)

    assert not at.exception
    toggles = [at.toggle(key=f"review_cut_{c.id}") for c in cut_list.cuts]
    assert all(t.value for t in toggles)
    assert "Nothing is said for the first 1.0 s" in texts(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Edited"] == f"{cut_list.kept_duration_s:.1f} s" and metrics["Cuts on"] == "3 of 3"


def test_switching_a_cut_off_is_saved_and_lengthens_the_edit(db, user_a, video):
    cut_list = video_edit.load_cut_list(db, user_a, video.id)
    pause = cut_list.cuts[1]
    at = open_page(user_a, "pages/review.py", video_id=video.id)

    at.toggle(key=f"review_cut_{pause.id}").set_value(False).run()

    assert {m.label: m.value for m in at.metric}["Cuts on"] == "2 of 3"
    after = video_edit.load_cut_list(db, user_a, video.id)
    assert [c.enabled for c in after.cuts] == [True, False, True]
    assert after.kept_frames == cut_list.kept_frames + pause.frames


def test_the_edit_downloads_as_editor_timelines(db, user_a, video):
    with db.connect(SYSTEM) as conn:  # the page fixture's clip runs at 10 fps; editors count 25
        conn.execute("UPDATE videos SET probe_json = json_set(probe_json, '$.fps', 25.0) WHERE id = ?", (video.id,))
    at = open_page(user_a, "pages/review.py", video_id=video.id)
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"OpenTimelineIO", "CMX 3600 EDL", "FCP 7 XML (Premiere, Resolve)", "FCPXML (Final Cut Pro)"} <= labels


def test_formats_that_count_in_timecode_say_why_a_10_fps_clip_has_only_otio(user_a, video):
    at = open_page(user_a, "pages/review.py", video_id=video.id)
    labels = {b.proto.label for b in at.get("download_button")}
    assert "OpenTimelineIO" in labels and "CMX 3600 EDL" not in labels
    assert "CMX 3600 EDL counts in SMPTE timecode, which has no 10 fps" in texts(at)


def test_render_queues_the_tightened_preview_and_plays_it_when_done(db, settings, user_a, video):
    at = open_page(user_a, "pages/review.py", video_id=video.id)
    at.button(key="review_render").click().run()

    (job,) = [j for j in repo.list_jobs(db, user_a, video_id=video.id) if j.type == JobType.RENDER_EDIT]
    assert "Rendering the tightened preview" in texts(at)

    from jobs.tasks import execute_job

    execute_job(db, settings, job.id)
    at = open_page(user_a, "pages/review.py", video_id=video.id)
    assert len(at.get("video")) == 2  # the original and the tightened preview


def test_finish_queues_a_finish_with_the_chosen_preset_and_switches_and_shows_its_review(db, settings, user_a,
                                                                                       video):
    from framepilot.models import PresetName

    at = open_page(user_a, "pages/review.py", video_id=video.id)
    at.selectbox(key="review_finish_preset").set_value(PresetName.SQUARE).run()
    at.toggle(key="review_finish_captions").set_value(False).run()
    at.button(key="review_finish_go").click().run()

    (job,) = [j for j in repo.list_jobs(db, user_a, video_id=video.id) if j.type == JobType.FINISH]
    assert (job.params.options.preset, job.params.options.captions) == (PresetName.SQUARE, False)
    assert "Finishing" in texts(at)

    from jobs.tasks import execute_job

    execute_job(db, settings, job.id)
    at = open_page(user_a, "pages/review.py", video_id=video.id)
    (report,) = [d for d in at.dataframe if "Fix" in d.value.columns]
    assert "Loudness (LUFS)" in list(report.value["Fix"])
    assert len(at.get("video")) >= 2  # the original beside the finished video
