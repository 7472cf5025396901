"""Exposure, white balance and focus of a keyframe, with plain-language issues.

Measured on a copy normalised to 640 px width (never upscaled), so numbers compare across
resolutions. Thresholds were checked against the shared clips and stills (none fire) and
against darkened, brightened, tinted and blurred copies of them (they do).
"""

from __future__ import annotations

import cv2
import numpy as np

from framepilot.cinematic.scale import FaceBox
from framepilot.models import Exposure

NORMALISED_WIDTH = 640
CLIP_HIGH = 250 / 255
CLIP_LOW = 5 / 255

# Mean luma of the face box: faces in the shared footage measured 0.21 (a night street) and up;
# two stops under, 0.05-0.13.
UNDEREXPOSED_FACE = 0.18
UNDEREXPOSED_FRAME = 0.16  # mean luma; ordinary low-key scenes measured 0.24 and above
OVEREXPOSED_FRAME = 0.8
OVEREXPOSED_FACE = 0.85
BLOWN_HIGHLIGHTS = 0.1  # share of the frame at or near white; originals measured up to 0.055
CRUSHED_SHADOWS = 0.25  # share of the frame at or near black; originals measured up to 0.024
# Laplacian variance of the subject region at 640 px width: originals 26 and up, blurred copies
# (sigma 3 px) 2.5-10. Dimming lowers it too (by the square of the gain), so the test also asks
# for little detail relative to the frame's contrast.
SOFT_FOCUS = 20.0
SOFT_FOCUS_RELATIVE = 0.01
# Originals measured 3700 K (sodium-lit street) to 9000 K (blue backdrop); casts of about
# +-1 stop in red/blue measured 2250-3970 K and 12200-20000 K.
WARM_K = 3200.0
COOL_K = 11000.0
GREY_EDGE_P = 6
MIN_USABLE_SHARE = 0.05

UNDEREXPOSED_FACE_ISSUE = "underexposed face"
UNDEREXPOSED_ISSUE = "underexposed"
OVEREXPOSED_ISSUE = "overexposed"
BLOWN_HIGHLIGHTS_ISSUE = "blown highlights"
CRUSHED_SHADOWS_ISSUE = "crushed shadows"
SOFT_FOCUS_ISSUE = "soft focus"
WARM_ISSUE = "very warm white balance"
COOL_ISSUE = "very cool white balance"


def measure_exposure(image_bgr: np.ndarray, face: FaceBox | None = None) -> Exposure:
    """Brightness, contrast, clipping, colour temperature, subject sharpness, face brightness."""
    image = _normalised(image_bgr)
    luma = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32) / 255.0
    return Exposure(
        brightness=round(float(luma.mean()), 4),
        contrast=round(float(luma.std()), 4),
        highlights_clipped=round(float((luma >= CLIP_HIGH).mean()), 4),
        shadows_crushed=round(float((luma <= CLIP_LOW).mean()), 4),
        colour_temperature_k=colour_temperature_k(image),
        sharpness=round(subject_sharpness(luma, face), 2),
        face_brightness=_face_brightness(luma, face),
    )


def exposure_issues(exposure: Exposure) -> list[str]:
    issues: list[str] = []
    if exposure.face_brightness is not None and exposure.face_brightness < UNDEREXPOSED_FACE:
        issues.append(UNDEREXPOSED_FACE_ISSUE)
    elif exposure.brightness < UNDEREXPOSED_FRAME:
        issues.append(UNDEREXPOSED_ISSUE)
    if exposure.brightness > OVEREXPOSED_FRAME or (
        exposure.face_brightness is not None and exposure.face_brightness > OVEREXPOSED_FACE
    ):
        issues.append(OVEREXPOSED_ISSUE)
    if exposure.highlights_clipped > BLOWN_HIGHLIGHTS:
        issues.append(BLOWN_HIGHLIGHTS_ISSUE)
    if exposure.shadows_crushed > CRUSHED_SHADOWS:
        issues.append(CRUSHED_SHADOWS_ISSUE)
    # A flat frame (black, fade) has nothing to be in focus.
    contrast_variance = (255.0 * exposure.contrast) ** 2
    if (
        exposure.sharpness < SOFT_FOCUS
        and contrast_variance > 25.0
        and exposure.sharpness / contrast_variance < SOFT_FOCUS_RELATIVE
    ):
        issues.append(SOFT_FOCUS_ISSUE)
    k = exposure.colour_temperature_k
    if k is not None and k < WARM_K:
        issues.append(WARM_ISSUE)
    elif k is not None and k > COOL_K:
        issues.append(COOL_ISSUE)
    return issues


_SRGB_TO_LINEAR = np.array(
    [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in np.arange(256) / 255.0], np.float32
).reshape(1, 256)


def colour_temperature_k(image_bgr: np.ndarray) -> float | None:
    """Correlated colour temperature of the light, by the grey-edge hypothesis and McCamy.

    Grey-world (the mean colour is grey) reads a blue backdrop as a cool white balance. Edges
    are where surfaces meet, and their average colour is that of the light (van de Weijer et
    al., 2007): the Minkowski mean (p=6) of each linear channel's gradient gives the illuminant,
    whose CIE xy McCamy's cubic turns into kelvin. On the shared footage this kept warm and cool
    casts on the right side of the original in every frame; a blue-backdrop talking head read
    9000 K, which is why the "very cool" threshold sits above it.
    """
    # Per-pixel work stays in OpenCV on one plane at a time: the sRGB curve as a 256-entry
    # table, and |gradient|^6 as (gx^2 + gy^2)^3 (no square root). Written with numpy powers
    # over the whole image this was ~0.25 s of CPU per keyframe, most of the cinematic stage.
    unclipped = (image_bgr.max(axis=2) < round(CLIP_HIGH * 255)).view(np.uint8)
    usable = int(cv2.countNonZero(unclipped))
    if usable < MIN_USABLE_SHARE * unclipped.size:
        return None
    light = []
    for c in (2, 1, 0):  # R, G, B
        linear = cv2.GaussianBlur(cv2.LUT(image_bgr[..., c], _SRGB_TO_LINEAR), (0, 0), 1.0)
        gx = cv2.Sobel(linear, cv2.CV_32F, 1, 0)
        gy = cv2.Sobel(linear, cv2.CV_32F, 0, 1)
        power = cv2.add(cv2.multiply(gx, gx), cv2.multiply(gy, gy))
        power = cv2.multiply(cv2.multiply(power, power), power)  # |gradient|^6
        light.append((cv2.sumElems(cv2.bitwise_and(power, power, mask=unclipped))[0] / usable) ** (1.0 / GREY_EDGE_P))
    rgb = np.array(light)
    if rgb.max() <= 1e-6:
        return None  # a flat frame has no edges to read the light from
    to_xyz = np.array(
        [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
    )
    x_, y_, z_ = to_xyz @ (rgb / rgb.max())
    x, y = x_ / (x_ + y_ + z_), y_ / (x_ + y_ + z_)
    n = (x - 0.3320) / (0.1858 - y)
    cct = 449.0 * n**3 + 3525.0 * n**2 + 6823.3 * n + 5520.33
    return round(float(np.clip(cct, 1000.0, 20000.0)), 0)


def subject_sharpness(luma: np.ndarray, face: FaceBox | None = None) -> float:
    """Laplacian variance where the subject is: the face if there is one, else the sharpest
    of a 3x3 grid (a shallow depth of field keeps the subject sharp and the rest soft)."""
    lap = cv2.Laplacian(luma * 255.0, cv2.CV_32F)
    h, w = luma.shape
    if face is not None:
        region = _face_region(lap, face)
        if region is not None and region.size >= 64:
            return float(region.var())
    cells = [
        lap[i * h // 3:(i + 1) * h // 3, j * w // 3:(j + 1) * w // 3].var()
        for i in range(3) for j in range(3)
    ]
    return float(max(cells))


def _face_region(plane: np.ndarray, face: FaceBox) -> np.ndarray | None:
    h, w = plane.shape[:2]
    x0, x1 = int(max(face.x, 0.0) * w), int(min(face.x + face.w, 1.0) * w)
    y0, y1 = int(max(face.y, 0.0) * h), int(min(face.y + face.h, 1.0) * h)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    return plane[y0:y1, x0:x1]


def _face_brightness(luma: np.ndarray, face: FaceBox | None) -> float | None:
    if face is None:
        return None
    region = _face_region(luma, face)
    return None if region is None else round(float(region.mean()), 4)


def _normalised(image_bgr: np.ndarray) -> np.ndarray:
    h, w = image_bgr.shape[:2]
    if w <= NORMALISED_WIDTH:
        return image_bgr
    return cv2.resize(
        image_bgr, (NORMALISED_WIDTH, round(h * NORMALISED_WIDTH / w)), interpolation=cv2.INTER_AREA
    )
