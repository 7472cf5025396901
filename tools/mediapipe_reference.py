"""Face boxes, scores and pose landmarks that mediapipe gives on the shared stills.

Standalone on purpose (mediapipe, OpenCV and NumPy only): it also runs in a throw-away venv
with the old `mediapipe==0.10.21` + numpy<2 + protobuf<5 wheel, which is how
`tests/fixtures/mediapipe_reference.json` was recorded. `tests/providers/test_mediapipe_upgrade.py`
checks that the installed build still gives the same numbers to 4 decimals.

    python tools/mediapipe_reference.py ../shared/media/stills > tests/fixtures/mediapipe_reference.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def read_stills(stills_dir: Path) -> dict:
    import cv2
    import mediapipe as mp

    face = mp.solutions.face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.5)
    pose = mp.solutions.pose.Pose(static_image_mode=True, model_complexity=1, min_detection_confidence=0.5)
    out: dict = {}
    for path in sorted(Path(stills_dir).glob("*.jpg")):
        rgb = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
        faces = []
        for det in face.process(rgb).detections or []:
            box = det.location_data.relative_bounding_box
            faces.append({"score": float(det.score[0]),
                          "box": [box.xmin, box.ymin, box.width, box.height]})
        landmarks = pose.process(rgb).pose_landmarks
        points = [[lm.x, lm.y, lm.visibility] for lm in landmarks.landmark] if landmarks else []
        out[path.name] = {"faces": faces, "pose": points}
    return out


if __name__ == "__main__":
    json.dump(read_stills(Path(sys.argv[1])), sys.stdout, indent=1)
