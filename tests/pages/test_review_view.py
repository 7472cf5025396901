"""View models for review and compare: times, the script diff, notes aligned on shots, job lines."""

from datetime import datetime, timezone

from framepilot.models import (
    DirectorMode,
    DirectorNote,
    DirectorResult,
    Job,
    JobStatus,
    Segment,
    Shot,
    ShotScale,
    Transcript,
    VoiceParams,
)
from framepilot.ui.job_display import job_title, progress_text, stage_label, status_line
from framepilot.ui.review import (
    align_notes,
    cost_text,
    diff_html,
    mmss,
    original_lines,
    script_diff,
    shot_facts,
    shot_words,
    time_range,
)


def note(start: float, text: str) -> DirectorNote:
    return DirectorNote(start_s=start, end_s=start + 1, category="pacing", note=text)


def result(mode: DirectorMode, notes=(), script=(), original=None) -> DirectorResult:
    return DirectorResult(mode=mode, provider="local", model="rules", prompt_version="v1", notes=list(notes),
                          script=list(script), original_script=original)


def test_times_read_as_minutes_and_seconds():
    assert mmss(0) == "00:00" and mmss(75.9) == "01:15" and mmss(-3) == "00:00"
    assert time_range(5, 12.4) == "00:05–00:12"
    assert cost_text(None) == "$0.00" and cost_text(0.0042) == "$0.0042" and cost_text(1.5) == "$1.50"


def test_script_diff_keeps_reading_order_and_marks_removed_and_added_lines():
    lines = script_diff(["Hi.", "Um, so today, lighting.", "Bye."], ["Hi.", "Today: lighting.", "Bye."])
    assert [(d.kind, d.text) for d in lines] == [
        ("same", "Hi."), ("removed", "Um, so today, lighting."), ("added", "Today: lighting."), ("same", "Bye.")]


def test_diff_html_escapes_script_text():
    html = diff_html(script_diff(["<script>alert(1)</script>"], ["<b>bold</b>"]))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;bold" in html
    assert 'class="fp-diff-removed"' in html and 'class="fp-diff-added"' in html


def test_the_original_script_comes_from_the_result_or_else_the_transcript():
    transcript = Transcript(segments=[Segment(start=0, end=1, text=" One. "), Segment(start=1, end=2, text="Two.")])
    assert original_lines(result(DirectorMode.SCRIPT_REWRITE, original="First. Second!\nThird"), transcript) == [
        "First.", "Second!", "Third"]
    assert original_lines(result(DirectorMode.SCRIPT_REWRITE), transcript) == ["One.", "Two."]


def test_notes_align_on_shots_sorted_by_time_and_empty_shots_are_dropped():
    shots = [Shot(index=i, start_s=a, end_s=b, start_frame=0, end_frame=1, scale=ShotScale.MS)
             for i, (a, b) in enumerate([(0, 4), (4, 8), (8, 12)])]
    results = {
        DirectorMode.SCENE_DIRECTOR: result(DirectorMode.SCENE_DIRECTOR, [note(9, "late"), note(1, "early")]),
        DirectorMode.SCRIPT_REWRITE: result(DirectorMode.SCRIPT_REWRITE, [note(2, "hook"), note(30, "after end")]),
        DirectorMode.FULL_REWRITE: None,
    }
    rows = align_notes(results, shots, 12)
    assert [(r.start_s, r.label) for r in rows] == [(0, "Shot 1 · MS"), (8, "Shot 3 · MS")]
    assert [n.note for n in rows[0].notes[DirectorMode.SCENE_DIRECTOR]] == ["early"]
    assert [n.note for n in rows[0].notes[DirectorMode.SCRIPT_REWRITE]] == ["hook"]
    assert [n.note for n in rows[1].notes[DirectorMode.SCRIPT_REWRITE]] == ["after end"]
    assert rows[1].notes[DirectorMode.FULL_REWRITE] == []


def test_without_shots_notes_align_on_fifteen_second_stretches():
    rows = align_notes({DirectorMode.SCENE_DIRECTOR: result(DirectorMode.SCENE_DIRECTOR, [note(20, "x")])}, [], 40)
    assert [(r.start_s, r.end_s) for r in rows] == [(15, 30)]


def test_shot_facts_list_only_what_was_measured():
    plain = Shot(index=0, start_s=0, end_s=2.5, start_frame=0, end_frame=60)
    assert shot_facts(plain) == ["2.5 s long"]
    rich = plain.model_copy(update={"words_per_minute": 151.2, "props": ["mug"]})
    assert shot_facts(rich) == ["2.5 s long", "151 words/min", "props: mug"]


def test_shot_words_say_what_to_do_and_leave_the_numbers_to_the_tooltip():
    from framepilot.models import Composition, Exposure

    shot = Shot(index=0, start_s=0, end_s=6, start_frame=0, end_frame=150, words_per_minute=190.0,
                loudness_lufs=-27.0, composition=Composition(headroom=0.02),
                exposure=Exposure(brightness=0.52, contrast=0.17, highlights_clipped=0.0, shadows_crushed=0.0,
                                  colour_temperature_k=7288, sharpness=100.0))
    words = shot_words(shot)
    assert words == ["6 s long", "fast speech", "quiet: turn the sound up", "well exposed", "cool light",
                     "little room above the head"]
    assert not any(ch.isdigit() for w in words[1:] for ch in w)  # no LUFS, kelvin or ratios
    assert "-27.0 LUFS" in shot_facts(shot) and "about 7288 K" in shot_facts(shot)


def test_job_lines_say_the_stage_in_words():
    job = Job(id="j", user_id=1, video_id="v", params=VoiceParams(mode=DirectorMode.SCRIPT_REWRITE),
              status=JobStatus.RUNNING, stage="transcribe", progress=42, created_at=datetime.now(timezone.utc))
    assert progress_text(job) == "Transcribing the speech · 42%"
    assert job_title(job, "a.mp4") == "Voiceover (script rewrite) · a.mp4"
    assert stage_label(None) == "Waiting to start"
    assert progress_text(job.model_copy(update={"status": JobStatus.QUEUED})).startswith("Queued")
    started = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    done = job.model_copy(update={"status": JobStatus.COMPLETED, "attempts": 2, "started_at": started,
                                  "finished_at": started.replace(second=12), "created_at": started})
    assert status_line(done) == "completed · attempt 2 · queued 2026-01-01 12:00 · took 12.0 s"


def test_the_voiceover_tab_says_which_voice_reads_the_script_and_that_turkish_needs_openai():
    from framepilot.models import Transcript
    from framepilot.ui.review import voice_choice

    english_ok, english = voice_choice(Transcript(language="en"), "alloy")
    turkish_ok, turkish = voice_choice(Transcript(language="tr"), "alloy")

    assert english_ok and "heart" in english and "alloy" in english
    assert not turkish_ok and "No local Turkish voice; use the openai provider" in turkish
