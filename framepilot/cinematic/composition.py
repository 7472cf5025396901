"""Framing of the subject: where it sits, the headroom, the eye line against the upper third.

Works from the evidence `classify_shot_scale` already gathered (face box, pose), so it costs
nothing extra. Issues are raised only when clearly true: the thresholds sit well outside the
framing of ordinary talking-head footage (headroom 0.05-0.2, eyes near the upper third).
"""

from __future__ import annotations

from framepilot.cinematic.scale import ScaleReading
from framepilot.models import Composition, ShotScale

UPPER_THIRD = 1 / 3
# Headroom above this, with the eyes below the frame centre, leaves the subject sinking.
TOO_MUCH_HEADROOM = 0.25
EYES_LOW = 0.5
# A face box starting above the frame edge means the forehead itself is cut: fine in a CU or
# tighter, a framing error in anything wider.
CUT_AT_TOP = -0.02
# Off-centre means the face centre in the outer 30 % on one side; facing that edge means the
# nose is at least this many eye distances off the eye midpoint, towards it.
OFF_CENTRE = 0.3
FACING_EDGE_YAW = 0.25

TOO_MUCH_HEADROOM_ISSUE = "too much headroom"
CUT_OFF_AT_TOP_ISSUE = "subject cut off at the top"
NO_LEAD_ROOM_ISSUE = "subject off-centre without lead room"


def read_composition(reading: ScaleReading) -> Composition:
    """Subject position, face height, headroom and eye-line offset; None where nothing was seen."""
    face, body = reading.face, reading.body
    if face is not None:
        cx, cy = face.centre
        return Composition(
            subject_x=round(_clip(cx), 4),
            subject_y=round(_clip(cy), 4),
            face_height=round(face.h, 4),
            headroom=round(max(face.head_top, 0.0), 4),
            thirds_offset=round(abs(face.eye_y - UPPER_THIRD), 4),
        )
    if body is not None:
        return Composition(
            subject_x=round(_clip(body.centre_x), 4),
            subject_y=round(_clip((body.top_y + body.bottom_y) / 2), 4),
            headroom=round(max(body.top_y, 0.0), 4),
        )
    return Composition()


def composition_issues(reading: ScaleReading, composition: Composition) -> list[str]:
    """Plain-language framing problems that are clearly present."""
    issues: list[str] = []
    scale, face = reading.scale, reading.face
    if face is None or scale is None:
        return issues
    if (
        scale in (ShotScale.CU, ShotScale.MCU, ShotScale.MS)
        and composition.headroom is not None
        and composition.headroom > TOO_MUCH_HEADROOM
        and face.eye_y > EYES_LOW
    ):
        issues.append(TOO_MUCH_HEADROOM_ISSUE)
    if scale.rank >= ShotScale.MCU.rank and face.y < CUT_AT_TOP:
        issues.append(CUT_OFF_AT_TOP_ISSUE)
    yaw = face.yaw
    x = composition.subject_x
    if yaw is not None and x is not None and scale.rank >= ShotScale.CU.rank:
        facing_left_edge = x < OFF_CENTRE and yaw < -FACING_EDGE_YAW
        facing_right_edge = x > 1 - OFF_CENTRE and yaw > FACING_EDGE_YAW
        if facing_left_edge or facing_right_edge:
            issues.append(NO_LEAD_ROOM_ISSUE)
    return issues


def _clip(v: float) -> float:
    return min(max(v, 0.0), 1.0)
