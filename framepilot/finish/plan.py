"""The finish as data: what the render will do, decided before ffmpeg runs.

`FinishOptions` are the user's switches (each fix can be turned off on its own, and
SWITCHES says what each one does). `FinishPlan` is everything the one ffmpeg graph needs:
the kept ranges in output order, the measured loudness, the crop path, the punch-ins, the
caption cues and the stabilisation. Building a plan reads the analysis and a low-resolution
look at the source; rendering it decides nothing (see graph.py), and the report compares
the output with it (see report.py).
"""

from __future__ import annotations

from pydantic import BaseModel, Field, computed_field

from framepilot.finish.presets import Preset
from framepilot.models.finish import CaptionStyle, FinishOptions

SCHEMA_VERSION = "finish-plan/1"


SWITCHES: dict[str, str] = {
    "trim": "Remove the cuts you kept on in the edit, including dead air at the start and the run-on at the end.",
    "loudness": "Measure the loudness, then set it to the preset's target (-14 LUFS, true peak at most -1 dBTP).",
    "denoise": "Reduce steady background noise under the voice (ffmpeg afftdn).",
    "stabilise": "Steady a hand-held camera (vid.stab); 'auto' does it only when the analysis reads shake. "
                 "It crops a little to hide the moving edges.",
    "reframe": "Crop to the preset's shape with a window that follows the speaker's face, smoothly.",
    "punch_ins": "Where a cut would show as a jump, push in gently (1.15x on the face) so it reads as a cut.",
    "captions": "Burn word-timed captions into the picture (fillers left out) and offer SRT and VTT files.",
    "caption_style": "'highlight' colours the word being said; 'plain' shows white words on a dark box.",
    "allow_upscale": "When the source is smaller than the preset, enlarge it (and say so); off refuses the finish.",
}


class SourceInfo(BaseModel):
    width: int
    height: int
    fps: float
    duration_s: float
    frame_count: int
    has_audio: bool
    demuxer: str | None = None


class Segment(BaseModel):
    """One kept range of the source, placed on the finished timeline."""

    start_frame: int
    end_frame: int = Field(description="Exclusive")
    src_start_s: float
    src_end_s: float
    out_start_s: float
    punch_in: float = Field(1.0, description="Punch-in on the face at a join that read as a jump (1 = none)")
    headroom_zoom: float = Field(1.0, description="Zoom that lets the window lift a low face into the upper half")

    @computed_field
    @property
    def zoom(self) -> float:
        return round(self.punch_in * self.headroom_zoom, 4)

    @property
    def duration_s(self) -> float:
        return self.src_end_s - self.src_start_s


class CropKey(BaseModel):
    """Where the crop window's centre is (source pixels) at output time t."""

    t: float
    cx: float
    cy: float


class CropPath(BaseModel):
    width: int = Field(description="Window width in source pixels at zoom 1")
    height: int
    keys: list[CropKey]
    follows: str = Field(description="face, subject or centre")
    max_speed_px_s: float = Field(description="Fastest the window may move, source pixels per second")
    max_step_px: float = Field(0.0, description="Largest frame-to-frame move inside a segment (planned)")
    face_share: float = Field(0.0, description="Share of sampled frames where a face was found")


class LoudnessPlan(BaseModel):
    target_lufs: float
    target_tp: float
    target_lra: float
    measured_lufs: float | None = None
    measured_tp: float | None = None
    measured_lra: float | None = None
    measured_thresh: float | None = None
    offset: float | None = None
    gain_db: float | None = Field(None, description="The gain applied before the peak limiter")
    channels: int = 1

    @property
    def applicable(self) -> bool:
        return self.measured_lufs is not None and self.measured_lufs > -70.0


class CaptionWord(BaseModel):
    text: str
    start: float
    end: float


class CaptionCue(BaseModel):
    start: float
    end: float
    lines: list[list[CaptionWord]]

    @property
    def words(self) -> list[CaptionWord]:
        return [w for line in self.lines for w in line]

    @property
    def text(self) -> str:
        return "\n".join(" ".join(w.text for w in line) for line in self.lines)


class StabilisePlan(BaseModel):
    reason: str
    shakiness: int = 6
    smoothing: int = 15
    zoom_percent: float = Field(0.0, description="Extra zoom vid.stab applies to hide borders")
    shake_before: float | None = None


class FinishPlan(BaseModel):
    schema_version: str = SCHEMA_VERSION
    options: FinishOptions
    preset: Preset
    source: SourceInfo
    output_width: int
    output_height: int
    upscale: float = Field(1.0, description="Enlargement of the source's pixels (>1: upscaled)")
    segments: list[Segment]
    loudness: LoudnessPlan | None = None
    denoise: bool = False
    crop: CropPath | None = None
    captions: list[CaptionCue] = Field(default_factory=list)
    caption_style: CaptionStyle = CaptionStyle.HIGHLIGHT
    stabilise: StabilisePlan | None = None
    joins_with_jump: list[float] = Field(default_factory=list, description="Output times of joins that read as jumps")
    notes: list[str] = Field(default_factory=list, description="What was decided and why, in plain words")

    @property
    def duration_s(self) -> float:
        return sum(s.duration_s for s in self.segments)

    @property
    def joins(self) -> list[float]:
        return [s.out_start_s for s in self.segments[1:]]
