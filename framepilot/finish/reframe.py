"""The crop window that reframes the picture to the preset's shape and follows the speaker.

Faces come from the low-resolution look at the kept ranges (look.py, five a second). Per
sample the target is the largest face, or the middle of two faces when both fit in the
window. The face is placed on the window's centre line, at EYE_LINE of its height. Then, per
kept range (a cut may reposition the window, as a camera operator would between takes):
gaps are filled from the nearest detections, a rolling median drops single misses, a
DEAD_ZONE keeps the window still while the face stays near its centre, and a moving average
plus a speed limit (MAX_SPEED window widths a second) keep it from jittering or whipping.
With no face at all it holds the subject the analysis found, or the centre, and says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from framepilot.finish.look import Face, Look
from framepilot.finish.plan import CropKey, CropPath, Segment

# Where the face centre sits in the window, as a share of its height from the top.
FACE_LINE = 0.36
MEDIAN_SAMPLES = 5  # one second at five samples a second
SMOOTH_SAMPLES = 5
DEAD_ZONE = 0.06  # share of the window width (and height) the face may wander before it moves
MAX_SPEED = 0.5  # window widths per second
SECOND_FACE_SHARE = 0.5  # a second face this large (area) relative to the first is framed too
PUNCH_IN = 1.15
# The face centre must sit above this share of the window's height; when the window already
# spans the full height and the face sits lower, the window shrinks (zooms in) up to
# MAX_HEADROOM_ZOOM so it can move down.
FACE_LINE_LIMIT = 0.46
MAX_HEADROOM_ZOOM = 1.5
MAX_FACE_SHARE = 0.75  # the headroom zoom stops where the face box would fill this share of the height


def window_size(source_w: int, source_h: int, out_w: int, out_h: int) -> tuple[int, int]:
    """The largest window of the output's shape inside the source (even sizes)."""
    aspect = out_w / out_h
    if source_w / source_h > aspect:
        h = source_h
        w = round(h * aspect / 2) * 2
    else:
        w = source_w
        h = round(w / aspect / 2) * 2
    return min(w, source_w // 2 * 2), min(h, source_h // 2 * 2)


def _target(faces: Sequence[Face], win_w_rel: float) -> Face | None:
    """The face (or pair of faces) the window should hold."""
    if not faces:
        return None
    ranked = sorted(faces, key=lambda f: f.w * f.h * f.score, reverse=True)
    first = ranked[0]
    if len(ranked) > 1:
        second = ranked[1]
        left = min(first.cx - first.w / 2, second.cx - second.w / 2)
        right = max(first.cx + first.w / 2, second.cx + second.w / 2)
        if second.w * second.h >= SECOND_FACE_SHARE * first.w * first.h and right - left <= 0.9 * win_w_rel:
            return Face(cx=(left + right) / 2, cy=(first.cy + second.cy) / 2, w=right - left,
                        h=max(first.h, second.h), score=min(first.score, second.score))
    return first


def _fill(values: np.ndarray) -> np.ndarray:
    """Gaps (NaN) take the value of the nearest detection (linear between two)."""
    known = ~np.isnan(values)
    if not known.any():
        return values
    idx = np.arange(len(values))
    return np.interp(idx, idx[known], values[known])


def _rolling(values: np.ndarray, n: int, fn) -> np.ndarray:
    if len(values) < 2:
        return values
    half = n // 2
    padded = np.pad(values, half, mode="edge")
    return np.array([fn(padded[i:i + n]) for i in range(len(values))])


def _steady(values: np.ndarray, dead: float, max_step: float) -> np.ndarray:
    """Hold still inside the dead zone; otherwise move towards the target, no faster than max_step."""
    out = np.empty_like(values)
    position = values[0]
    for i, target in enumerate(values):
        error = target - position
        if abs(error) > dead:
            move = error - np.sign(error) * dead
            position += float(np.clip(move, -max_step, max_step))
        out[i] = position
    return out


def _with_headroom(segments: list[Segment], times: np.ndarray, face_y: np.ndarray, face_h: np.ndarray,
                   win_h: int, source_h: int, notes: list[str]) -> list[Segment]:
    """Zoom a kept range in when its face sits too low for a window of full height, as far as
    MAX_HEADROOM_ZOOM and never so far that the face box passes MAX_FACE_SHARE of the height
    (a close-up zoomed further loses the chin)."""
    out, capped = [], 0
    for seg in segments:
        inside = (times >= seg.out_start_s - 1e-6) & (times < seg.out_start_s + seg.duration_s - 1e-6)
        ys, hs = face_y[inside & ~np.isnan(face_y)], face_h[inside & ~np.isnan(face_h)]
        if ys.size == 0:
            out.append(seg)
            continue
        # With the window's bottom on the frame's bottom, the face sits at FACE_LINE_LIMIT when
        # the window's height is (H - y) / (1 - limit).
        height = (source_h - float(np.percentile(ys, 90))) / (1 - FACE_LINE_LIMIT)
        wanted = max(1.0, win_h / max(height, 1.0))
        room = max(1.0, MAX_FACE_SHARE * win_h / max(float(np.median(hs)) * source_h, 1.0))
        zoom = min(MAX_HEADROOM_ZOOM, wanted, room)
        capped += zoom < wanted - 1e-3
        out.append(seg.model_copy(update={"headroom_zoom": round(zoom, 3)}))
    zoomed = [s for s in out if s.headroom_zoom > 1.0]
    if zoomed:
        notes.append(f"The face sits low in {len(zoomed)} of {len(out)} kept ranges: the window zooms in up to "
                     f"{max(s.headroom_zoom for s in zoomed):.2f}x there to lift it into the upper half.")
    if capped:
        notes.append(f"In {capped} kept ranges the face is too large (or too low) to lift all the way without "
                     "cutting it: shoot with less headroom.")
    return out


def plan_crop(look: Look, segments: Sequence[Segment], source_w: int, source_h: int, out_w: int, out_h: int,
              fallback_x: float | None = None) -> tuple[CropPath, list[Segment], list[str]]:
    """The crop path over the finished timeline, the segments with any headroom zoom, and
    what was said about it."""
    win_w, win_h = window_size(source_w, source_h, out_w, out_h)
    notes: list[str] = []
    dt = 1.0 / max(1e-6, (len(look.faces) / look.duration_s) if look.duration_s else 5.0)
    max_speed = MAX_SPEED * win_w
    times = np.array([t for t, _ in look.faces], dtype=float)
    targets = [_target(faces, win_w / source_w) for _, faces in look.faces]
    found = sum(1 for t in targets if t is not None)
    face_share = found / len(targets) if targets else 0.0
    xs = np.array([t.cx * source_w if t else np.nan for t in targets], dtype=float)
    face_ys = np.array([t.cy * source_h if t else np.nan for t in targets], dtype=float)
    if found == 0:
        cx = (fallback_x if fallback_x is not None else 0.5) * source_w
        follows = "subject" if fallback_x is not None else "centre"
        notes.append("No face was found in the kept picture, so the crop holds "
                     + ("the subject the shot analysis found." if fallback_x is not None else "the centre."))
        xs = np.full(len(targets), cx)
        face_ys = np.full(len(targets), source_h / 2 - (0.5 - FACE_LINE) * win_h)
    else:
        follows = "face"
        if face_share < 0.9:
            notes.append(f"A face was found in {face_share:.0%} of the sampled frames; the window holds the "
                         "nearest detection in between.")
    keys: list[CropKey] = []
    max_step = 0.0
    segments = list(segments)
    if found:
        face_hs = np.array([t.h if t else np.nan for t in targets], dtype=float)
        segments = _with_headroom(segments, times, face_ys, face_hs, win_h, source_h, notes)
    for seg in segments:
        ys = face_ys + (0.5 - FACE_LINE) * win_h / seg.zoom
        seg_end = seg.out_start_s + seg.duration_s
        inside = np.where((times >= seg.out_start_s - 1e-6) & (times < seg_end - 1e-6))[0]
        if inside.size == 0:
            # Too short for a sample: hold the nearest one.
            nearest = int(np.argmin(np.abs(times - seg.out_start_s))) if times.size else None
            x = _fill(xs)[nearest] if nearest is not None and not np.isnan(_fill(xs)[nearest]) else source_w / 2
            y = _fill(ys)[nearest] if nearest is not None and not np.isnan(_fill(ys)[nearest]) else source_h / 2
            keys += [CropKey(t=seg.out_start_s, cx=float(x), cy=float(y)),
                     CropKey(t=seg_end, cx=float(x), cy=float(y))]
            continue
        x = _fill(xs[inside])
        y = _fill(ys[inside])
        if np.isnan(x).all():  # no face in this range: the nearest one elsewhere
            x = np.full(inside.size, _fill(xs)[inside[0]])
            y = np.full(inside.size, _fill(ys)[inside[0]])
        x = _rolling(_rolling(x, MEDIAN_SAMPLES, np.median), SMOOTH_SAMPLES, np.mean)
        y = _rolling(_rolling(y, MEDIAN_SAMPLES, np.median), SMOOTH_SAMPLES, np.mean)
        x = _steady(x, DEAD_ZONE * win_w, max_speed * dt)
        y = _steady(y, DEAD_ZONE * win_h, max_speed * dt)
        half_w, half_h = win_w / 2 / seg.zoom, win_h / 2 / seg.zoom
        x = np.clip(x, half_w, source_w - half_w)
        y = np.clip(y, half_h, source_h - half_h)
        if x.size > 1:
            step = float(np.max(np.hypot(np.diff(x), np.diff(y)))) * (1.0 / look.fps) / dt
            max_step = max(max_step, step)
        keys.append(CropKey(t=seg.out_start_s, cx=float(x[0]), cy=float(y[0])))
        keys += [CropKey(t=float(times[i]), cx=float(a), cy=float(b)) for i, a, b in zip(inside, x, y)]
        keys.append(CropKey(t=seg_end, cx=float(x[-1]), cy=float(y[-1])))
    path = CropPath(width=win_w, height=win_h, keys=keys, follows=follows, max_speed_px_s=round(max_speed, 1),
                    max_step_px=round(max_step, 2), face_share=round(face_share, 3))
    return path, segments, notes


def crop_commands(path: CropPath, segments: Sequence[Segment], fps: float, source_w: int, source_h: int) -> str:
    """sendcmd lines that move (and, for punch-ins, resize) the crop window on every frame."""
    lines = []
    times = np.array([k.t for k in path.keys])
    cxs = np.array([k.cx for k in path.keys])
    cys = np.array([k.cy for k in path.keys])
    for seg in segments:
        w = round(path.width / seg.zoom / 2) * 2
        h = round(path.height / seg.zoom / 2) * 2
        first = round(seg.out_start_s * fps)
        last = round((seg.out_start_s + seg.duration_s) * fps)
        seg_end = seg.out_start_s + seg.duration_s
        mask = (times >= seg.out_start_s - 1e-6) & (times <= seg_end + 1e-6)
        kt, kx, ky = times[mask], cxs[mask], cys[mask]
        for n in range(first, last):
            t = n / fps
            cx = float(np.interp(t, kt, kx)) if kt.size else source_w / 2
            cy = float(np.interp(t, kt, ky)) if kt.size else source_h / 2
            x = round(min(max(cx - w / 2, 0), source_w - w))
            y = round(min(max(cy - h / 2, 0), source_h - h))
            size = f"crop w {w}, crop h {h}, " if n == first else ""
            # Commands fire at the first frame whose time is at or after theirs: aim half a frame early.
            lines.append(f"{max(0.0, t - 0.5 / fps):.4f} {size}crop x {x}, crop y {y};")
    return "\n".join(lines) + "\n"


def initial_window(path: CropPath, segments: Sequence[Segment], source_w: int, source_h: int) -> tuple[int, int, int, int]:
    zoom = segments[0].zoom if segments else 1.0
    w = round(path.width / zoom / 2) * 2
    h = round(path.height / zoom / 2) * 2
    k = path.keys[0] if path.keys else CropKey(t=0, cx=source_w / 2, cy=source_h / 2)
    return w, h, round(min(max(k.cx - w / 2, 0), source_w - w)), round(min(max(k.cy - h / 2, 0), source_h - h))
