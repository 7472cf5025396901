"""The openai shot analyser: the local measurements, plus what a vision model sees in each
shot's keyframe (scale when the local one is unsure, light, setting, wardrobe, props, issues).

Cost control: one keyframe per shot, downscaled to 512 px, sent at "low" detail, up to 8
keyframes per chat call.
"""

from __future__ import annotations

import base64
from pathlib import Path

import cv2

from framepilot.core.logs import get_logger
from framepilot.models import Operation, Shot, ShotDetection, Transcript, VideoProbe
from framepilot.prompts import shot_reading
from framepilot.providers.base import ShotAnalyser
from framepilot.providers.openai.client import PROVIDER, OpenAIClient
from framepilot.providers.openai.retry import RetryPolicy
from framepilot.settings import Settings
from framepilot.usage.metering import CallContext

MAX_IMAGE_SIDE = 512
JPEG_QUALITY = 85
# Local scale readings from these methods are guesses; a vision reading replaces them.
UNSURE_SCALE_METHODS = frozenset({None, "fallback"})


def keyframe_for(shot: Shot, detection: ShotDetection) -> Path | None:
    """The shot's keyframe, or else the sampled frame nearest its middle."""
    if shot.keyframe_path and Path(shot.keyframe_path).exists():
        return Path(shot.keyframe_path)
    middle = (shot.start_s + shot.end_s) / 2
    inside = [s for s in detection.samples if shot.start_s <= s.t <= shot.end_s and Path(s.path).exists()]
    if not inside:
        return None
    return Path(min(inside, key=lambda s: abs(s.t - middle)).path)


def encode_image(path: Path, max_side: int = MAX_IMAGE_SIDE) -> tuple[str, tuple[int, int]] | None:
    """A JPEG data URL of the image with its longest side at most max_side, and its size."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        return None
    height, width = image.shape[:2]
    scale = min(1.0, max_side / max(width, height))
    if scale < 1.0:
        width, height = max(1, round(width * scale)), max(1, round(height * scale))
        image = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(jpeg.tobytes()).decode("ascii"), (width, height)


def merge_reading(shot: Shot, reading: shot_reading.ShotReading) -> Shot:
    issues = list(shot.issues)
    for issue in (i.strip() for i in reading.issues):
        if issue and issue not in issues:
            issues.append(issue)
    update: dict = {
        "lighting": reading.lighting.strip() or None,
        "setting": reading.setting.strip() or None,
        "wardrobe": reading.wardrobe.strip() or None,
        "props": [p.strip() for p in reading.props if p.strip()][:5],
        "issues": issues,
    }
    if reading.scale is not None and (shot.scale is None or shot.scale_method in UNSURE_SCALE_METHODS):
        update |= {"scale": reading.scale, "scale_method": "vision"}
    return shot.model_copy(update=update)


class OpenAIShotAnalyser:
    provider = PROVIDER

    def __init__(self, settings: Settings, base: ShotAnalyser | None = None,
                 policy: RetryPolicy | None = None, batch_size: int = 8, detail: str = "low") -> None:
        self.settings = settings
        self.base = base
        self.client = OpenAIClient(settings, policy)
        self.batch_size = batch_size
        self.detail = detail
        self.log = get_logger(provider=PROVIDER)

    def analyse(self, probe: VideoProbe, detection: ShotDetection, transcript: Transcript,
                audio_path: Path | None, ctx: CallContext) -> list[Shot]:
        if self.base is not None:
            shots = self.base.analyse(probe, detection, transcript, audio_path, ctx)
        else:
            shots = [Shot(**span.model_dump()) for span in detection.spans]
        readable = []
        for shot in shots:
            frame = keyframe_for(shot, detection)
            encoded = encode_image(frame) if frame else None
            if encoded is not None:
                readable.append((shot, *encoded))
        readings: dict[int, shot_reading.ShotReading] = {}
        for start in range(0, len(readable), self.batch_size):
            readings |= self._read_batch(readable[start:start + self.batch_size], transcript.language, ctx)
        return [merge_reading(s, readings[s.index]) if s.index in readings else s for s in shots]

    def _read_batch(self, batch: list[tuple[Shot, str, tuple[int, int]]], language: str | None,
                    ctx: CallContext) -> dict[int, shot_reading.ShotReading]:
        shots = [shot for shot, _, _ in batch]
        reply = self.client.structured_chat(
            ctx, operation=Operation.ANALYSE_SHOTS, model=self.settings.openai_vision_model,
            prompt_version=shot_reading.VERSION,
            messages=shot_reading.build_messages(shots, [url for _, url, _ in batch], language, self.detail),
            reply_model=shot_reading.REPLY_MODEL,
            max_completion_tokens=shot_reading.MAX_COMPLETION_TOKENS_PER_SHOT * len(batch),
            image_sizes=[size for _, _, size in batch], image_detail=self.detail,
        )
        if reply.parsed is None:
            # The local reading stands; resending the images to repair would double the cost.
            self.log.warning("shot_reading.unreadable", shots=len(batch), refused=bool(reply.refusal))
            return {}
        wanted = {s.index for s in shots}
        return {r.index: r for r in reply.parsed.shots if r.index in wanted}
