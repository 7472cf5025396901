"""What the Review page shows of the edit: cut labels, the before/after durations and the
cut list on a timeline. Pure functions of the cut list (no Streamlit)."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from framepilot.director.timecode import clock
from framepilot.models import Cut, CutKind, CutList

KIND_LABELS: dict[CutKind, str] = {
    CutKind.SILENCE: "Pause",
    CutKind.FILLER: "Filler",
    CutKind.FALSE_START: "False start",
    CutKind.RETAKE: "Retake",
    CutKind.SLOW_START: "Slow start",
    CutKind.TAIL: "Tail",
    CutKind.USER: "Your cut",
}
KIND_COLOURS: dict[CutKind, str] = {
    CutKind.SILENCE: "#8A8F98",
    CutKind.FILLER: "#F5A524",
    CutKind.FALSE_START: "#E4572E",
    CutKind.RETAKE: "#7B5EA7",
    CutKind.SLOW_START: "#2E86AB",
    CutKind.TAIL: "#2E86AB",
    CutKind.USER: "#D6336C",
}
KEPT_COLOUR = "#4CB944"


@dataclass(frozen=True)
class EditSummary:
    original_s: float
    edited_s: float
    cuts_on: int
    cuts_total: int

    @property
    def removed_s(self) -> float:
        return self.original_s - self.edited_s


def summarise_edit(cut_list: CutList) -> EditSummary:
    return EditSummary(original_s=cut_list.duration_s, edited_s=cut_list.kept_duration_s,
                       cuts_on=sum(c.enabled for c in cut_list.cuts), cuts_total=len(cut_list.cuts))


def cut_label(cut: Cut) -> str:
    """'00:03 · 1.2 s · Pause'."""
    return f"{clock(cut.start_s)} · {cut.end_s - cut.start_s:.1f} s · {KIND_LABELS[cut.kind]}"


def cut_timeline(cut_list: CutList) -> go.Figure:
    """The original on one row: kept stretches in green, each cut coloured by kind (faded when off).
    Every cut's customdata is [start seconds, cut id], so a click can seek the player."""
    fig = go.Figure()
    kept = cut_list.kept_ranges()
    fig.add_trace(go.Bar(
        x=[r.end_s - r.start_s for r in kept], base=[r.start_s for r in kept], y=["Edit"] * len(kept),
        orientation="h", marker_color=KEPT_COLOUR, name="Kept", meta="kept",
        customdata=[[r.start_s, ""] for r in kept], hovertemplate="kept %{base:.1f}s<extra></extra>",
    ))
    for kind in CutKind:
        cuts = [c for c in cut_list.cuts if c.kind == kind]
        if not cuts:
            continue
        fig.add_trace(go.Bar(
            x=[c.end_s - c.start_s for c in cuts], base=[c.start_s for c in cuts], y=["Edit"] * len(cuts),
            orientation="h", name=KIND_LABELS[kind], meta="cut", marker_color=KIND_COLOURS[kind],
            marker_opacity=[1.0 if c.enabled else 0.25 for c in cuts],
            customdata=[[c.start_s, c.id] for c in cuts], text=[c.reason for c in cuts],
            hovertemplate="%{text}<extra></extra>", textposition="none",
        ))
    fig.update_layout(barmode="overlay", height=140, margin=dict(l=10, r=10, t=30, b=10), clickmode="event+select",
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
                      xaxis=dict(title="seconds", range=[0, cut_list.duration_s]))
    return fig
