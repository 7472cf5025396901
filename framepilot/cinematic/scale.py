"""Shot scale (ECU < CU < MCU < MS < FS < WS) of one frame, from the people in it.

Shot scale is defined by where the frame cuts the human body, so the cues are, in order:
1. pose landmarks: which body parts are inside the frame (ankles -> FS, or WS when the whole
   figure is small; hips or knees -> MS). This wins when it sees the lower body, because
   then it knows where the frame cuts.
2. the primary face: its size relative to the frame (geometric mean of the relative width and
   height, so 2.35:1, 16:9 and vertical frames compare) and how much frame lies below it.
3. no person: a huge single eye (Haar cascade) means ECU. Otherwise two cues of distance:
   how much fine detail there is (a wide view is full of small things), and how much of the
   frame is in focus (a depth-of-field cue: a close shot of an object leaves much of the
   frame soft, a wide view is sharp from edge to edge). A wide shot needs both; a textured
   close-up (foliage, fabric) has the detail but not the focus, and is no longer called wide.
   Without a person there is no reference size, so the close call is CU, not a finer class.

Data-fitted thresholds were fitted on the CALIBRATION shots of testkit/evalsets/scale.py only (a
fixed split by a hash of the file name); the rest are priors from the shot-scale definitions
and say so. testkit/evalsets/scale.py reports the held-out shots.
mediapipe is imported lazily and its graphs are built once per process; its native log lines
are filtered out (framepilot.core.native_noise).
"""

from __future__ import annotations

import threading
from typing import Any, Literal

import cv2
import numpy as np
from pydantic import BaseModel, Field

from framepilot.core.native_noise import native_noise_filtered
from framepilot.models import ShotScale

MEDIAPIPE_MODEL = "mediapipe-0.10.21"

# Primary-face size = sqrt(relative box width * relative box height).
# Calibration shots: talking-head MCUs 0.27-0.49; the CU still (two people chest-up) 0.19;
# waist-up MS 0.15-0.16; full body 0.10. FACE_SIZE_MCU lies between the MS faces and the
# smallest face of a tighter shot, FACE_SIZE_MS between the MS and full-body faces. ECU, CU
# and FS sizes are priors (no calibration shot has such a face).
FACE_SIZE_ECU = 0.72
FACE_SIZE_CU = 0.6
FACE_SIZE_MCU = 0.175
FACE_SIZE_MS = 0.12
FACE_SIZE_FS = 0.045
# Frame below the face box top, in face heights: below ~1 the chin is cut (ECU); just above 1
# the frame ends at the chin or neck (CU). Calibration talking-head MCUs measured 1.27-2.22.
BELOW_ECU = 0.95
BELOW_CU = 1.15
MIN_FACE_SIZE_FOR_BELOW_RULE = 0.3
# A standing figure (head to ankles) shorter than this share of the frame is a wide shot. A
# prior from the definition, not fitted: the calibration full shot measured 0.86, and the one
# calibration WS with a figure (bigbuckbunny's cartoon rabbit, 0.60 of the frame) is a full
# figure by the definition; it stays read as FS, off by one.
WS_FIGURE_HEIGHT = 0.22
LANDMARK_VISIBILITY = 0.6
# Haar eye wider than this share of the frame width, with no face found: an eye close-up.
# Eyes in talking-head MCUs measured 0.17-0.19.
ECU_EYE_WIDTH = 0.28
# No person. Canny edge density at 320 px width; calibration: the detail shot 0.09, wide
# views 0.21-0.22. Share of the structured 16-px blocks (grey std >= STRUCTURE_STD) that are in
# focus (Laplacian variance above FOCUS_VARIANCE); calibration: the detail shot 0.46-0.50, wide
# views 0.85-0.98. STRUCTURE_STD and FOCUS_VARIANCE are priors (just above noise; a sharp edge);
# each WIDE_ threshold is the geometric mean of the closest calibration values either side.
WIDE_DETAIL_DENSITY = 0.137
WIDE_FOCUS_SHARE = 0.65
FOCUS_BLOCK = 16
FOCUS_VARIANCE = 100.0
STRUCTURE_STD = 4.0
FLAT_FRAME_STD = 6.0  # luma std (0..255) below which a frame (black, fade) has no scale

ANALYSIS_MAX_WIDTH = 1280
# The person detector in front of pose misses stylised or small figures at 0.5 (measured on
# the FS still); 0.3 finds them and still found no one in the no-person frames.
POSE_MIN_CONFIDENCE = 0.3


Point = tuple[float, float]


class FaceBox(BaseModel):
    """One detected face, in frame-relative units (may extend past 0..1 when cut by the frame)."""

    x: float
    y: float
    w: float
    h: float
    score: float
    right_eye: Point | None = None
    left_eye: Point | None = None
    nose_tip: Point | None = None

    @property
    def size(self) -> float:
        return float(np.sqrt(max(self.w, 0.0) * max(self.h, 0.0)))

    @property
    def centre(self) -> Point:
        return (self.x + self.w / 2, self.y + self.h / 2)

    @property
    def eye_y(self) -> float:
        if self.right_eye and self.left_eye:
            return (self.right_eye[1] + self.left_eye[1]) / 2
        return self.y + 0.35 * self.h

    @property
    def head_top(self) -> float:
        """The box starts at the forehead; hair adds about 0.4 box heights (measured)."""
        return self.y - 0.4 * self.h

    @property
    def below(self) -> float:
        """Frame below the box top, in face heights."""
        return (1.0 - self.y) / self.h if self.h > 0 else 0.0

    @property
    def yaw(self) -> float | None:
        """Nose offset from the eye midpoint in eye distances: < 0 faces image-left."""
        if not (self.right_eye and self.left_eye and self.nose_tip):
            return None
        eye_distance = abs(self.left_eye[0] - self.right_eye[0])
        if eye_distance < 1e-6:
            return None
        mid = (self.left_eye[0] + self.right_eye[0]) / 2
        return (self.nose_tip[0] - mid) / eye_distance


class BodyReading(BaseModel):
    """What the pose model saw of the most prominent person."""

    parts: list[str] = Field(description="Body parts inside the frame, head first")
    centre_x: float
    top_y: float = Field(description="Estimated top of the head (relative, may be < 0)")
    bottom_y: float = Field(description="Lowest landmark inside the frame")
    visibility: float = Field(description="Mean visibility of the landmarks inside the frame")


class ScaleReading(BaseModel):
    scale: ShotScale | None
    method: Literal["face", "pose", "fallback"]
    confidence: float = Field(ge=0.0, le=1.0)
    face: FaceBox | None = None
    face_count: int = 0
    face_height: float | None = Field(None, description="Primary face box height / frame height")
    face_scale: ShotScale | None = Field(None, description="What the face alone says")
    body: BodyReading | None = None
    body_scale: ShotScale | None = Field(None, description="What the pose alone says")
    detail: float | None = Field(None, description="Edge density used by the no-person fallback")
    focus: float | None = Field(None, description="Share of the frame in focus, used by the no-person fallback")


# --- detectors, built once per process -------------------------------------------------------


class _Detectors:
    """mediapipe graphs and the eye cascade. Graphs are not re-entrant, so calls hold a lock."""

    _instance: _Detectors | None = None
    _create_lock = threading.Lock()

    def __init__(self) -> None:
        with native_noise_filtered():  # protobuf's GetPrototype line, TFLite's INFO lines
            import mediapipe as mp  # heavy (~1 s, hundreds of MB): only where frames are analysed

            self.face = mp.solutions.face_detection.FaceDetection(
                model_selection=1, min_detection_confidence=0.5
            )
            self.pose = mp.solutions.pose.Pose(
                static_image_mode=True, model_complexity=1, min_detection_confidence=POSE_MIN_CONFIDENCE
            )
        self.eye = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_eye.xml")
        self.lock = threading.Lock()

    @classmethod
    def get(cls) -> _Detectors:
        if cls._instance is None:
            with cls._create_lock:
                if cls._instance is None:
                    cls._instance = cls()
        return cls._instance


# --- pure mappings (unit-testable without models) ----------------------------------------------


def scale_from_face(face: FaceBox) -> ShotScale:
    size = face.size
    if size >= FACE_SIZE_ECU or (size >= MIN_FACE_SIZE_FOR_BELOW_RULE and face.below < BELOW_ECU):
        return ShotScale.ECU
    if size >= FACE_SIZE_CU or (size >= MIN_FACE_SIZE_FOR_BELOW_RULE and face.below < BELOW_CU):
        return ShotScale.CU
    if size >= FACE_SIZE_MCU:
        return ShotScale.MCU
    if size >= FACE_SIZE_MS:
        return ShotScale.MS
    if size >= FACE_SIZE_FS:
        return ShotScale.FS
    return ShotScale.WS


def scale_from_body(body: BodyReading) -> ShotScale | None:
    """Only the lower body is decisive; an upper body alone leaves the call to the face."""
    if "ankles" in body.parts:
        height = body.bottom_y - body.top_y
        return ShotScale.WS if height < WS_FIGURE_HEIGHT else ShotScale.FS
    if "knees" in body.parts or "hips" in body.parts:
        return ShotScale.MS
    if "shoulders" in body.parts:
        return ShotScale.MCU
    return None


# --- readers ------------------------------------------------------------------------------------


def _keypoint(keypoints: Any, i: int) -> Point | None:
    return (float(keypoints[i].x), float(keypoints[i].y)) if len(keypoints) > i else None


def _faces(results: Any) -> list[FaceBox]:
    """mediapipe detections as FaceBoxes; keypoints 0, 1, 2 are right eye, left eye, nose tip."""
    faces = []
    for det in results.detections or []:
        box = det.location_data.relative_bounding_box
        kp = det.location_data.relative_keypoints
        faces.append(
            FaceBox(
                x=float(box.xmin), y=float(box.ymin), w=float(box.width), h=float(box.height),
                score=float(det.score[0]) if det.score else 0.0,
                right_eye=_keypoint(kp, 0), left_eye=_keypoint(kp, 1), nose_tip=_keypoint(kp, 2),
            )
        )
    return faces


_BODY_PARTS = {
    "head": (0,),  # nose
    "shoulders": (11, 12),
    "elbows": (13, 14),
    "hips": (23, 24),
    "knees": (25, 26),
    "ankles": (27, 28),
}


def _body(results: Any, x0: float = 0.0, x1: float = 1.0) -> BodyReading | None:
    """The pose of a crop spanning [x0, x1] of the frame width (full height), in frame units."""
    if not results.pose_landmarks:
        return None
    lm = results.pose_landmarks.landmark

    def inside(i: int) -> bool:
        p = lm[i]
        return p.visibility >= LANDMARK_VISIBILITY and 0.0 <= p.x <= 1.0 and 0.0 <= p.y <= 1.0

    def mid_y(ids: tuple[int, ...]) -> float:
        return sum(lm[i].y for i in ids) / len(ids)

    nose, shoulder_y, hip_y = lm[0], mid_y(_BODY_PARTS["shoulders"]), mid_y(_BODY_PARTS["hips"])
    # The pose model always returns a full skeleton; on bike parts it returned ones with the
    # nose below the hips. A person who is upright, sitting or reclining keeps this order.
    if not nose.y < shoulder_y < hip_y:
        return None
    parts = [name for name, ids in _BODY_PARTS.items() if any(inside(i) for i in ids)]
    seen = [i for name in parts for i in _BODY_PARTS[name] if inside(i)]
    if not seen:
        return None
    # The crown sits about as far above the nose as the shoulders sit below it.
    top = nose.y - 0.9 * max(shoulder_y - nose.y, 0.0)
    return BodyReading(
        parts=parts,
        centre_x=float(x0 + (x1 - x0) * np.mean([lm[i].x for i in seen])),
        top_y=float(top),
        bottom_y=float(max(lm[i].y for i in seen)),
        visibility=float(np.mean([lm[i].visibility for i in seen])),
    )


# Overlapping left and right crops: the pose model's person detector expects one large person
# and misses two small ones side by side (the FS still at 640 px); in a half they are larger.
# Only a body with its hips in frame counts there: on a 320 px mountain range a half produced a
# plausible head and shoulders.
_HALVES = ((0.0, 0.6), (0.4, 1.0))


def _body_in_halves(detectors: _Detectors, rgb: np.ndarray) -> BodyReading | None:
    width = rgb.shape[1]
    found = []
    for x0, x1 in _HALVES:
        crop = np.ascontiguousarray(rgb[:, int(x0 * width): int(x1 * width)])
        body = _body(detectors.pose.process(crop), x0, x1)
        if body and "hips" in body.parts:
            found.append(body)
    return max(found, key=lambda b: b.visibility, default=None)


def _analysis_copy(image_bgr: np.ndarray) -> np.ndarray:
    h, w = image_bgr.shape[:2]
    if w <= ANALYSIS_MAX_WIDTH:
        return image_bgr
    scale = ANALYSIS_MAX_WIDTH / w
    return cv2.resize(image_bgr, (ANALYSIS_MAX_WIDTH, round(h * scale)), interpolation=cv2.INTER_AREA)


def _grey_320(image_bgr: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
    h, w = grey.shape
    interp = cv2.INTER_AREA if w > 320 else cv2.INTER_LINEAR
    return cv2.resize(grey, (320, max(1, round(h * 320 / w))), interpolation=interp)


def detail_density(image_bgr: np.ndarray) -> float:
    """Share of edge pixels at 320 px width: wide views are full of small detail."""
    return float(cv2.Canny(_grey_320(image_bgr), 60, 150).mean() / 255.0)


def focus_share(image_bgr: np.ndarray) -> float:
    """Share of the structured 16-px blocks (at 320 px width) that are sharp.

    Flat blocks (sky, a plain wall) are neither sharp nor soft and are left out: counted as
    soft, they made a mountain range under a big sky read as a close-up.
    """
    grey = _grey_320(image_bgr).astype(np.float32)
    rows, cols = grey.shape[0] // FOCUS_BLOCK, grey.shape[1] // FOCUS_BLOCK
    if not rows or not cols:
        return 0.0

    def blocks(image: np.ndarray) -> np.ndarray:
        cropped = image[:rows * FOCUS_BLOCK, :cols * FOCUS_BLOCK]
        return cropped.reshape(rows, FOCUS_BLOCK, cols, FOCUS_BLOCK).transpose(0, 2, 1, 3).reshape(rows, cols, -1)

    structured = blocks(grey).std(axis=2) >= STRUCTURE_STD
    if not structured.any():
        return 0.0
    sharp = blocks(cv2.Laplacian(grey, cv2.CV_32F)).var(axis=2) > FOCUS_VARIANCE
    return float(sharp[structured].mean())


def _largest_eye_width(detectors: _Detectors, image_bgr: np.ndarray) -> float:
    grey = _grey_320(image_bgr)
    min_side = int(grey.shape[1] * ECU_EYE_WIDTH)
    with detectors.lock:
        eyes = detectors.eye.detectMultiScale(grey, 1.1, 5, minSize=(min_side, min_side))
    return max((e[2] / grey.shape[1] for e in eyes), default=0.0)


def classify_shot_scale(image_bgr: np.ndarray) -> ScaleReading:
    """The shot scale of one BGR frame, with the evidence behind it."""
    if image_bgr is None or image_bgr.size == 0:
        raise ValueError("classify_shot_scale needs a non-empty BGR image")
    image = _analysis_copy(image_bgr)
    detectors = _Detectors.get()
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    with detectors.lock, native_noise_filtered():  # absl warnings from the graphs' first runs
        faces = _faces(detectors.face.process(rgb))
        body = _body(detectors.pose.process(rgb)) or _body_in_halves(detectors, rgb)

    face = max(faces, key=lambda f: f.w * f.h, default=None)
    face_scale = scale_from_face(face) if face else None
    body_scale = scale_from_body(body) if body else None
    common = dict(
        face=face, face_count=len(faces), face_height=face.h if face else None,
        face_scale=face_scale, body=body, body_scale=body_scale,
    )
    if body and body_scale in (ShotScale.MS, ShotScale.FS, ShotScale.WS):
        return ScaleReading(scale=body_scale, method="pose", confidence=min(body.visibility, 1.0), **common)
    if face and face_scale:
        return ScaleReading(scale=face_scale, method="face", confidence=min(face.score, 1.0), **common)
    if body and body_scale:
        return ScaleReading(scale=body_scale, method="pose", confidence=min(body.visibility, 1.0) * 0.7, **common)
    return _fallback(detectors, image, common)


def _fallback(detectors: _Detectors, image: np.ndarray, common: dict) -> ScaleReading:
    if float(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).std()) < FLAT_FRAME_STD:
        return ScaleReading(scale=None, method="fallback", confidence=0.0, **common)
    if _largest_eye_width(detectors, image) >= ECU_EYE_WIDTH:
        return ScaleReading(scale=ShotScale.ECU, method="fallback", confidence=0.5, **common)
    detail, focus = detail_density(image), focus_share(image)
    wide = detail >= WIDE_DETAIL_DENSITY and focus >= WIDE_FOCUS_SHARE
    scale = ShotScale.WS if wide else ShotScale.CU
    return ScaleReading(scale=scale, method="fallback", confidence=0.3, detail=detail, focus=focus, **common)


def combine_scale_readings(readings: list[ScaleReading]) -> ScaleReading:
    """One reading for a shot from several of its frames.

    People walk in and out within a shot, and the scale a shot is framed for is the one of its
    person, so readings that saw a person outvote the no-person fallback. Among those the most
    common scale wins; a tie goes to the median rank, and the most confident reading of the
    winning scale is returned with its evidence.
    """
    if not readings:
        raise ValueError("combine_scale_readings needs at least one reading")
    people = [r for r in readings if r.method != "fallback" and r.scale is not None]
    pool = people or [r for r in readings if r.scale is not None]
    if not pool:
        return readings[0]
    counts: dict[ShotScale, int] = {}
    for r in pool:
        counts[r.scale] = counts.get(r.scale, 0) + 1
    top = max(counts.values())
    tied = sorted((s for s, c in counts.items() if c == top), key=lambda s: s.rank)
    if len(tied) > 1:
        ranks = sorted(r.scale.rank for r in pool)
        median = ranks[(len(ranks) - 1) // 2]
        winner = min(tied, key=lambda s: abs(s.rank - median))
    else:
        winner = tied[0]
    return max((r for r in pool if r.scale == winner), key=lambda r: r.confidence)
