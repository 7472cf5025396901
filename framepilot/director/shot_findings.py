"""Per-shot findings from the shot analyser's measurements: exposure, framing, camera shake,
loudness, and the analyser's own issues. Neighbouring shots with the same finding become one
note ("face luma 0.16 to 0.19 in shots 2–4"), so a dark setup is one note, not five.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from framepilot.models import CameraMovement, DirectorNote, Shot, ShotScale

# Exposure (luma 0..1).
FACE_DARK = 0.30
FACE_BRIGHT = 0.85
FACE_TARGET = 0.50
FRAME_DARK = 0.22
HIGHLIGHTS_CLIPPED = 0.02
SHADOWS_CRUSHED = 0.15
# Framing (share of frame height above the head); eyes on the upper third leave ~0.05-0.15.
HEADROOM_MAX = 0.20
HEADROOM_MIN = 0.02
TIGHT_SCALES = frozenset({ShotScale.ECU, ShotScale.CU})  # these crop the head by design
# Loudness: social platforms normalise to about -14 LUFS.
QUIET_LUFS = -23.0
LOUD_LUFS = -9.0
TARGET_LUFS = -14.0

ISSUE_CATEGORIES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("focus", ("focus", "blur", "soft", "sharp"), "lock focus on the eyes and re-shoot, or use another take."),
    ("exposure", ("highlight", "blown", "overexpos", "underexpos", "clipp", "dark", "shadow", "dim",
                  "bright", "exposure"), "fix the light on the face before the next take."),
    ("framing", ("headroom", "crop", "framing", "off-centre", "off-center", "thirds", "tilt", "horizon"),
     "reframe so the eyes sit on the upper third."),
    ("camera", ("shak", "handheld", "jitter", "wobbl", "unstable"), "use a tripod or stabilise in the edit."),
    ("audio", ("noise", "noisy", "hum", "echo", "loud", "quiet", "audio", "wind"),
     "check the microphone and the levels."),
    ("set", ("background", "clutter", "distract", "glare", "growing out", "mixed colour", "mixed color"),
     "tidy or change what is behind you."),
)


@dataclass(frozen=True)
class ShotFinding:
    """One measured problem in one shot; neighbouring shots with the same key merge into one note."""

    key: str
    category: str
    severity: str
    text: str
    label: str
    value: float | None = None
    fmt: Callable[[float], str] = field(default=lambda v: f"{v:.2f}")
    unit: str = ""


def shot_findings(shot: Shot, speech: bool) -> list[ShotFinding]:
    found: list[ShotFinding] = []
    exposure, frame = shot.exposure, shot.composition
    if exposure is not None:
        face = exposure.face_brightness
        if face is not None and face < FACE_DARK:
            stops = math.log2(FACE_TARGET / max(face, 0.01))
            found.append(ShotFinding(
                "face_dark", "exposure", "warning",
                f"The face is underexposed: add light on the face (a key light at 45°, or face a window) "
                f"or open up about {stops:.1f} stops.", "face luma", face))
        elif face is not None and face > FACE_BRIGHT:
            found.append(ShotFinding("face_bright", "exposure", "warning",
                                     "The face is overexposed: lower the exposure or move the light back.",
                                     "face luma", face))
        elif face is None and exposure.brightness < FRAME_DARK:
            found.append(ShotFinding("frame_dark", "exposure", "suggestion",
                                     "The frame is dark: add light or raise the exposure.",
                                     "mean luma", exposure.brightness))
        if exposure.highlights_clipped > HIGHLIGHTS_CLIPPED:
            found.append(ShotFinding(
                "highlights", "exposure", "suggestion",
                "Highlights are blown: lower the exposure or move the bright source (window, lamp) out of frame.",
                "highlights clipped", exposure.highlights_clipped, lambda v: f"{v * 100:.1f}", "%"))
        if exposure.shadows_crushed > SHADOWS_CRUSHED:
            found.append(ShotFinding(
                "shadows", "exposure", "info",
                "Shadows are crushed to black: add fill light, or lift the shadows in the grade.",
                "shadows crushed", exposure.shadows_crushed, lambda v: f"{v * 100:.1f}", "%"))
    if frame.headroom is not None and frame.headroom > HEADROOM_MAX:
        found.append(ShotFinding(
            "headroom_high", "framing", "suggestion",
            "Too much headroom: tilt down or raise the camera so the eyes sit on the upper third "
            "(headroom about 5–15% of the frame).", "headroom", frame.headroom))
    elif (frame.headroom is not None and frame.headroom < HEADROOM_MIN
          and shot.scale is not None and shot.scale not in TIGHT_SCALES):
        found.append(ShotFinding("headroom_low", "framing", "suggestion",
                                 "The head touches the top of the frame: tilt up or step back a little.",
                                 "headroom", frame.headroom))
    if shot.movement == CameraMovement.HANDHELD:
        shake = shot.motion.get("shake")
        label = "movement handheld" + (", shake" if shake is not None else "")
        found.append(ShotFinding("handheld", "camera", "suggestion",
                                 "The camera shakes (handheld): use a tripod, or stabilise in the edit.",
                                 label, shake, lambda v: f"{v:.1f}", " px"))
    if shot.loudness_lufs is not None and speech:
        if shot.loudness_lufs < QUIET_LUFS:
            found.append(ShotFinding(
                "quiet", "audio", "warning",
                f"The voice is too quiet: raise it by about {TARGET_LUFS - shot.loudness_lufs:.0f} dB, to "
                f"around {TARGET_LUFS:g} LUFS for social platforms.",
                "loudness", shot.loudness_lufs, lambda v: f"{v:.1f}", " LUFS"))
        elif shot.loudness_lufs > LOUD_LUFS:
            found.append(ShotFinding("loud", "audio", "suggestion",
                                     "The audio is very loud and may distort: bring it down to about "
                                     f"{TARGET_LUFS:g} LUFS.",
                                     "loudness", shot.loudness_lufs, lambda v: f"{v:.1f}", " LUFS"))
    measured = {f.category for f in found}
    for issue in shot.issues:
        category, advice = issue_category(issue)
        if category in measured:
            continue  # the same problem, already noted from the measurement
        found.append(ShotFinding(f"issue:{issue.strip().lower()}", category, "suggestion",
                                 f"Shot analysis flagged “{issue.strip()}”: {advice}",
                                 f"shot analysis: '{issue.strip()}'"))
    return found


def issue_category(issue: str) -> tuple[str, str]:
    lowered = issue.lower()
    for category, words, advice in ISSUE_CATEGORIES:
        if any(w in lowered for w in words):
            return category, advice
    return "shot", "fix it at the next take."


def shot_measurements(shots: list[Shot], speech: bool) -> list[DirectorNote]:
    """Per-shot findings, with runs of neighbouring shots that share a finding merged."""
    runs: list[tuple[ShotFinding, list[int], list[ShotFinding]]] = []
    open_runs: dict[str, tuple[ShotFinding, list[int], list[ShotFinding]]] = {}
    for position, shot in enumerate(shots):
        current: dict[str, tuple[ShotFinding, list[int], list[ShotFinding]]] = {}
        for finding in shot_findings(shot, speech):
            run = open_runs.get(finding.key)
            if run is not None and run[1][-1] == position - 1:
                run[1].append(position)
                run[2].append(finding)
            else:
                run = (finding, [position], [finding])
                runs.append(run)
            current[finding.key] = run
        open_runs = current
    notes = []
    for first, positions, findings in runs:
        start, end = shots[positions[0]].start_s, shots[positions[-1]].end_s
        notes.append(DirectorNote(start_s=start, end_s=end, category=first.category, severity=first.severity,
                                  note=first.text, evidence=_finding_evidence(first, positions, findings)))
    return notes


def _finding_evidence(first: ShotFinding, positions: list[int], findings: list[ShotFinding]) -> str:
    where = f" in {shot_name(positions)}" if len(positions) > 1 else ""
    values = [f.value for f in findings if f.value is not None]
    if not values:
        return f"{first.label}{where}"
    low, high = min(values), max(values)
    shown = first.fmt(low) if first.fmt(low) == first.fmt(high) else f"{first.fmt(low)} to {first.fmt(high)}"
    return f"{first.label} {shown}{first.unit}{where}"


def shot_name(positions: list[int]) -> str:
    first, last = positions[0] + 1, positions[-1] + 1
    return f"shot {first}" if first == last else f"shots {first}–{last}"
