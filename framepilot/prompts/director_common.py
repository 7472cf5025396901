"""What the three director prompts share: the system message, the DATA (transcript and
measurements) and the note format.

The messages are ordered system -> data -> task so that the three modes of one video share
their longest prefix, which the API can serve from its prompt cache at the cached price.
Changing anything here changes every mode: `VERSION` is part of each mode's version.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from framepilot.models import DirectorInputs, Shot, Transcript, VideoProbe
from framepilot.prompts import DATA_RULES, data_block, language_instruction, rounded

VERSION = "common-1"

SYSTEM = (
    "You are FramePilot's director: an experienced film director and editor who coaches "
    "creators of short talk-to-camera videos. You give specific, practical direction that a "
    "solo creator can act on at the next take or in the edit.\n\n"
    f"{DATA_RULES}\n\n"
    "Ground every note in the data: give the time range it applies to (start_s and end_s "
    "within the video) and, as evidence, the measurement or the quoted words behind it. Never "
    "invent measurements. Useful references for short-form talking videos: a hook in the first "
    "3 seconds; speech at about 130-170 words per minute; a cut, a change of shot scale or a "
    "visual change at least every 8-10 seconds; few filler words (um, uh, like, you know, so, "
    "basically); eyes near the upper third line with headroom of about 5-15% of the frame; "
    "faces neither clipped nor in shadow (highlights clipped on more than 2% of pixels or "
    "shadows crushed on more than 5% are worth a note); loudness near -14 LUFS; no dead air "
    "longer than about 1 second. Severity is info, suggestion or warning: use warning only for "
    "problems a viewer will notice. Reply with the JSON object the response format describes "
    "and nothing else."
)

Severity = Literal["info", "suggestion", "warning"]


class NoteReply(BaseModel):
    """One director note as the model writes it (strict schema: every field required)."""

    model_config = ConfigDict(extra="forbid")

    start_s: float
    end_s: float
    category: str
    severity: Severity
    note: str
    evidence: str


def _shot_payload(shot: Shot) -> dict:
    exposure = shot.exposure.model_dump() if shot.exposure else {}
    data = {
        "index": shot.index,
        "start_s": rounded(shot.start_s),
        "end_s": rounded(shot.end_s),
        "scale": shot.scale.value if shot.scale else None,
        "movement": shot.movement.value,
        "motion": {k: rounded(v, 3) for k, v in shot.motion.items()},
        "exposure": {k: rounded(v, 3) for k, v in exposure.items() if v is not None},
        "composition": {k: rounded(v, 3) for k, v in shot.composition.model_dump().items() if v is not None},
        "words_per_minute": rounded(shot.words_per_minute, 1),
        "loudness_lufs": rounded(shot.loudness_lufs, 1),
        "issues": shot.issues,
        "setting": shot.setting,
        "lighting": shot.lighting,
        "wardrobe": shot.wardrobe,
        "props": shot.props,
    }
    return {k: v for k, v in data.items() if v not in (None, [], {})}


def transcript_payload(transcript: Transcript) -> dict:
    return {
        "language": transcript.language,
        "no_speech": transcript.no_speech,
        "segments": [
            {"start": rounded(s.start), "end": rounded(s.end), "text": s.text.strip()}
            for s in transcript.segments
        ],
    }


def measurements_payload(probe: VideoProbe, shots: list[Shot], transcript: Transcript) -> dict:
    words = len(transcript.words) or len(transcript.text.split())
    spoken = (transcript.segments[-1].end - transcript.segments[0].start) if transcript.segments else 0.0
    return {
        "video": {
            "duration_s": rounded(probe.duration_s),
            "width": probe.display_width,
            "height": probe.display_height,
            "fps": rounded(probe.fps),
            "has_audio": probe.has_audio,
        },
        "speech": {
            "words": words,
            "words_per_minute": rounded(words / spoken * 60, 1) if spoken > 0 else None,
        },
        "shots": [_shot_payload(s) for s in shots],
    }


def build_director_messages(task: str, inputs: DirectorInputs) -> list[dict]:
    """system (constant) -> data (the video) -> task (the mode, outside the data)."""
    data = "\n\n".join([
        "Here is the video to direct.",
        data_block("transcript", transcript_payload(inputs.transcript)),
        data_block("measurements", measurements_payload(inputs.probe, inputs.shots, inputs.transcript)),
    ])
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": data},
        {"role": "user", "content": f"{task}\n\n{language_instruction(inputs.transcript.language)}"},
    ]
