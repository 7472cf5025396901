"""Per-shot findings from the shot analyser's measurements: exposure, framing, camera shake,
loudness, and the analyser's own issues. Neighbouring shots with the same finding become one
note ("face luma 0.16 to 0.19 in shots 2–4"), so a dark setup is one note, not five. The words
are phrasebook.py's, in the notes' language ("en" or "tr").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from framepilot.director.language import issue_name, say
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

# An issue's category by the words in it; the advice for each is phrasebook's "advice.<category>".
ISSUE_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("focus", ("focus", "blur", "soft", "sharp")),
    ("exposure", ("highlight", "blown", "overexpos", "underexpos", "clipp", "dark", "shadow", "dim",
                  "bright", "exposure")),
    ("framing", ("headroom", "crop", "framing", "off-centre", "off-center", "thirds", "tilt", "horizon")),
    ("camera", ("shak", "handheld", "jitter", "wobbl", "unstable")),
    ("audio", ("noise", "noisy", "hum", "echo", "loud", "quiet", "audio", "wind")),
    ("set", ("background", "clutter", "distract", "glare", "growing out", "mixed colour", "mixed color")),
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


def shot_findings(shot: Shot, speech: bool, language: str = "en") -> list[ShotFinding]:
    found: list[ShotFinding] = []

    def text(key: str, **values: object) -> str:
        return say(key, language, **values)

    exposure, frame = shot.exposure, shot.composition
    if exposure is not None:
        face = exposure.face_brightness
        if face is not None and face < FACE_DARK:
            stops = math.log2(FACE_TARGET / max(face, 0.01))
            found.append(ShotFinding("face_dark", "exposure", "warning", text("finding.face_dark", stops=stops),
                                     text("label.face_luma"), face))
        elif face is not None and face > FACE_BRIGHT:
            found.append(ShotFinding("face_bright", "exposure", "warning", text("finding.face_bright"),
                                     text("label.face_luma"), face))
        elif face is None and exposure.brightness < FRAME_DARK:
            found.append(ShotFinding("frame_dark", "exposure", "suggestion", text("finding.frame_dark"),
                                     text("label.mean_luma"), exposure.brightness))
        if exposure.highlights_clipped > HIGHLIGHTS_CLIPPED:
            found.append(ShotFinding("highlights", "exposure", "suggestion", text("finding.highlights"),
                                     text("label.highlights"), exposure.highlights_clipped,
                                     lambda v: f"{v * 100:.1f}", "%"))
        if exposure.shadows_crushed > SHADOWS_CRUSHED:
            found.append(ShotFinding("shadows", "exposure", "info", text("finding.shadows"),
                                     text("label.shadows"), exposure.shadows_crushed,
                                     lambda v: f"{v * 100:.1f}", "%"))
    if frame.headroom is not None and frame.headroom > HEADROOM_MAX:
        found.append(ShotFinding("headroom_high", "framing", "suggestion", text("finding.headroom_high"),
                                 text("label.headroom"), frame.headroom))
    elif (frame.headroom is not None and frame.headroom < HEADROOM_MIN
          and shot.scale is not None and shot.scale not in TIGHT_SCALES):
        found.append(ShotFinding("headroom_low", "framing", "suggestion", text("finding.headroom_low"),
                                 text("label.headroom"), frame.headroom))
    if shot.movement == CameraMovement.HANDHELD:
        shake = shot.motion.get("shake")
        label = text("label.handheld") + (text("label.shake") if shake is not None else "")
        found.append(ShotFinding("handheld", "camera", "suggestion", text("finding.handheld"),
                                 label, shake, lambda v: f"{v:.1f}", " px"))
    if shot.loudness_lufs is not None and speech:
        if shot.loudness_lufs < QUIET_LUFS:
            found.append(ShotFinding("quiet", "audio", "warning",
                                     text("finding.quiet", db=TARGET_LUFS - shot.loudness_lufs, target=TARGET_LUFS),
                                     text("label.loudness"), shot.loudness_lufs, lambda v: f"{v:.1f}", " LUFS"))
        elif shot.loudness_lufs > LOUD_LUFS:
            found.append(ShotFinding("loud", "audio", "suggestion", text("finding.loud", target=TARGET_LUFS),
                                     text("label.loudness"), shot.loudness_lufs, lambda v: f"{v:.1f}", " LUFS"))
    measured = {f.category for f in found}
    for issue in shot.issues:
        category = issue_category(issue)
        if category in measured:
            continue  # the same problem, already noted from the measurement
        named = issue_name(issue.strip(), language)
        found.append(ShotFinding(f"issue:{issue.strip().lower()}", category, "suggestion",
                                 text("finding.issue", issue=named, advice=text(f"advice.{category}")),
                                 text("label.issue", issue=named)))
    return found


def issue_category(issue: str) -> str:
    lowered = issue.lower()
    for category, words in ISSUE_CATEGORIES:
        if any(w in lowered for w in words):
            return category
    return "shot"


def shot_measurements(shots: list[Shot], speech: bool, language: str = "en") -> list[DirectorNote]:
    """Per-shot findings, with runs of neighbouring shots that share a finding merged."""
    runs: list[tuple[ShotFinding, list[int], list[ShotFinding]]] = []
    open_runs: dict[str, tuple[ShotFinding, list[int], list[ShotFinding]]] = {}
    for position, shot in enumerate(shots):
        current: dict[str, tuple[ShotFinding, list[int], list[ShotFinding]]] = {}
        for finding in shot_findings(shot, speech, language):
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
                                  note=first.text,
                                  evidence=_finding_evidence(first, positions, findings, language)))
    return notes


def _finding_evidence(first: ShotFinding, positions: list[int], findings: list[ShotFinding],
                      language: str = "en") -> str:
    where = say("shots.where", language, shots=shot_name(positions, language)) if len(positions) > 1 else ""
    values = [f.value for f in findings if f.value is not None]
    if not values:
        return f"{first.label}{where}"
    low, high = min(values), max(values)
    shown = (first.fmt(low) if first.fmt(low) == first.fmt(high)
             else say("range", language, low=first.fmt(low), high=first.fmt(high)))
    return f"{first.label} {shown}{first.unit}{where}"


def shot_name(positions: list[int], language: str = "en") -> str:
    first, last = positions[0] + 1, positions[-1] + 1
    return say("shots.one", language, n=first) if first == last else say("shots.range", language, a=first, b=last)
