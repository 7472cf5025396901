"""Where a finished video is going: its frame, loudness, caption safe area and bitrate.

Safe areas are shares of the output frame that the platform covers with its own buttons,
captions bar and account line; burned-in captions stay inside what is left. The vertical
figures follow the common 1080x1920 short-video overlays (about 130 px at the top, 420 px at
the bottom, 140 px of buttons on the right); the feed formats only lose a bottom strip.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from framepilot.models.finish import PresetName


class SafeArea(BaseModel):
    """Shares of the frame kept clear of captions at each edge."""

    top: float
    bottom: float
    left: float
    right: float


class Preset(BaseModel):
    name: PresetName
    label: str
    width: int | None = Field(None, description="Output width; None keeps the source size")
    height: int | None = None
    loudness_lufs: float = -14.0
    true_peak_dbtp: float = -1.0
    loudness_range_lu: float = 11.0
    safe_area: SafeArea
    video_kbps: int = Field(description="Average video bitrate (capped at 1.5x, buffer 2x)")
    audio_kbps: int = 160
    caption_height: float = Field(0.042, description="Caption font size as a share of the frame height")

    def frame(self, source_width: int, source_height: int) -> tuple[int, int]:
        """The output size: the preset's, or the source's (even) for landscape."""
        if self.width is None or self.height is None:
            return source_width // 2 * 2, source_height // 2 * 2
        return self.width, self.height


PRESETS: dict[PresetName, Preset] = {
    PresetName.VERTICAL: Preset(
        name=PresetName.VERTICAL, label="Vertical 9:16 (Shorts, Reels, TikTok)", width=1080, height=1920,
        safe_area=SafeArea(top=0.07, bottom=0.22, left=0.06, right=0.13), video_kbps=6000,
        caption_height=0.034),
    PresetName.SQUARE: Preset(
        name=PresetName.SQUARE, label="Square 1:1 (feed)", width=1080, height=1080,
        safe_area=SafeArea(top=0.05, bottom=0.12, left=0.06, right=0.06), video_kbps=4500),
    PresetName.PORTRAIT: Preset(
        name=PresetName.PORTRAIT, label="Portrait 4:5 (feed)", width=1080, height=1350,
        safe_area=SafeArea(top=0.05, bottom=0.12, left=0.06, right=0.06), video_kbps=5000,
        caption_height=0.038),
    PresetName.LANDSCAPE: Preset(
        name=PresetName.LANDSCAPE, label="Landscape at the source size (YouTube)", width=None, height=None,
        safe_area=SafeArea(top=0.05, bottom=0.10, left=0.05, right=0.05), video_kbps=8000,
        caption_height=0.055),
}


def preset(name: PresetName | str) -> Preset:
    return PRESETS[PresetName(name)]
