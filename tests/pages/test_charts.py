"""Plotly figure builders: what each chart draws, and the seek time clicks carry."""

from framepilot.models import DirectorNote, Segment, Shot, ShotScale, Transcript, Word
from framepilot.ui import charts
from framepilot.ui.review import PaceWindow, pace_series, seek_time


def shot(i: int, start: float, end: float, scale: ShotScale | None) -> Shot:
    return Shot(index=i, start_s=start, end_s=end, start_frame=int(start * 25), end_frame=int(end * 25) - 1,
                scale=scale)


SHOTS = [shot(0, 0, 3, ShotScale.CU), shot(1, 3, 7.5, ShotScale.MS), shot(2, 7.5, 9, ShotScale.CU),
         shot(3, 9, 10, None)]
TRANSCRIPT = Transcript(segments=[Segment(start=0.5, end=2.5, text="hello there"),
                                  Segment(start=4, end=8, text="a second line")])


def test_timeline_draws_one_bar_per_shot_coloured_by_scale_with_start_times():
    fig = charts.scene_timeline(SHOTS, TRANSCRIPT, 10.0)
    shot_traces = [t for t in fig.data if t.meta == "shot"]
    assert charts.shot_count(fig) == 4
    by_name = {t.name: t for t in shot_traces}
    assert set(by_name) == {"Close-up", "Medium shot", "Unclassified"}
    assert by_name["Close-up"].marker.color == charts.SCALE_COLOURS[ShotScale.CU]
    assert [list(c) for c in by_name["Close-up"].customdata] == [[0, 0], [7.5, 2]]
    assert list(by_name["Medium shot"].base) == [3] and list(by_name["Medium shot"].x) == [4.5]
    low, high = fig.layout.xaxis.range
    assert -0.2 < low <= 0 and 10.0 <= high < 10.2


def test_timeline_puts_speech_segments_and_notes_on_their_own_clickable_rows():
    notes = [DirectorNote(start_s=6, end_s=7, category="pacing", note="Slow down")]
    fig = charts.scene_timeline(SHOTS, TRANSCRIPT, 10.0, notes)
    speech = next(t for t in fig.data if t.meta == "speech")
    marks = next(t for t in fig.data if t.meta == "note")
    assert set(speech.y) == {charts.SPEECH_ROW} and [c[0] for c in speech.customdata] == [0.5, 4]
    assert list(marks.x) == [6] and marks.customdata[0][0] == 6
    assert list(fig.layout.yaxis.categoryarray) == [charts.NOTES_ROW, charts.SPEECH_ROW, charts.SHOT_ROW]


def test_timeline_of_a_silent_video_has_only_the_shot_row():
    fig = charts.scene_timeline(SHOTS[:1], Transcript(no_speech=True), 3.0)
    assert [t.meta for t in fig.data] == ["shot", "seek"]
    assert {y for t in fig.data for y in t.y} == {charts.SHOT_ROW}


def test_a_click_anywhere_on_the_shot_or_speech_row_seeks_to_the_time_clicked_not_the_shot_start():
    fig = charts.scene_timeline(SHOTS, TRANSCRIPT, 10.0)
    bars = [t for t in fig.data if t.meta in ("shot", "speech")]
    seek_rows = {t.y[0]: t for t in fig.data if t.meta == "seek"}
    assert all(t.hoverinfo == "skip" for t in bars)  # bars take no clicks
    assert set(seek_rows) == {charts.SHOT_ROW, charts.SPEECH_ROW}
    shots_row = seek_rows[charts.SHOT_ROW]
    at = list(shots_row.x).index(5.3)  # inside shot 2, which starts at 3.0
    assert shots_row.customdata[at][0] == 5.3 and "Shot 2" in shots_row.hovertext[at]
    assert seek_time([{"customdata": list(shots_row.customdata[at])}]) == 5.3


def test_a_note_about_a_moment_inside_its_range_is_marked_at_that_moment():
    long_take = DirectorNote(start_s=0, end_s=11, at_s=7.2, category="cut", note="Cut at 00:07")
    fig = charts.scene_timeline(SHOTS, TRANSCRIPT, 10.0, [long_take])
    marks = next(t for t in fig.data if t.meta == "note")
    assert list(marks.x) == [7.2] and marks.customdata[0][0] == 7.2 and marks.hovertext[0].startswith("00:07")


def test_a_clicked_bar_seeks_to_its_customdata_start():
    point = {"curve_number": 1, "point_index": 0, "x": 4.5, "y": "Shots", "customdata": [3.0, 1]}
    assert seek_time([point]) == 3.0
    assert seek_time([{"x": 1, "y": 2}]) is None
    assert seek_time([]) is None and seek_time(None) is None


def test_scale_distribution_sums_seconds_per_scale_in_tightest_first_order():
    fig = charts.scale_distribution(SHOTS)
    bar = fig.data[0]
    seconds = dict(zip(bar.x, bar.y))
    assert list(bar.x) == ["ECU", "CU", "MCU", "MS", "FS", "WS", "?"]
    assert seconds["CU"] == 4.5 and seconds["MS"] == 4.5 and seconds["?"] == 1.0 and seconds["WS"] == 0
    assert dict(zip(bar.x, bar.text))["CU"] == "2 shots"


def test_pace_counts_words_per_five_second_window_as_words_per_minute():
    words = [Word(word=f"w{i}", start=i * 0.5, end=i * 0.5 + 0.4) for i in range(10)]  # 10 words in 0-5 s
    transcript = Transcript(segments=[Segment(start=0, end=5, text="", words=words)])
    windows = pace_series(transcript, 12.0)
    assert [(w.start_s, w.end_s, w.words) for w in windows] == [(0, 5, 10), (5, 10, 0), (10, 12, 0)]
    assert windows[0].words_per_minute == 120
    fig = charts.pace_over_time(windows)
    assert list(fig.data[0].y) == [120, 0, 0]
    assert fig.layout.shapes[0].y0 == charts.PACE_BAND[0]


def test_pace_spreads_words_evenly_when_a_segment_has_no_word_timing():
    transcript = Transcript(segments=[Segment(start=0, end=10, text=" ".join(["word"] * 20))])
    assert [w.words for w in pace_series(transcript, 10.0)] == [10, 10]
    assert PaceWindow(0, 5, 10).words_per_minute == 120


def test_stage_durations_lists_each_stage_with_its_seconds():
    fig = charts.stage_durations({"probe": 0.1, "shots": 2.5})
    assert list(fig.data[0].y) == ["probe", "shots"] and list(fig.data[0].text) == ["0.1 s", "2.5 s"]
