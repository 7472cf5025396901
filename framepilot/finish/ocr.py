"""Reading burned-in captions back with tesseract, as a viewer would see them.

tesseract (apt `tesseract-ocr`) reads the lower 60 % of a sampled frame in sparse-text mode
(`--psm 11`) after keeping only light pixels on dark ground, so the check does not lean on where
exactly the plan put the captions, only on captions being light text on a dark box low in the frame. Words of three letters or
more are compared, since OCR often drops short ones.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import cv2
import numpy as np

MIN_LETTERS = 3
TEXT_BAND = 0.6  # the lower share of the frame that is read
LIGHT_LEVEL = 170
DARK_LEVEL = 70  # the caption box (about 80 % black) darkens even a white wall below this
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def available() -> bool:
    return shutil.which("tesseract") is not None


def words_of(text: str) -> list[str]:
    """Lower-cased words of MIN_LETTERS or more letters (Turkish dotted/dotless i folded)."""
    text = unicodedata.normalize("NFC", text).replace("İ", "i").replace("I", "i").lower().replace("ı", "i")
    return [w for w in _WORD.findall(text) if len(w) >= MIN_LETTERS]


def _text_layer(image_bgr: np.ndarray) -> np.ndarray:
    """Light text on a dark box, as black on white, from the lower part of the frame where
    captions live on every preset. Light pixels (white or yellow: red and green both high) count
    only inside dark regions closed over the size of a letter, so a bright face or wall next to
    the caption falls away (a whole-frame read of a talking head read nothing; light pixels
    alone read 44 % of the words when the face was bright)."""
    band = image_bgr[int(image_bgr.shape[0] * (1 - TEXT_BAND)):]
    dark = (band.max(axis=2) < DARK_LEVEL).astype(np.uint8) * 255
    size = max(9, band.shape[1] // 40) | 1
    boxed = cv2.morphologyEx(dark, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    light = np.minimum(band[:, :, 1], band[:, :, 2]) > LIGHT_LEVEL
    return np.where(light & (boxed > 0), 0, 255).astype(np.uint8)


def read_image(path: Path, language: str = "eng", timeout_s: float = 60.0) -> list[str]:
    image = cv2.imread(str(path))
    if image is None:
        return []
    layer = Path(path).with_suffix(".text.png")
    cv2.imwrite(str(layer), _text_layer(image))
    proc = subprocess.run(["tesseract", str(layer), "stdout", "--psm", "11", "-l", language],
                          capture_output=True, text=True, timeout=timeout_s, check=False)
    return words_of(proc.stdout) if proc.returncode == 0 else []
