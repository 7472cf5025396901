"""The finish's own review: each fix with its before and after figures, measured on the output.

Every "after" comes from the finished file, not from the plan: ffmpeg's ebur128 for loudness,
mediapipe faces on sampled output frames for framing, tesseract for the captions, the
project's own transition and motion measures (look.py) for jumps and shake, and the product's
transcriber plus cut list for a slow start or a run-on tail. A check passes or fails against
the figure the issue sets; `passed` is all of them.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg
from pydantic import BaseModel, Field

from framepilot.finish import ocr
from framepilot.finish.look import Look
from framepilot.finish.loudness import read_loudness
from framepilot.finish.plan import FinishPlan

REPORT_VERSION = "finish-report/1"
LOUDNESS_TOLERANCE_LU = 1.0
FRAMED_SHARE = 0.98
OCR_SHARE = 0.90
SHAKE_DROP = 0.5
OCR_SAMPLES = 12


class Check(BaseModel):
    name: str
    applied: bool = Field(description="Whether the finish applied this fix")
    before: float | None = None
    after: float | None = None
    target: str = ""
    passed: bool | None = Field(None, description="None when there was nothing to check")
    detail: str = ""


class FinishReport(BaseModel):
    schema_version: str = REPORT_VERSION
    duration_before_s: float
    duration_after_s: float
    checks: list[Check]
    notes: list[str] = Field(default_factory=list)
    render_seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(c.passed is not False for c in self.checks)

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)


def _loudness(plan: FinishPlan, output: Path) -> Check:
    if not plan.source.has_audio:
        return Check(name="loudness", applied=False, detail="The source has no sound.")
    reading = read_loudness(output)
    lp = plan.loudness
    if lp is None or not lp.applicable:
        return Check(name="loudness", applied=False, before=lp.measured_lufs if lp else None,
                     after=reading.integrated_lufs, detail="Loudness was left alone (switched off, or silent sound).")
    within = (reading.integrated_lufs is not None
              and abs(reading.integrated_lufs - lp.target_lufs) <= LOUDNESS_TOLERANCE_LU)
    peak_ok = reading.true_peak_dbtp is not None and reading.true_peak_dbtp <= lp.target_tp
    return Check(name="loudness", applied=True, before=lp.measured_lufs, after=reading.integrated_lufs,
                 target=f"{lp.target_lufs:g} ± {LOUDNESS_TOLERANCE_LU:g} LUFS, true peak ≤ {lp.target_tp:g} dBTP",
                 passed=within and peak_ok,
                 detail=f"true peak {lp.measured_tp} → {reading.true_peak_dbtp} dBTP (ebur128 on the output)")


def framed_share(look: Look) -> tuple[float | None, float]:
    """Share of sampled output frames (with a face) whose largest face centre is in the middle
    third across and the upper half down; and the share of frames with a face."""
    with_face = [faces for _, faces in look.faces if faces]
    if not with_face:
        return None, 0.0
    good = 0
    for faces in with_face:
        face = max(faces, key=lambda f: f.w * f.h)
        good += (1 / 3 <= face.cx <= 2 / 3) and face.cy <= 0.5
    return good / len(with_face), len(with_face) / max(1, len(look.faces))


def _framing(plan: FinishPlan, after: Look) -> Check:
    share, found = framed_share(after)
    crop = plan.crop
    if crop is None:
        return Check(name="framing", applied=False, after=share, detail="No reframe.")
    scale = plan.output_width / crop.width
    bound = (f"window moves at most {crop.max_step_px * scale:.1f} px per frame at the output size "
             f"(limit {crop.max_speed_px_s * scale / plan.source.fps:.1f})")
    if crop.follows != "face":
        return Check(name="framing", applied=True, after=share, passed=None,
                     detail=f"The crop holds the {crop.follows}; {bound}.")
    return Check(name="framing", applied=True, before=crop.face_share, after=share,
                 target=f"face centre in the middle third and upper half in ≥ {FRAMED_SHARE:.0%} of sampled frames",
                 passed=share is not None and share >= FRAMED_SHARE,
                 detail=f"a face was found in {found:.0%} of {len(after.faces)} sampled output frames; {bound}")


def _grab(output: Path, t: float, folder: Path) -> Path | None:
    out = folder / f"ocr_{t:09.3f}.png"
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-ss", f"{t:.3f}",
           "-protocol_whitelist", "file", "-i", f"file:{output.resolve()}", "-frames:v", "1", str(out)]
    done = subprocess.run(cmd, capture_output=True, timeout=60, check=False)
    return out if done.returncode == 0 and out.exists() else None


def _captions(plan: FinishPlan, output: Path, language: str | None) -> Check:
    if not plan.captions:
        return Check(name="captions", applied=False, detail="No captions.")
    if not ocr.available():
        return Check(name="captions", applied=True, passed=None, detail="tesseract is not installed; not read back.")
    step = max(1, len(plan.captions) // OCR_SAMPLES)
    cues = plan.captions[::step][:OCR_SAMPLES]
    due = seen = 0
    lang = "tur+eng" if (language or "").startswith("tr") and "tur" in _tesseract_languages() else "eng"
    with tempfile.TemporaryDirectory() as tmp:
        for cue in cues:
            t = (cue.start + min(cue.end, cue.words[-1].end)) / 2
            image = _grab(output, t, Path(tmp))
            if image is None:
                continue
            expected = ocr.words_of(" ".join(w.text for w in cue.words))
            read = set(ocr.read_image(image, lang))
            due += len(expected)
            seen += sum(1 for w in expected if w in read)
    share = seen / due if due else None
    return Check(name="captions", applied=True, after=share,
                 target=f"OCR reads ≥ {OCR_SHARE:.0%} of caption words (3+ letters) due at the sampled times",
                 passed=None if share is None else share >= OCR_SHARE,
                 detail=f"{seen} of {due} words read in {len(cues)} sampled frames ({plan.caption_style.value} style)")


def _tesseract_languages() -> set[str]:
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=10,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return set(out.split()[1:])


def _shake(plan: FinishPlan, before: Look, after: Look) -> Check:
    if plan.stabilise is None:
        return Check(name="shake", applied=False, before=before.shake, after=after.shake,
                     detail="Not stabilised (no shake read, or switched off).")
    return Check(name="shake", applied=True, before=before.shake, after=after.shake,
                 target=f"drops by at least {SHAKE_DROP:.0%}",
                 passed=after.shake <= SHAKE_DROP * before.shake,
                 detail=f"residual shake in px at 320 px width; vid.stab crops about "
                        f"{plan.stabilise.zoom_percent:.1f} % to hide the edges")


def _jumps(plan: FinishPlan, before: Look, after: Look) -> Check:
    joins = plan.joins
    minutes_before = max(before.duration_s, 1e-6) / 60
    minutes_after = max(after.duration_s, 1e-6) / 60
    jumps_before = len(before.jumps_at(joins))
    jumps_after = len(after.jumps_at(joins))
    punched = sum(1 for s in plan.segments if s.punch_in > 1.0)
    return Check(name="visible_jumps", applied=punched > 0,
                 before=round(jumps_before / minutes_before, 2), after=round(jumps_after / minutes_after, 2),
                 target="fewer visible jumps per minute at joins", passed=None if not joins else jumps_after <= jumps_before,
                 detail=f"{jumps_before} → {jumps_after} of {len(joins)} joins read as a jump; "
                        f"{punched} punched-in ranges")


def _ends(plan: FinishPlan, transcriber: Callable[[Path], object] | None, output: Path) -> Check:
    """Re-transcribe the output and run the cut list: no slow start or run-on tail is left."""
    if transcriber is None:
        return Check(name="head_and_tail", applied=plan.options.trim, passed=None, detail="Not re-analysed.")
    from framepilot.edit.cutlist import suggest_cuts
    from framepilot.models import CutKind

    transcript = transcriber(output)
    fps = plan.source.fps
    frames = round(plan.duration_s * fps)
    cuts = suggest_cuts(transcript, fps, frames).cuts
    left = [c for c in cuts if c.kind in (CutKind.SLOW_START, CutKind.TAIL)]
    if getattr(transcript, "no_speech", False):
        return Check(name="head_and_tail", applied=plan.options.trim, passed=None,
                     detail="No speech heard in the output.")
    return Check(name="head_and_tail", applied=plan.options.trim, after=float(len(left)),
                 target="no slow start or run-on tail in the re-analysed output", passed=not left,
                 detail="; ".join(c.reason for c in left) or "the re-analysis suggests neither")


def finish_report(plan: FinishPlan, output: Path, before: Look, after: Look, *, render_seconds: float = 0.0,
                  language: str | None = None,
                  transcriber: Callable[[Path], object] | None = None) -> FinishReport:
    checks = [_loudness(plan, output), _framing(plan, after), _captions(plan, output, language),
              _shake(plan, before, after), _jumps(plan, before, after), _ends(plan, transcriber, output)]
    return FinishReport(duration_before_s=round(plan.source.duration_s, 3), duration_after_s=round(after.duration_s, 3),
                        checks=checks, notes=list(plan.notes), render_seconds=round(render_seconds, 2))
