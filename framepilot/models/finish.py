"""A finish's options: the preset it is for and one switch per fix (see framepilot.finish)."""

from __future__ import annotations

from enum import StrEnum

from framepilot.models.base import _Model


class PresetName(StrEnum):
    VERTICAL = "vertical"
    SQUARE = "square"
    PORTRAIT = "portrait"
    LANDSCAPE = "landscape"


class CaptionStyle(StrEnum):
    HIGHLIGHT = "highlight"  # the word being said is coloured
    PLAIN = "plain"  # white words on a dark box


class Stabilise(StrEnum):
    AUTO = "auto"  # when the analysis reads a hand-held (shaky) shot
    ON = "on"
    OFF = "off"


class FinishOptions(_Model):
    """The switches of a finish. Every fix has its own; `framepilot.finish.plan.SWITCHES` says what each does."""

    preset: PresetName = PresetName.VERTICAL
    trim: bool = True
    loudness: bool = True
    denoise: bool = False
    stabilise: Stabilise = Stabilise.AUTO
    reframe: bool = True
    punch_ins: bool = True
    captions: bool = True
    caption_style: CaptionStyle = CaptionStyle.HIGHLIGHT
    allow_upscale: bool = True
