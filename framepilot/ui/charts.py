"""Plotly figures for the pages: pure functions of the domain models, no Streamlit.

Clickable marks carry their start time in `customdata[0]` so a page can seek the player
to whatever the user clicked (see `framepilot.ui.review.seek_time`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from framepilot.core.wording import plural
from framepilot.models import DirectorNote, Shot, ShotScale, Transcript
from framepilot.ui.review import PaceWindow, mmss

SCALE_COLOURS: dict[ShotScale | None, str] = {
    ShotScale.ECU: "#E4572E",
    ShotScale.CU: "#F5A524",
    ShotScale.MCU: "#F3D34A",
    ShotScale.MS: "#4CB944",
    ShotScale.FS: "#2E86AB",
    ShotScale.WS: "#7B5EA7",
    None: "#8A8F98",
}
SCALE_NAMES: dict[ShotScale | None, str] = {
    ShotScale.ECU: "Extreme close-up",
    ShotScale.CU: "Close-up",
    ShotScale.MCU: "Medium close-up",
    ShotScale.MS: "Medium shot",
    ShotScale.FS: "Full shot",
    ShotScale.WS: "Wide shot",
    None: "Unclassified",
}
SHOT_ROW, SPEECH_ROW, NOTES_ROW = "Shots", "Speech", "Notes"
# Comfortable talk-to-camera pace, words per minute.
PACE_BAND = (130.0, 170.0)
_MUTED = "#8A8F98"


def _layout(fig: go.Figure, height: int, **extra: object) -> go.Figure:
    fig.update_layout(
        height=height, margin=dict(l=10, r=10, t=30, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        **extra,
    )
    return fig


def _short(text: str, limit: int = 80) -> str:
    """Untrusted text (transcript, model notes) for hover labels: shortened, and escaped,
    because Plotly reads a small HTML subset there, links included."""
    text = " ".join(text.split())
    return html.escape(text if len(text) <= limit else text[: limit - 1] + "…", quote=False)


def scene_timeline(
    shots: Sequence[Shot], transcript: Transcript | None, duration_s: float,
    notes: Sequence[DirectorNote] = (),
) -> go.Figure:
    """Shots as bars coloured by scale, speech segments beneath, director notes as markers at
    their own moment (`at_s`, else their start).

    Shot traces have `meta="shot"`; every mark's customdata is [seconds, shot index or -1]. The
    bars themselves take no clicks: an invisible row of seek points (`meta="seek"`, one every
    SEEK_STEP_S) lies over the shot and speech rows, so a click plays from the time clicked,
    not from the start of the shot or line under it.
    """
    fig = go.Figure()
    for scale in [*ShotScale, None]:
        group = [s for s in shots if s.scale == scale]
        if not group:
            continue
        fig.add_trace(go.Bar(
            orientation="h", y=[SHOT_ROW] * len(group), base=[s.start_s for s in group],
            x=[max(s.duration_s, 0.05) for s in group], name=SCALE_NAMES[scale], meta="shot",
            marker=dict(color=SCALE_COLOURS[scale], line=dict(color="#111318", width=1)),
            customdata=[[s.start_s, s.index] for s in group],
            hoverinfo="skip",
        ))
    segments = transcript.segments if transcript else []
    if segments:
        fig.add_trace(go.Bar(
            orientation="h", y=[SPEECH_ROW] * len(segments), base=[s.start for s in segments],
            x=[max(s.end - s.start, 0.05) for s in segments], name="Speech", meta="speech",
            marker=dict(color="#3A3F4B", line=dict(color="#111318", width=1)),
            customdata=[[s.start, -1] for s in segments], hoverinfo="skip",
        ))
    for row, present in ((SHOT_ROW, True), (SPEECH_ROW, bool(segments))):
        if present:
            fig.add_trace(_seek_points(row, shots, segments, duration_s))
    if notes:
        moments = [n.at_s if n.at_s is not None else n.start_s for n in notes]
        fig.add_trace(go.Scatter(
            mode="markers", y=[NOTES_ROW] * len(notes), x=moments, name="Notes",
            meta="note", marker=dict(symbol="diamond", size=11, color="#F5A524"),
            customdata=[[t, -1] for t in moments],
            hovertext=[f"{mmss(t)} [{_short(n.category, 30)}] {_short(n.note)}" for t, n in zip(moments, notes)],
            hoverinfo="text",
        ))
    rows = [r for r, present in ((NOTES_ROW, bool(notes)), (SPEECH_ROW, bool(segments)),
                                 (SHOT_ROW, True))
            if present]
    pad = max(duration_s, 0.1) * 0.01  # so a mark at 0 s or at the very end is not clipped
    fig.update_xaxes(range=[-pad, max(duration_s, 0.1) + pad], title="seconds", fixedrange=True)
    fig.update_yaxes(categoryorder="array", categoryarray=rows, fixedrange=True)
    return _layout(fig, 120 + 45 * len(rows), barmode="overlay", clickmode="event+select",
                   dragmode=False, hovermode="closest")


SEEK_STEP_S = 0.1
MAX_SEEK_POINTS = 3000


def _seek_points(row: str, shots: Sequence[Shot], segments: Sequence, duration_s: float) -> go.Scatter:
    """Invisible points across a row, each carrying its own time, with the shot or line under it
    as hover text."""
    step = max(SEEK_STEP_S, duration_s / MAX_SEEK_POINTS)
    times = [round(i * step, 3) for i in range(int(duration_s / step) + 1)]

    def under(t: float) -> str:
        if row == SHOT_ROW:
            shot = next((s for s in shots if s.start_s <= t < s.end_s), None)
            if shot is None:
                return mmss(t)
            scale = shot.scale.value if shot.scale else "?"
            return f"{mmss(t)} · Shot {shot.index + 1} · {scale} · {shot.movement.value}"
        line = next((s for s in segments if s.start <= t < s.end), None)
        return f"{mmss(t)} {_short(line.text)}" if line else mmss(t)

    return go.Scatter(
        mode="markers", x=times, y=[row] * len(times), meta="seek", showlegend=False, name="Play from here",
        marker=dict(size=16, opacity=0, symbol="square"), customdata=[[t, -1] for t in times],
        hovertext=[under(t) for t in times], hoverinfo="text",
    )


def shot_count(fig: go.Figure) -> int:
    """How many shot bars a timeline figure draws."""
    return sum(len(t.x) for t in fig.data if t.meta == "shot")


def scale_distribution(shots: Sequence[Shot]) -> go.Figure:
    """Seconds on screen per shot scale (tightest first); the bar text is the shot count."""
    scales = [*ShotScale, None]
    seconds = {s: 0.0 for s in scales}
    counts = {s: 0 for s in scales}
    for shot in shots:
        seconds[shot.scale] += shot.duration_s
        counts[shot.scale] += 1
    shown = [s for s in scales if counts[s] or s is not None]
    fig = go.Figure(go.Bar(
        x=[s.value if s else "?" for s in shown], y=[round(seconds[s], 1) for s in shown],
        text=[plural(counts[s], 'shot') if counts[s] else "" for s in shown],
        marker_color=[SCALE_COLOURS[s] for s in shown],
        hovertext=[SCALE_NAMES[s] for s in shown], name="Seconds",
    ))
    fig.update_yaxes(title="seconds on screen")
    return _layout(fig, 300, showlegend=False)


def pace_over_time(windows: Sequence[PaceWindow]) -> go.Figure:
    """Words per minute per window, with the comfortable talk-to-camera band shaded."""
    fig = go.Figure(go.Bar(
        x=[(w.start_s + w.end_s) / 2 for w in windows], y=[round(w.words_per_minute) for w in windows],
        width=[max(w.end_s - w.start_s, 0.1) * 0.9 for w in windows],
        customdata=[[w.start_s] for w in windows], marker_color="#F5A524", name="Words per minute",
        hovertext=[f"{mmss(w.start_s)}–{mmss(w.end_s)}: {round(w.words_per_minute)} wpm" for w in windows],
        hoverinfo="text",
    ))
    fig.add_hrect(y0=PACE_BAND[0], y1=PACE_BAND[1], fillcolor="#4CB944", opacity=0.12, line_width=0)
    fig.update_xaxes(title="seconds")
    fig.update_yaxes(title="words per minute", rangemode="tozero")
    return _layout(fig, 300, showlegend=False)


def stage_durations(timings: Mapping[str, float]) -> go.Figure:
    """Seconds each pipeline stage took (where the analysis time went)."""
    stages = list(timings)
    fig = go.Figure(go.Bar(
        orientation="h", y=stages, x=[round(timings[s], 2) for s in stages], marker_color=_MUTED,
        text=[f"{timings[s]:.1f} s" for s in stages], name="Seconds",
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="seconds")
    return _layout(fig, 80 + 28 * max(1, len(stages)), showlegend=False)
